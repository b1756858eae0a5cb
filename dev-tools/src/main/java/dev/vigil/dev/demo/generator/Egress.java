package dev.vigil.dev.demo.generator;

import dev.vigil.dev.demo.generator.Catalog.City;
import dev.vigil.dev.demo.generator.Catalog.Isp;
import dev.vigil.schema.NetworkKind;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Egress networks whose geolocation says nothing about where the person is: the organisation's
 * corporate VPN gateways, iCloud Private Relay and in-flight Wi-Fi. The generator publishes them as
 * {@code NetworkRange} records on the networks reference topic, as an operator would, and benign
 * personas sign in through them. Prefixes are synthetic except where noted.
 */
final class Egress {

  private Egress() {}

  /**
   * A known egress range.
   *
   * @param cidr the block published on the networks topic
   * @param kind its kind
   * @param name who operates it
   * @param isp ASN and organisation the block geolocates to (its first two octets are the block's)
   * @param city where the block geolocates, or {@code null} when it follows the user (relays)
   */
  record Range(String cidr, NetworkKind kind, String name, Isp isp, City city) {
    String ip(SplittableRandom rnd) {
      if (cidr.endsWith("/24")) {
        String prefix = cidr.substring(0, cidr.lastIndexOf('.'));
        return prefix + "." + (1 + rnd.nextInt(254));
      }
      return World.ip(isp, rnd);
    }
  }

  private static City place(String name, String country, double lat, double lon, String zone) {
    return new City(name, country, lat, lon, ZoneId.of(zone), 0, List.of());
  }

  static final long VPN_ASN = 64510;
  static final String VPN_ORG = "Corp Example VPN egress (synthetic)";

  /** The corporate VPN (GlobalProtect-style) gateways, one per region. */
  static final List<Range> CORPORATE_VPN =
      List.of(
          new Range(
              "145.40.64.0/24",
              NetworkKind.CORPORATE_VPN,
              "GlobalProtect eu-central (Frankfurt)",
              new Isp(VPN_ASN, VPN_ORG, 145, 40),
              place("Frankfurt", "DE", 50.1109, 8.6821, "Europe/Berlin")),
          new Range(
              "145.40.65.0/24",
              NetworkKind.CORPORATE_VPN,
              "GlobalProtect us-east (Ashburn)",
              new Isp(VPN_ASN, VPN_ORG, 145, 40),
              place("Ashburn", "US", 39.0438, -77.4874, "America/New_York")),
          new Range(
              "145.40.66.0/24",
              NetworkKind.CORPORATE_VPN,
              "GlobalProtect us-west (San Jose)",
              new Isp(VPN_ASN, VPN_ORG, 145, 40),
              place("San Jose", "US", 37.3382, -121.8863, "America/Los_Angeles")),
          new Range(
              "145.40.67.0/24",
              NetworkKind.CORPORATE_VPN,
              "GlobalProtect ap-southeast (Singapore)",
              new Isp(VPN_ASN, VPN_ORG, 145, 40),
              place("Singapore", "SG", 1.3521, 103.8198, "Asia/Singapore")));

  /**
   * iCloud Private Relay egress: operated by Akamai (AS36183) and Cloudflare (AS13335), geolocated
   * by region near the user (Apple publishes the ranges with their region in egress-ip-ranges.csv).
   */
  static final List<Range> PRIVATE_RELAY =
      List.of(
          new Range(
              "172.224.0.0/16",
              NetworkKind.RELAY,
              "iCloud Private Relay (Akamai)",
              new Isp(36183, "Akamai Technologies, Inc.", 172, 224),
              null),
          new Range(
              "104.28.0.0/16",
              NetworkKind.RELAY,
              "iCloud Private Relay (Cloudflare)",
              new Isp(13335, "Cloudflare, Inc.", 104, 28),
              null));

  /** In-flight Wi-Fi: satellite egress that geolocates to the provider's ground station. */
  static final Range INFLIGHT_WIFI =
      new Range(
          "64.211.0.0/16",
          NetworkKind.INFLIGHT_WIFI,
          "SkyLink in-flight Wi-Fi (synthetic)",
          new Isp(64511, "SkyLink Aero Connectivity (synthetic)", 64, 211),
          place("Chicago", "US", 41.8781, -87.6298, "America/Chicago"));

  /** Not a published range: forces a sign-in from the user's own home (or hotel) network. */
  static final Range HOME = new Range("0.0.0.0/32", NetworkKind.OTHER, "home", null, null);

  /** Every range the generator publishes on the networks topic. */
  static List<Range> all() {
    List<Range> out = new java.util.ArrayList<>(CORPORATE_VPN);
    out.addAll(PRIVATE_RELAY);
    out.add(INFLIGHT_WIFI);
    return List.copyOf(out);
  }

  /** The VPN gateway nearest to a city: where its users' VPN traffic egresses. */
  static Range nearestGateway(City home) {
    return CORPORATE_VPN.stream()
        .min(Comparator.comparingDouble(r -> Catalog.distanceKm(home, r.city())))
        .orElseThrow();
  }

  /**
   * Where a relay egress geolocates for a user: mostly the home city or another city of the same
   * country, sometimes the nearest city of a neighbouring country (relays keep the region, not the
   * city).
   */
  static City relayCity(City home, SplittableRandom rnd) {
    int roll = rnd.nextInt(100);
    if (roll < 60) {
      return home;
    }
    List<City> sameCountry =
        Catalog.CITIES.stream().filter(c -> c.country().equals(home.country())).toList();
    if (roll < 85 || sameCountry.size() > 1 && roll < 90) {
      return World.pick(sameCountry, rnd);
    }
    return Catalog.CITIES.stream()
        .filter(c -> !c.country().equals(home.country()))
        .min(Comparator.comparingDouble(c -> Catalog.distanceKm(home, c)))
        .orElse(home);
  }
}
