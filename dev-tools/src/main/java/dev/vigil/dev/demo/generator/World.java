package dev.vigil.dev.demo.generator;

import dev.vigil.dev.demo.generator.Catalog.City;
import dev.vigil.dev.demo.generator.Catalog.Isp;
import dev.vigil.dev.demo.generator.Catalog.Resource;
import dev.vigil.schema.Sensitivity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The simulated organisation: people with devices, the service account, and the workload graph.
 * Built once from the seed; afterwards only the scenario setup adjusts a few time-bounded facts (a
 * trip, a new phone, a compromised device), so every question about it is a pure function of time.
 */
final class World {

  static final String DOMAIN = "corp.example";
  static final String TRUST_DOMAIN = "spiffe://corp.example";
  static final String BATCH_ACCOUNT = "svc-nightly-etl@corp.example";
  static final String BATCH_ACCOUNT_IP = "10.30.0.15";

  /** A laptop or phone. */
  static final class Device {
    final String id;
    final String ownerId;
    final String platform;
    final String osName;
    final String osVersion;
    final String browser;
    final String browserVersion;
    final String deviceType;
    final String userAgent;
    final String mdmSource;
    final int basePatchAgeDays;

    /**
     * Standing benign posture gaps, fixed per device (derived from its id, so the world's random
     * stream is untouched): about one device in 60 runs with its firewall off and one in 25 is
     * behind on patches. Known, unchanging non-compliance, never a drift.
     */
    final boolean firewallOff;

    final int patchAgeDays;

    Instant activeFrom = Instant.MIN;
    Instant compromisedFrom = Instant.MAX;

    Device(String id, String ownerId, String platform, String browser, int basePatchAgeDays) {
      this.id = id;
      this.ownerId = ownerId;
      this.platform = platform;
      this.browser = browser;
      this.basePatchAgeDays = basePatchAgeDays;
      int h = id.hashCode();
      this.firewallOff = Math.floorMod(h, 60) == 0;
      this.patchAgeDays =
          Math.floorMod(h >>> 8, 25) == 0 ? 35 + Math.floorMod(h >>> 16, 25) : basePatchAgeDays;
      switch (platform) {
        case "windows" -> {
          osName = "Windows";
          osVersion = "11";
          deviceType = "desktop";
          mdmSource = "intune";
        }
        case "macos" -> {
          osName = "macOS";
          osVersion = "14.5";
          deviceType = "desktop";
          mdmSource = "jamf";
        }
        case "linux" -> {
          osName = "Linux";
          osVersion = "Ubuntu 22.04";
          deviceType = "desktop";
          mdmSource = "crowdstrike";
        }
        case "ios" -> {
          osName = "iOS";
          osVersion = "17.5";
          deviceType = "mobile";
          mdmSource = "jamf";
        }
        default -> {
          osName = "Android";
          osVersion = "14";
          deviceType = "mobile";
          mdmSource = "intune";
        }
      }
      browserVersion =
          switch (browser) {
            case "Safari", "Mobile Safari" -> "17.5";
            case "Firefox" -> "126.0";
            default -> "125.0.0.0";
          };
      userAgent = Records.userAgentString(platform, browser, browserVersion);
    }

    boolean activeAt(Instant t) {
      return !t.isBefore(activeFrom) && t.isBefore(compromisedFrom);
    }
  }

  /** Benign working styles (see {@link Persona#profile()}). */
  static final String OFFICE = "office";

  static final String VPN = "vpn";
  static final String TRAVELLER = "traveller";
  static final String RELAY = "relay";
  static final String SPARSE = "sparse";

  /**
   * A business trip: flights out and back (no activity while in the air, except an optional sign-in
   * over in-flight Wi-Fi half-way through each flight) and days at the destination.
   */
  record Trip(
      City destination,
      Isp isp,
      String ip,
      Instant outDepart,
      Instant outArrive,
      Instant backDepart,
      Instant backArrive,
      boolean inflightWifi) {
    boolean flyingAt(Instant t) {
      return !t.isBefore(outDepart) && t.isBefore(outArrive)
          || !t.isBefore(backDepart) && t.isBefore(backArrive);
    }

    boolean thereAt(Instant t) {
      return !t.isBefore(outArrive) && t.isBefore(backDepart);
    }
  }

  /** A human user. */
  static final class User {
    final String id;
    final String role;
    final City home;
    final Isp homeIsp;
    final String homeIp;
    final int workStartHour;
    final int workEndHour;
    final Device laptop;
    Device phone;
    List<Resource> usualResources;
    final List<String> apps;
    String profile = OFFICE;
    Egress.Range gateway;
    double vpnShare;
    final List<Trip> trips = new ArrayList<>();
    // A trip: no activity in [departAt, arriveAt), then activity from the destination.
    Instant departAt = Instant.MAX;
    Instant arriveAt = Instant.MAX;
    City destination;
    Isp destinationIsp;
    String destinationIp;

    User(
        String id,
        String role,
        City home,
        Isp homeIsp,
        String homeIp,
        int workStartHour,
        int workEndHour,
        Device laptop,
        List<Resource> usualResources,
        List<String> apps) {
      this.id = id;
      this.role = role;
      this.home = home;
      this.homeIsp = homeIsp;
      this.homeIp = homeIp;
      this.workStartHour = workStartHour;
      this.workEndHour = workEndHour;
      this.laptop = laptop;
      this.usualResources = usualResources;
      this.apps = apps;
    }

    boolean availableAt(Instant t) {
      return (t.isBefore(departAt) || !t.isBefore(arriveAt)) && flightAt(t) == null;
    }

    boolean abroadAt(Instant t) {
      return destination != null && !t.isBefore(arriveAt);
    }

    /** The trip whose flight is in the air at {@code t}, if any. */
    Trip flightAt(Instant t) {
      for (Trip trip : trips) {
        if (trip.flyingAt(t)) {
          return trip;
        }
      }
      return null;
    }

    /** The trip the user is at the destination of at {@code t}, if any. */
    Trip tripAt(Instant t) {
      if (abroadAt(t)) {
        return null;
      }
      for (Trip trip : trips) {
        if (trip.thereAt(t)) {
          return trip;
        }
      }
      return null;
    }

    City cityAt(Instant t) {
      Trip trip = tripAt(t);
      return abroadAt(t) ? destination : trip != null ? trip.destination() : home;
    }

    Isp ispAt(Instant t) {
      Trip trip = tripAt(t);
      return abroadAt(t) ? destinationIsp : trip != null ? trip.isp() : homeIsp;
    }

    String ipAt(Instant t) {
      Trip trip = tripAt(t);
      return abroadAt(t) ? destinationIp : trip != null ? trip.ip() : homeIp;
    }

    ZoneId zone() {
      return home.zone();
    }

    /** Local hour of day at home. */
    int localHour(Instant t) {
      return t.atZone(home.zone()).getHour();
    }

    boolean workingTime(Instant t) {
      var local = t.atZone(home.zone());
      int h = local.getHour();
      boolean weekday = local.getDayOfWeek().getValue() <= 5;
      return weekday && h >= workStartHour && h < workEndHour;
    }

    List<Device> devicesAt(Instant t) {
      List<Device> out = new ArrayList<>(2);
      if (laptop.activeAt(t)) {
        out.add(laptop);
      }
      if (phone != null && phone.activeAt(t)) {
        out.add(phone);
      }
      return out;
    }

    Persona persona() {
      return new Persona(
          id,
          role,
          home.name(),
          home.country(),
          home.zone(),
          workStartHour,
          workEndHour,
          laptop.id,
          phone == null ? null : phone.id,
          profile);
    }
  }

  /** A workload in the mesh. */
  record Workload(String id, String tier, String name, String ip, String dbKind) {}

  /** An allowed, regularly used edge with its typical sizes. */
  record Edge(
      Workload source, Workload destination, int port, long medianBytesOut, long medianBytesIn) {}

  final List<User> users = new ArrayList<>();
  final Map<String, User> usersById = new LinkedHashMap<>();
  final List<Device> devices = new ArrayList<>();
  final List<Workload> workloads = new ArrayList<>();
  final List<Edge> edges = new ArrayList<>();
  final Map<String, Workload> workloadsByIp = new LinkedHashMap<>();

  final List<ServiceAccount> serviceAccounts = new ArrayList<>();

  World(GeneratorSettings settings) {
    SplittableRandom rnd = new SplittableRandom(settings.seed() ^ 0x5EED_0001L);
    buildPopulation(settings.users(), rnd);
    buildWorkloads(settings.workloads(), rnd);
    // Working styles come from their own random, so the people, devices and workloads above are
    // the same whatever the mix of styles.
    assignProfiles(settings, new SplittableRandom(settings.seed() ^ 0x9E75_04A5L));
    buildServiceAccounts();
  }

  /**
   * A non-human account signing in with a certificate on a schedule.
   *
   * @param id principal name
   * @param ips addresses it signs in from (a cloud job rotates among many)
   * @param geo where those addresses geolocate, or {@code null} for internal addresses
   * @param isp network of those addresses, or {@code null} for internal addresses
   * @param everyHours sign-in cadence (1 = every hour, 24 = daily)
   * @param utcHour for daily jobs, the UTC hour they run
   * @param app relying party
   * @param resources what each run reads
   */
  record ServiceAccount(
      String id,
      List<String> ips,
      City geo,
      Isp isp,
      int everyHours,
      int utcHour,
      String app,
      List<Resource> resources) {}

  private void buildServiceAccounts() {
    Isp aws = new Isp(14618, "Amazon.com, Inc.", 3, 208);
    City ashburn = Egress.CORPORATE_VPN.get(1).city();
    SplittableRandom r = new SplittableRandom(0x5E7C_ACC7L);
    List<String> cloudIps = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      cloudIps.add(ip(aws, r));
    }
    serviceAccounts.add(
        new ServiceAccount(
            "svc-ci-runner@" + DOMAIN,
            List.of("10.30.0.21", "10.30.0.22", "10.30.0.23"),
            null,
            null,
            1,
            -1,
            "github",
            List.of(
                new Resource(
                    "https://git.corp.example/platform/core", Sensitivity.CONFIDENTIAL, false),
                new Resource("https://ci.corp.example/pipelines", Sensitivity.INTERNAL, false),
                new Resource(
                    "https://artifacts.corp.example/releases", Sensitivity.INTERNAL, false))));
    serviceAccounts.add(
        new ServiceAccount(
            "svc-scim-sync@" + DOMAIN,
            List.copyOf(cloudIps),
            ashburn,
            aws,
            1,
            -1,
            "okta-admin",
            List.of(
                new Resource("https://hris.corp.example/employees", Sensitivity.CONFIDENTIAL, true),
                new Resource(
                    "https://iam.corp.example/scim/v2/Users", Sensitivity.RESTRICTED, true))));
    serviceAccounts.add(
        new ServiceAccount(
            "svc-monitoring@" + DOMAIN,
            List.of("10.30.0.40"),
            null,
            null,
            1,
            -1,
            "grafana",
            List.of(
                new Resource("https://status.corp.example/health", Sensitivity.INTERNAL, false),
                new Resource("https://logs.corp.example/app", Sensitivity.CONFIDENTIAL, true))));
    serviceAccounts.add(
        new ServiceAccount(
            "svc-backup@" + DOMAIN,
            List.of("10.30.0.50"),
            null,
            null,
            24,
            1,
            "backup",
            List.of(
                new Resource("https://vault.corp.example/snapshot", Sensitivity.RESTRICTED, true),
                new Resource("https://erp.corp.example/ledger", Sensitivity.CONFIDENTIAL, true),
                new Resource(
                    "https://hris.corp.example/employees", Sensitivity.CONFIDENTIAL, true))));
  }

  /** Restricted consoles admins open now and then beyond their usual ones. */
  static final List<Resource> ADMIN_CONSOLES =
      List.of(
          new Resource("https://iam.corp.example/console", Sensitivity.RESTRICTED, false),
          new Resource("https://iam.corp.example/audit", Sensitivity.RESTRICTED, false),
          new Resource("https://k8s.corp.example/prod", Sensitivity.RESTRICTED, false),
          new Resource("https://k8s.corp.example/prod/namespaces", Sensitivity.RESTRICTED, false),
          new Resource("https://vault.corp.example/ui", Sensitivity.RESTRICTED, false),
          new Resource("https://vault.corp.example/ui/secrets", Sensitivity.RESTRICTED, false),
          new Resource("https://dns.corp.example/zones", Sensitivity.RESTRICTED, false),
          new Resource("https://firewall.corp.example/rules", Sensitivity.RESTRICTED, false),
          new Resource("https://okta.corp.example/admin", Sensitivity.RESTRICTED, false),
          new Resource("https://aws.corp.example/org", Sensitivity.RESTRICTED, false));

  /**
   * Working styles: about 20 % on the corporate VPN, 5 % frequent travellers (who use the VPN
   * abroad too), 10 % of iPhone owners on iCloud Private Relay, 15 % sparse SSO users; the rest
   * office. Admins also get two more restricted consoles they use regularly.
   */
  private void assignProfiles(GeneratorSettings settings, SplittableRandom r) {
    Instant from = settings.start().minus(Duration.ofDays(28));
    Instant to = settings.start().plus(Duration.ofDays(3));
    for (User u : users) {
      u.gateway = Egress.nearestGateway(u.home);
      int roll = r.nextInt(100);
      if (roll < 20) {
        u.profile = VPN;
        u.vpnShare = 0.3 + 0.4 * r.nextDouble();
      } else if (roll < 25) {
        u.profile = TRAVELLER;
        u.vpnShare = 0.4;
        planTrips(u, from, to, r);
      } else if (roll < 40) {
        u.profile = SPARSE;
      } else if (roll < 60 && u.phone != null && u.phone.platform.equals("ios")) {
        u.profile = RELAY;
      }
      if (u.role.equals("admin")) {
        List<Resource> usual = new ArrayList<>(u.usualResources);
        List<Resource> consoles = new ArrayList<>(ADMIN_CONSOLES);
        consoles.removeAll(usual);
        for (int k = 0; k < 2 && !consoles.isEmpty(); k++) {
          usual.add(consoles.remove(r.nextInt(consoles.size())));
        }
        u.usualResources = List.copyOf(usual);
      }
    }
  }

  private static void planTrips(User u, Instant from, Instant to, SplittableRandom r) {
    List<City> abroad =
        Catalog.CITIES.stream().filter(c -> !c.country().equals(u.home.country())).toList();
    List<City> favourites = new ArrayList<>();
    while (favourites.size() < 3) {
      City c = pick(abroad, r);
      if (!favourites.contains(c)) {
        favourites.add(c);
      }
    }
    Instant cursor = from.plus(Duration.ofHours(r.nextInt(24 * 6)));
    while (cursor.isBefore(to)) {
      City dest = r.nextInt(10) < 8 ? pick(favourites, r) : pick(abroad, r);
      Isp hotel = pick(dest.isps(), r);
      Duration flight = flightTime(u.home, dest);
      Instant outDepart =
          cursor.atZone(u.zone()).withHour(7 + r.nextInt(4)).withMinute(r.nextInt(60)).toInstant();
      Instant outArrive = outDepart.plus(flight);
      Instant backDepart =
          outArrive
              .plus(Duration.ofDays(2 + r.nextInt(3)))
              .atZone(dest.zone())
              .withHour(9 + r.nextInt(8))
              .toInstant();
      if (!backDepart.isAfter(outArrive.plus(Duration.ofHours(12)))) {
        backDepart = outArrive.plus(Duration.ofDays(1));
      }
      Instant backArrive = backDepart.plus(flight);
      u.trips.add(
          new Trip(
              dest,
              hotel,
              ip(hotel, r),
              outDepart,
              outArrive,
              backDepart,
              backArrive,
              flight.toHours() >= 3 && r.nextInt(10) < 4));
      cursor = backArrive.plus(Duration.ofDays(3 + r.nextInt(7)));
    }
  }

  /** Door-to-door time: cruise at 800 km/h plus an hour and a half on the ground. */
  static Duration flightTime(City a, City b) {
    double hours = Catalog.distanceKm(a, b) / 800.0 + 1.5;
    return Duration.ofMinutes(Math.round(hours * 60));
  }

  static String ip(Isp isp, SplittableRandom rnd) {
    return isp.octet1()
        + "."
        + isp.octet2()
        + "."
        + rnd.nextInt(256)
        + "."
        + (1 + rnd.nextInt(254));
  }

  static String deviceId(SplittableRandom rnd) {
    return String.format(Locale.ROOT, "dev-%012x", rnd.nextLong() & 0xFFFF_FFFF_FFFFL);
  }

  static <T> T pick(List<T> list, SplittableRandom rnd) {
    return list.get(rnd.nextInt(list.size()));
  }

  static int weighted(int[] weights, SplittableRandom rnd) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int x = rnd.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private void buildPopulation(int count, SplittableRandom rnd) {
    int[] cityWeights = Catalog.CITIES.stream().mapToInt(City::weight).toArray();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < count; i++) {
      String base = pick(Catalog.FIRST_NAMES, rnd) + "." + pick(Catalog.LAST_NAMES, rnd);
      String name = base;
      for (int n = 2; !names.add(name); n++) {
        name = base + n;
      }
      String id = name + "@" + DOMAIN;
      String role = Catalog.ROLES.get(weighted(Catalog.ROLE_WEIGHTS, rnd));
      City city = Catalog.CITIES.get(weighted(cityWeights, rnd));
      Isp isp = pick(city.isps(), rnd);
      int start = 7 + weighted(new int[] {20, 55, 25}, rnd);
      int end = Math.min(19, start + 9 + rnd.nextInt(2));

      String platform;
      if (role.equals("engineer")) {
        platform = List.of("macos", "macos", "linux", "windows").get(rnd.nextInt(4));
      } else {
        platform = rnd.nextInt(10) < 6 ? "windows" : "macos";
      }
      String browser =
          switch (platform) {
            case "windows" -> rnd.nextInt(10) < 7 ? "Chrome" : "Edge";
            case "macos" -> rnd.nextInt(10) < 6 ? "Chrome" : "Safari";
            default -> rnd.nextInt(10) < 6 ? "Firefox" : "Chrome";
          };
      Device laptop = new Device(deviceId(rnd), id, platform, browser, rnd.nextInt(21));
      devices.add(laptop);

      List<Resource> roleResources = new ArrayList<>(Catalog.ROLE_RESOURCES.get(role));
      List<Resource> usual = new ArrayList<>(Catalog.COMMON_RESOURCES);
      int extra = Math.min(roleResources.size(), 3 + rnd.nextInt(3));
      for (int k = 0; k < extra; k++) {
        usual.add(roleResources.remove(rnd.nextInt(roleResources.size())));
      }
      User user =
          new User(
              id,
              role,
              city,
              isp,
              ip(isp, rnd),
              start,
              end,
              laptop,
              List.copyOf(usual),
              Catalog.ROLE_APPS.get(role));
      if (rnd.nextInt(100) < 45) {
        boolean ios = rnd.nextInt(100) < 55;
        user.phone =
            new Device(
                deviceId(rnd),
                id,
                ios ? "ios" : "android",
                ios ? "Mobile Safari" : "Chrome Mobile",
                rnd.nextInt(15));
        devices.add(user.phone);
      }
      users.add(user);
      usersById.put(id, user);
    }
  }

  private Workload workload(String ns, String name, String tier, String dbKind) {
    int index = workloads.size();
    String ip = "10.20." + (index / 200) + "." + (10 + index % 200);
    Workload w = new Workload(TRUST_DOMAIN + "/ns/" + ns + "/sa/" + name, tier, name, ip, dbKind);
    workloads.add(w);
    workloadsByIp.put(ip, w);
    return w;
  }

  private static String nth(List<String> names, int i) {
    String base = names.get(i % names.size());
    return i < names.size() ? base : base + "-" + (i / names.size() + 1);
  }

  private static long lognormal(long median, double sigma, SplittableRandom rnd) {
    return Math.max(64, Math.round(median * Math.exp(sigma * Records.gaussian(rnd))));
  }

  private void buildWorkloads(int count, SplittableRandom rnd) {
    int frontends = Math.max(2, (int) Math.round(count * 0.2));
    int batch = Math.max(1, (int) Math.round(count * 0.1));
    int rest = count - frontends - batch;
    int apis = (int) Math.ceil(rest * 0.57);
    int dbs = rest - apis;
    List<Workload> fe = new ArrayList<>();
    List<Workload> api = new ArrayList<>();
    List<Workload> db = new ArrayList<>();
    List<Workload> jobs = new ArrayList<>();
    for (int i = 0; i < frontends; i++) {
      fe.add(workload("web", nth(Catalog.FRONTENDS, i), "frontend", null));
    }
    for (int i = 0; i < apis; i++) {
      String domain = nth(Catalog.DOMAINS, i);
      api.add(workload(domain, domain + "-api", "api", null));
    }
    for (int i = 0; i < dbs; i++) {
      String domain = nth(Catalog.DOMAINS, i);
      String kind = Catalog.DB_KINDS.get(i % Catalog.DB_KINDS.size());
      db.add(workload(domain, domain + "-" + kind, "db", kind));
    }
    for (int i = 0; i < batch; i++) {
      jobs.add(workload("batch", nth(Catalog.BATCH, i), "batch", null));
    }
    for (Workload f : fe) {
      List<Workload> targets = new ArrayList<>(api);
      for (int k = 0; k < Math.min(3, api.size()); k++) {
        Workload a = targets.remove(rnd.nextInt(targets.size()));
        edges.add(new Edge(f, a, 8443, lognormal(4_000, 0.5, rnd), lognormal(40_000, 0.6, rnd)));
      }
    }
    for (int i = 0; i < api.size(); i++) {
      Workload a = api.get(i);
      if (i < db.size()) {
        Workload d = db.get(i);
        edges.add(
            new Edge(
                a,
                d,
                Catalog.dbPort(d.dbKind()),
                lognormal(2_000, 0.5, rnd),
                lognormal(60_000, 0.7, rnd)));
      }
      if (api.size() > 1 && rnd.nextInt(10) < 5) {
        Workload other = api.get((i + 1 + rnd.nextInt(api.size() - 1)) % api.size());
        edges.add(
            new Edge(a, other, 8443, lognormal(3_000, 0.5, rnd), lognormal(12_000, 0.6, rnd)));
      }
    }
    for (Workload j : jobs) {
      List<Workload> targets = new ArrayList<>(db);
      for (int k = 0; k < Math.min(2, db.size()); k++) {
        Workload d = targets.remove(rnd.nextInt(targets.size()));
        edges.add(
            new Edge(
                j,
                d,
                Catalog.dbPort(d.dbKind()),
                lognormal(8_000, 0.4, rnd),
                lognormal(20_000_000, 0.5, rnd)));
      }
    }
  }

  List<Workload> tier(String tier) {
    return workloads.stream().filter(w -> w.tier().equals(tier)).toList();
  }

  List<Edge> edgesFrom(Workload w) {
    return edges.stream().filter(e -> e.source().equals(w)).toList();
  }

  boolean allowed(Workload source, Workload destination) {
    return edges.stream()
        .anyMatch(e -> e.source().equals(source) && e.destination().equals(destination));
  }
}
