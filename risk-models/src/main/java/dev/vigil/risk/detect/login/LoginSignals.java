package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.UserAgent;
import java.util.IllformedLocaleException;
import java.util.Locale;

/** Reading the features login detectors share from a {@link LoginEvent}. */
final class LoginSignals {

  private static final int MAX_VALUE_LENGTH = 64;

  private LoginSignals() {}

  /**
   * Whether the sign-in came through a known range whose geolocation says nothing about where the
   * person is (office or corporate-VPN egress, privacy relays, in-flight Wi-Fi; the networks
   * reference topic). Its country and network are then neither news nor worth learning. Consumer
   * VPNs and anonymizers are never excused.
   */
  static boolean locationFree(LoginEvent e, DetectionContext context) {
    return context != null
        && context.reference() != null
        && context.reference().locationFreeNetwork(e.getIp()).isPresent();
  }

  static boolean success(LoginEvent e) {
    return e.getOutcome() == LoginOutcome.SUCCESS;
  }

  static long millis(LoginEvent e) {
    return e.getTimestamp().toEpochMilli();
  }

  static long seconds(LoginEvent e) {
    return Math.floorDiv(e.getTimestamp().toEpochMilli(), 1000L);
  }

  /** ISO country code, upper case, or null. */
  static String country(LoginEvent e) {
    Geo g = e.getGeo();
    return g == null || blank(g.getCountry())
        ? null
        : g.getCountry().trim().toUpperCase(Locale.ROOT);
  }

  /** {@code AS64496}, or null. */
  static String asn(LoginEvent e) {
    Geo g = e.getGeo();
    return g == null || g.getAsn() == null ? null : "AS" + g.getAsn();
  }

  static String asOrg(LoginEvent e) {
    Geo g = e.getGeo();
    return g == null ? null : g.getAsOrg();
  }

  static String ip(LoginEvent e) {
    return blank(e.getIp()) ? null : cap(e.getIp().trim());
  }

  static String deviceType(LoginEvent e) {
    UserAgent ua = e.getUserAgent();
    return ua == null || blank(ua.getDeviceType())
        ? null
        : cap(ua.getDeviceType().toLowerCase(Locale.ROOT));
  }

  static String os(LoginEvent e) {
    UserAgent ua = e.getUserAgent();
    return ua == null || blank(ua.getOs()) ? null : cap(ua.getOs());
  }

  static String browser(LoginEvent e) {
    UserAgent ua = e.getUserAgent();
    return ua == null || blank(ua.getBrowser()) ? null : cap(ua.getBrowser());
  }

  /**
   * The device a sign-in came from: its device id, or lacking one a fingerprint of the parsed user
   * agent (browser, OS, device type); null when neither is known.
   */
  static String deviceKey(LoginEvent e) {
    if (!blank(e.getDeviceId())) {
      return cap("id:" + e.getDeviceId().trim());
    }
    String b = browser(e);
    String o = os(e);
    String t = deviceType(e);
    if (b == null && o == null && t == null) {
      return null;
    }
    return cap("ua:" + nz(b) + "/" + nz(o) + "/" + nz(t));
  }

  /** A device key in words. */
  static String describeDevice(String deviceKey) {
    if (deviceKey.startsWith("id:")) {
      return "device " + deviceKey.substring(3);
    }
    String[] parts = deviceKey.substring(3).split("/", -1);
    return parts[0] + " on " + parts[1] + " (" + parts[2] + ")";
  }

  /** English name of an ISO country code, or the code itself. */
  static String countryName(String code) {
    if (code == null) {
      return "an unknown country";
    }
    try {
      String name = new Locale.Builder().setRegion(code).build().getDisplayCountry(Locale.ENGLISH);
      return name.isEmpty() || name.equalsIgnoreCase(code) ? code : name;
    } catch (IllformedLocaleException e) {
      return code;
    }
  }

  /** "City, CC", or the country, or "an unknown place". */
  static String place(LoginEvent e) {
    Geo g = e.getGeo();
    if (g == null) {
      return "an unknown place";
    }
    String city = g.getCity();
    String country = g.getCountry();
    if (city != null && country != null) {
      return city + ", " + country;
    }
    return city != null ? city : country != null ? country : "an unknown place";
  }

  /**
   * "country never seen in 45 sign-ins over 12 days", or "not seen recently" when the capped
   * history has had to forget values.
   */
  static String unseenAgainst(String kind, DecayedCounts counts, SignInHistory history, long at) {
    return kind
        + (counts.evicted == 0 ? " never seen in " : " not seen recently in ")
        + plural(history.signIns(), "sign-in")
        + " over "
        + plural(history.days(at), "day");
  }

  static String plural(long n, String singular) {
    return n + " " + singular + (n == 1 ? "" : "s");
  }

  private static String nz(String s) {
    return s == null ? "?" : s;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String cap(String s) {
    return s.length() <= MAX_VALUE_LENGTH ? s : s.substring(0, MAX_VALUE_LENGTH);
  }
}
