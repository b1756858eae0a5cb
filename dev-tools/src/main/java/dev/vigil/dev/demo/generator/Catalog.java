package dev.vigil.dev.demo.generator;

import dev.vigil.schema.Sensitivity;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * Built-in tables: real cities and ISPs, names, resources per role, service domains. Network
 * prefixes of ISPs are synthetic (not the operators' real allocations); attacker infrastructure
 * uses the documentation ranges of RFC 5737 and the documentation ASNs of RFC 5398.
 */
final class Catalog {

  private Catalog() {}

  /** An internet access provider with a synthetic /16 prefix. */
  record Isp(long asn, String name, int octet1, int octet2) {}

  /** A city users live in. */
  record City(
      String name,
      String country,
      double lat,
      double lon,
      ZoneId zone,
      int weight,
      List<Isp> isps) {}

  private static List<Isp> isps(Object... parts) {
    java.util.ArrayList<Isp> out = new java.util.ArrayList<>();
    for (int i = 0; i < parts.length; i += 4) {
      out.add(
          new Isp(
              ((Number) parts[i]).longValue(),
              (String) parts[i + 1],
              (Integer) parts[i + 2],
              (Integer) parts[i + 3]));
    }
    return List.copyOf(out);
  }

  private static final Map<String, List<Isp>> ISPS =
      Map.ofEntries(
          Map.entry(
              "GB",
              isps(
                  2856,
                  "British Telecommunications PLC",
                  81,
                  130,
                  5089,
                  "Virgin Media Limited",
                  82,
                  14)),
          Map.entry(
              "IE", isps(5466, "Eircom Limited", 86, 40, 6830, "Virgin Media Ireland", 89, 100)),
          Map.entry("FR", isps(3215, "Orange S.A.", 90, 12, 12322, "Free SAS", 88, 160)),
          Map.entry(
              "DE", isps(3320, "Deutsche Telekom AG", 91, 40, 3209, "Vodafone GmbH", 94, 134)),
          Map.entry(
              "NL",
              isps(1136, "KPN B.V.", 77, 160, 33915, "Vodafone Libertel B.V. (Ziggo)", 84, 80)),
          Map.entry(
              "ES", isps(3352, "Telefonica de Espana", 83, 40, 12479, "Orange Espagne", 85, 50)),
          Map.entry(
              "IT", isps(3269, "Telecom Italia S.p.A.", 79, 20, 12874, "Fastweb SpA", 93, 40)),
          Map.entry(
              "SE", isps(3301, "Telia Company AB", 78, 70, 1257, "Tele2 Sverige AB", 90, 230)),
          Map.entry("PL", isps(5617, "Orange Polska S.A.", 83, 20, 12741, "Netia SA", 89, 70)),
          Map.entry(
              "US",
              isps(
                  7922,
                  "Comcast Cable Communications, LLC",
                  73,
                  40,
                  701,
                  "Verizon Business",
                  71,
                  160)),
          Map.entry(
              "CA",
              isps(812, "Rogers Communications Canada Inc.", 99, 230, 577, "Bell Canada", 70, 50)),
          Map.entry(
              "BR",
              isps(
                  27699,
                  "Telefonica Brasil S.A.",
                  177,
                  100,
                  28573,
                  "Claro NXT Telecomunicacoes Ltda",
                  179,
                  200)),
          Map.entry(
              "IN",
              isps(
                  24560,
                  "Bharti Airtel Ltd.",
                  122,
                  160,
                  55836,
                  "Reliance Jio Infocomm Limited",
                  49,
                  36)),
          Map.entry(
              "SG",
              isps(
                  7473,
                  "Singapore Telecommunications Ltd",
                  116,
                  14,
                  4657,
                  "StarHub Ltd",
                  118,
                  200)),
          Map.entry(
              "JP",
              isps(
                  4713,
                  "NTT Communications Corporation",
                  153,
                  200,
                  2516,
                  "KDDI Corporation",
                  106,
                  160)),
          Map.entry(
              "AU",
              isps(1221, "Telstra Limited", 101, 160, 4804, "Optus Internet Pty Ltd", 120, 150)),
          Map.entry(
              "IL",
              isps(
                  8551,
                  "Bezeq International Ltd.",
                  79,
                  180,
                  12400,
                  "Partner Communications Ltd.",
                  176,
                  12)));

  private static City city(
      String name, String country, double lat, double lon, String zone, int weight) {
    return new City(name, country, lat, lon, ZoneId.of(zone), weight, ISPS.get(country));
  }

  /** 25 cities; the weight is the relative share of the population living there. */
  static final List<City> CITIES =
      List.of(
          city("London", "GB", 51.5074, -0.1278, "Europe/London", 10),
          city("Manchester", "GB", 53.4808, -2.2426, "Europe/London", 3),
          city("Dublin", "IE", 53.3498, -6.2603, "Europe/Dublin", 4),
          city("Paris", "FR", 48.8566, 2.3522, "Europe/Paris", 6),
          city("Lyon", "FR", 45.7640, 4.8357, "Europe/Paris", 2),
          city("Berlin", "DE", 52.5200, 13.4050, "Europe/Berlin", 8),
          city("Munich", "DE", 48.1351, 11.5820, "Europe/Berlin", 4),
          city("Amsterdam", "NL", 52.3676, 4.9041, "Europe/Amsterdam", 5),
          city("Madrid", "ES", 40.4168, -3.7038, "Europe/Madrid", 3),
          city("Milan", "IT", 45.4642, 9.1900, "Europe/Rome", 3),
          city("Stockholm", "SE", 59.3293, 18.0686, "Europe/Stockholm", 2),
          city("Warsaw", "PL", 52.2297, 21.0122, "Europe/Warsaw", 4),
          city("New York", "US", 40.7128, -74.0060, "America/New_York", 10),
          city("Boston", "US", 42.3601, -71.0589, "America/New_York", 3),
          city("Chicago", "US", 41.8781, -87.6298, "America/Chicago", 3),
          city("Austin", "US", 30.2672, -97.7431, "America/Chicago", 3),
          city("San Francisco", "US", 37.7749, -122.4194, "America/Los_Angeles", 8),
          city("Seattle", "US", 47.6062, -122.3321, "America/Los_Angeles", 3),
          city("Toronto", "CA", 43.6532, -79.3832, "America/Toronto", 3),
          city("Sao Paulo", "BR", -23.5505, -46.6333, "America/Sao_Paulo", 2),
          city("Bangalore", "IN", 12.9716, 77.5946, "Asia/Kolkata", 4),
          city("Singapore", "SG", 1.3521, 103.8198, "Asia/Singapore", 2),
          city("Tokyo", "JP", 35.6762, 139.6503, "Asia/Tokyo", 2),
          city("Sydney", "AU", -33.8688, 151.2093, "Australia/Sydney", 2),
          city("Tel Aviv", "IL", 32.0853, 34.7818, "Asia/Jerusalem", 2));

  static City cityNamed(String name) {
    return CITIES.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  /** Great-circle distance in km (haversine, mean Earth radius). */
  static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(Math.toRadians(lat1))
                * Math.cos(Math.toRadians(lat2))
                * Math.sin(dLon / 2)
                * Math.sin(dLon / 2);
    return 2 * 6371.0 * Math.asin(Math.min(1.0, Math.sqrt(a)));
  }

  static double distanceKm(City a, City b) {
    return distanceKm(a.lat(), a.lon(), b.lat(), b.lon());
  }

  static final List<String> FIRST_NAMES =
      List.of(
          "alice", "bob", "carol", "david", "emma", "farid", "grace", "hiro", "ines", "jonas",
          "karin", "liam", "maria", "noah", "olga", "pavel", "quinn", "rosa", "sanjay", "tara",
          "umar", "vera", "wei", "ximena", "yusuf", "zoe", "amara", "bruno", "chen", "dara",
          "elena", "felix", "gita", "hugo", "ivan", "julia", "kenji", "lena", "mateo", "nina");

  static final List<String> LAST_NAMES =
      List.of(
          "smith",
          "mueller",
          "garcia",
          "rossi",
          "dubois",
          "kowalski",
          "tanaka",
          "patel",
          "silva",
          "johansson",
          "obrien",
          "cohen",
          "nguyen",
          "schmidt",
          "martin",
          "jansen",
          "lopez",
          "kim",
          "novak",
          "fischer",
          "moreau",
          "bianchi",
          "andersson",
          "walsh",
          "levi",
          "sato",
          "rao",
          "costa",
          "weber",
          "murphy",
          "taylor",
          "brown",
          "wilson",
          "meyer",
          "fernandez",
          "ito",
          "singh",
          "oliveira",
          "larsen",
          "horvat");

  /** Roles with their population shares (percent). */
  static final List<String> ROLES = List.of("engineer", "sales", "finance", "hr", "admin");

  static final int[] ROLE_WEIGHTS = {45, 25, 15, 8, 7};

  /** A resource a role uses, with its sensitivity and whether reads return records. */
  record Resource(String id, Sensitivity sensitivity, boolean dataset) {}

  private static Resource r(String id, Sensitivity s, boolean dataset) {
    return new Resource(id, s, dataset);
  }

  static final List<Resource> COMMON_RESOURCES =
      List.of(
          r("https://mail.corp.example/owa", Sensitivity.INTERNAL, false),
          r("https://wiki.corp.example/home", Sensitivity.INTERNAL, false),
          r("https://chat.corp.example/", Sensitivity.INTERNAL, false),
          r("https://intranet.corp.example/news", Sensitivity.PUBLIC, false));

  static final Map<String, List<Resource>> ROLE_RESOURCES =
      Map.of(
          "engineer",
          List.of(
              r("https://git.corp.example/platform/core", Sensitivity.CONFIDENTIAL, false),
              r("https://git.corp.example/web/storefront", Sensitivity.CONFIDENTIAL, false),
              r("https://ci.corp.example/pipelines", Sensitivity.INTERNAL, false),
              r("https://k8s.corp.example/staging", Sensitivity.CONFIDENTIAL, false),
              r("https://logs.corp.example/app", Sensitivity.CONFIDENTIAL, true),
              r("https://wiki.corp.example/engineering", Sensitivity.INTERNAL, false),
              r("https://tracker.corp.example/board", Sensitivity.INTERNAL, false)),
          "sales",
          List.of(
              r("https://crm.corp.example/accounts", Sensitivity.CONFIDENTIAL, true),
              r("https://crm.corp.example/opportunities", Sensitivity.CONFIDENTIAL, true),
              r("https://docs.corp.example/pricing", Sensitivity.CONFIDENTIAL, false),
              r("https://wiki.corp.example/sales", Sensitivity.INTERNAL, false),
              r("https://cpq.corp.example/quotes", Sensitivity.CONFIDENTIAL, false)),
          "finance",
          List.of(
              r("https://erp.corp.example/ledger", Sensitivity.CONFIDENTIAL, true),
              r("https://erp.corp.example/invoices", Sensitivity.CONFIDENTIAL, true),
              r("https://bi.corp.example/revenue", Sensitivity.CONFIDENTIAL, true),
              r("https://erp.corp.example/payables", Sensitivity.CONFIDENTIAL, true),
              r("https://payroll.corp.example/summary", Sensitivity.RESTRICTED, true)),
          "hr",
          List.of(
              r("https://hris.corp.example/employees", Sensitivity.CONFIDENTIAL, true),
              r("https://hris.corp.example/compensation", Sensitivity.RESTRICTED, true),
              r("https://ats.corp.example/candidates", Sensitivity.CONFIDENTIAL, true),
              r("https://wiki.corp.example/people", Sensitivity.INTERNAL, false)),
          "admin",
          List.of(
              r("https://iam.corp.example/console", Sensitivity.RESTRICTED, false),
              r("https://k8s.corp.example/prod", Sensitivity.RESTRICTED, false),
              r("https://vault.corp.example/ui", Sensitivity.RESTRICTED, false),
              r("https://siem.corp.example/search", Sensitivity.CONFIDENTIAL, true),
              r("https://k8s.corp.example/staging", Sensitivity.CONFIDENTIAL, false)));

  /** Applications (relying parties) per role, signed in to. */
  static final Map<String, List<String>> ROLE_APPS =
      Map.of(
          "engineer", List.of("m365", "github", "aws-console", "jira"),
          "sales", List.of("m365", "salesforce", "zoom"),
          "finance", List.of("m365", "netsuite", "workday"),
          "hr", List.of("m365", "workday", "greenhouse"),
          "admin", List.of("m365", "aws-console", "okta-admin", "github"));

  /** Service domains; each has an API workload and, for most, a data store. */
  static final List<String> DOMAINS =
      List.of(
          "payments",
          "orders",
          "catalog",
          "identity",
          "search",
          "inventory",
          "shipping",
          "billing",
          "notifications",
          "reviews",
          "pricing",
          "accounts",
          "loyalty",
          "fraud",
          "recommendations",
          "analytics",
          "media",
          "support",
          "tax",
          "ledger");

  static final List<String> FRONTENDS =
      List.of(
          "storefront",
          "mobile-bff",
          "partner-portal",
          "admin-portal",
          "checkout-web",
          "support-portal",
          "seller-portal",
          "status-page");

  static final List<String> BATCH =
      List.of("reporting-etl", "db-backup", "search-indexer", "invoice-run", "ml-training");

  /** Database kinds with their ports. */
  static final List<String> DB_KINDS = List.of("postgres", "redis", "cassandra", "mysql");

  static int dbPort(String kind) {
    return switch (kind) {
      case "redis" -> 6379;
      case "cassandra" -> 9042;
      case "mysql" -> 3306;
      default -> 5432;
    };
  }
}
