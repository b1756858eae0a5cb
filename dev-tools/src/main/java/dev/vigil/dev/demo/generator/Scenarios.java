package dev.vigil.dev.demo.generator;

import static dev.vigil.dev.demo.generator.GeneratedEvent.ACCESS;
import static dev.vigil.dev.demo.generator.GeneratedEvent.DEVICE_POSTURE;
import static dev.vigil.dev.demo.generator.GeneratedEvent.EXTERNAL;
import static dev.vigil.dev.demo.generator.GeneratedEvent.GRANT;
import static dev.vigil.dev.demo.generator.GeneratedEvent.LOGIN;
import static dev.vigil.dev.demo.generator.GeneratedEvent.NETWORK_FLOW;

import dev.vigil.dev.demo.generator.Catalog.City;
import dev.vigil.dev.demo.generator.Catalog.Isp;
import dev.vigil.dev.demo.generator.Records.Attempt;
import dev.vigil.dev.demo.generator.Records.Target;
import dev.vigil.dev.demo.generator.World.Device;
import dev.vigil.dev.demo.generator.World.Edge;
import dev.vigil.dev.demo.generator.World.User;
import dev.vigil.dev.demo.generator.World.Workload;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.Sensitivity;
import dev.vigil.schema.Severity;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;

/**
 * The labelled attack library and the scripted benign anomalies. Everything is planned once, at
 * construction: victims are drawn from the seed, the setup events that must precede an attack (the
 * victim's own sign-in, a JIT grant) are placed in the history, and attack events in the live phase
 * at {@code start + firstAttackAfter + i * attackSpacing}.
 */
final class Scenarios {

  static final String IMPOSSIBLE_TRAVEL = "ato.impossible-travel";
  static final String PASSWORD_SPRAY = "login.password-spray";
  static final String CREDENTIAL_STUFFING = "login.credential-stuffing";
  static final String MFA_FATIGUE = "login.mfa-fatigue";
  static final String SESSION_HIJACK = "session.hijack";
  static final String INSIDER_BULK = "access.insider-bulk";
  static final String EDR_DISABLED = "device.edr-disabled";
  static final String LATERAL_MOVEMENT = "workload.lateral-movement";
  static final String EXFILTRATION = "workload.exfiltration";
  static final String EXPIRED_GRANT = "grant.expired-use";

  static final String BENIGN_TRAVELLER = "benign.traveller";
  static final String BENIGN_NEW_PHONE = "benign.new-phone";
  static final String BENIGN_MISTYPE = "benign.mistyped-password";
  static final String BENIGN_BATCH = "benign.nightly-batch";

  /** Attacker infrastructure, all in documentation ranges (RFC 5737, RFC 5398). */
  static final long ANONYMIZER_ASN = 64500;

  static final String ANONYMIZER_ORG = "NightOwl VPN (synthetic)";
  static final String ANONYMIZER_CIDR = "198.51.100.0/24";
  static final long TOR_ASN = 64501;
  static final String TOR_ORG = "Onion Relay Hosting (synthetic)";
  static final String TOR_CIDR = "203.0.113.0/24";
  static final String SPRAY_IP = "203.0.113.45";
  static final long BULLETPROOF_ASN = 64502;
  static final String BULLETPROOF_ORG = "Bulletproof Hosting (synthetic)";
  static final String C2_IP = "192.0.2.66";
  static final String SCANNER_IP = "192.0.2.77";

  static final City TOR_EXIT_CITY =
      new City(
          "Frankfurt am Main",
          "DE",
          50.1109,
          8.6821,
          java.time.ZoneId.of("Europe/Berlin"),
          0,
          List.of());
  static final City C2_CITY =
      new City(
          "Chisinau", "MD", 47.0105, 28.8638, java.time.ZoneId.of("Europe/Chisinau"), 0, List.of());

  final List<GeneratedEvent> scripted = new ArrayList<>();
  final List<ScenarioLabel> attacks = new ArrayList<>();
  final List<ScenarioLabel> benign = new ArrayList<>();
  final List<String> botnetIps = new ArrayList<>();

  private final World world;
  private final GeneratorSettings settings;
  private final SplittableRandom rnd;
  private final List<User> shuffled;
  private final Set<String> used = new HashSet<>();
  private final BenignTraffic setup;

  Scenarios(World world, GeneratorSettings settings) {
    this.world = world;
    this.settings = settings;
    this.rnd = new SplittableRandom(settings.seed() ^ 0x5CE7_A210L);
    List<User> users = new ArrayList<>(world.users);
    for (int i = users.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      users.set(i, users.set(j, users.get(i)));
    }
    this.shuffled = users;
    // Setup events (the victims' own sign-ins) are ordinary benign behaviour, hence untagged.
    this.setup = new BenignTraffic(world, rnd, this::emitBenign);
    planBenign();
    planAttacks();
    scripted.sort(Comparator.comparing(GeneratedEvent::timestamp));
  }

  private void emitBenign(
      String stream, String key, SpecificRecord value, Instant t, String ignored) {
    scripted.add(new GeneratedEvent(stream, key, value, t, null));
  }

  private void emit(String stream, String key, SpecificRecord value, Instant t, String scenario) {
    scripted.add(new GeneratedEvent(stream, key, value, t, scenario));
  }

  private User victim(Predicate<User> filter) {
    // Scripted stories need a predictable person: an office worker first (no VPN, trips or relay
    // of their own that would blur the story), anyone matching the filter next.
    for (User u : shuffled) {
      if (!used.contains(u.id) && u.profile.equals(World.OFFICE) && filter.test(u)) {
        used.add(u.id);
        return u;
      }
    }
    for (User u : shuffled) {
      if (!used.contains(u.id) && filter.test(u)) {
        used.add(u.id);
        return u;
      }
    }
    for (User u : shuffled) {
      if (!used.contains(u.id)) {
        used.add(u.id);
        return u;
      }
    }
    throw new IllegalStateException("population too small for the scenario library");
  }

  private static boolean european(User u) {
    return u.zone().getId().startsWith("Europe/");
  }

  private Instant attackAt(int index) {
    return settings
        .start()
        .plus(settings.firstAttackAfter())
        .plus(settings.attackSpacing().multipliedBy(index));
  }

  private void label(
      List<ScenarioLabel> into,
      String id,
      String description,
      Set<String> subjects,
      Instant at,
      String detector,
      String action) {
    into.add(new ScenarioLabel(id, description, subjects, at, detector, action));
  }

  // ---------------------------------------------------------------- benign anomalies

  private void planBenign() {
    Instant start = settings.start();

    User traveller = victim(Scenarios::european);
    City destination =
        Catalog.cityNamed(traveller.home.country().equals("US") ? "London" : "New York");
    Instant lastHome = start.minus(Duration.ofHours(19));
    Instant arrival = start.plusSeconds(20);
    setup.signIn(traveller, lastHome, 0);
    traveller.departAt = lastHome.plusSeconds(1);
    traveller.arriveAt = arrival;
    traveller.destination = destination;
    traveller.destinationIsp = destination.isps().get(0);
    traveller.destinationIp = World.ip(traveller.destinationIsp, rnd);
    setup.signIn(traveller, arrival, 0);
    label(
        benign,
        BENIGN_TRAVELLER,
        "Flew from "
            + traveller.home.name()
            + " to "
            + destination.name()
            + "; first sign-in there 19 hours after the last one at home.",
        Set.of(traveller.id),
        arrival,
        "login.impossible-travel",
        ScenarioLabel.NO_ACTION);

    User mistyper = victim(u -> true);
    Instant firstTry = start.plusSeconds(28);
    Attempt a =
        new Attempt(
            mistyper.id,
            SubjectType.HUMAN,
            mistyper.apps.get(0),
            mistyper.laptop.id,
            mistyper.homeIp,
            Records.geo(mistyper.home, mistyper.homeIsp),
            Records.userAgent(mistyper.laptop));
    emitBenign(
        LOGIN,
        mistyper.id,
        Records.login(
            rnd,
            firstTry,
            a,
            AuthMethod.PASSWORD,
            LoginOutcome.FAILURE,
            "invalid_password",
            null,
            null),
        firstTry,
        null);
    Instant second = firstTry.plusSeconds(9);
    emitBenign(
        LOGIN,
        mistyper.id,
        Records.login(
            rnd,
            second,
            a,
            AuthMethod.MFA_PUSH,
            LoginOutcome.SUCCESS,
            null,
            Records.uuid(rnd),
            second.plus(BenignTraffic.SESSION_LENGTH)),
        second,
        null);
    label(
        benign,
        BENIGN_MISTYPE,
        "Mistyped the password once at home, on the usual laptop, then signed in.",
        Set.of(mistyper.id),
        firstTry,
        "login.brute-force",
        ScenarioLabel.NO_ACTION);

    User phoneUser = victim(u -> u.phone == null);
    Instant enrolled = start.plusSeconds(41);
    boolean ios = rnd.nextBoolean();
    phoneUser.phone =
        new Device(
            World.deviceId(rnd),
            phoneUser.id,
            ios ? "ios" : "android",
            ios ? "Mobile Safari" : "Chrome Mobile",
            0);
    phoneUser.phone.activeFrom = enrolled;
    world.devices.add(phoneUser.phone);
    setup.posture(phoneUser.phone, enrolled);
    Isp mobile = phoneUser.home.isps().get(phoneUser.home.isps().size() - 1);
    Instant phoneLogin = enrolled.plusSeconds(1);
    String phoneIp = World.ip(mobile, rnd);
    Attempt pa =
        new Attempt(
            phoneUser.id,
            SubjectType.HUMAN,
            "m365",
            phoneUser.phone.id,
            phoneIp,
            Records.geo(phoneUser.home, mobile),
            Records.userAgent(phoneUser.phone));
    String phoneSession = Records.uuid(rnd);
    emitBenign(
        LOGIN,
        phoneUser.id,
        Records.login(
            rnd,
            phoneLogin,
            pa,
            AuthMethod.MFA_PUSH,
            LoginOutcome.SUCCESS,
            null,
            phoneSession,
            phoneLogin.plus(BenignTraffic.SESSION_LENGTH)),
        phoneLogin,
        null);
    setup.access(
        new BenignTraffic.Session(
            phoneUser,
            phoneSession,
            phoneUser.phone,
            phoneIp,
            phoneLogin.plus(BenignTraffic.SESSION_LENGTH)),
        phoneLogin.plusSeconds(3));
    label(
        benign,
        BENIGN_NEW_PHONE,
        "Enrolled a new, compliant phone in MDM and signed in from home after a week of history.",
        Set.of(phoneUser.id, phoneUser.phone.id),
        enrolled,
        "login.new-device",
        ScenarioLabel.NO_ACTION);

    Instant lastBatch =
        start.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofHours(2));
    if (!lastBatch.isBefore(start)) {
      lastBatch = lastBatch.minus(Duration.ofDays(1));
    }
    label(
        benign,
        BENIGN_BATCH,
        "The nightly ETL service account reads ~170 data-warehouse partitions at 02:00 UTC, every night.",
        Set.of(World.BATCH_ACCOUNT),
        lastBatch,
        "access.unusual-volume",
        ScenarioLabel.NO_ACTION);
  }

  // ---------------------------------------------------------------- attacks

  /** Attacks planned only for population measurements (a day-long live phase). */
  static final String VPN_USER_TAKEOVER = "ato.consumer-vpn-vs-corporate-vpn-user";

  static final String RELAY_USER_TAKEOVER = "ato.consumer-vpn-vs-relay-user";

  /**
   * Two more account takeovers, on people whose own traffic egresses through excused ranges: a
   * corporate-VPN user and an iCloud Private Relay user, each signing in from home, then through
   * their VPN or relay, then the attacker from a consumer VPN on the far side of the world. The
   * excused egress must not hide the attacker.
   */
  void planPopulationAttacks() {
    excusedEgressTakeover(
        attackAt(10), VPN_USER_TAKEOVER, World.VPN, "the corporate VPN", u -> u.gateway);
    excusedEgressTakeover(
        attackAt(11),
        RELAY_USER_TAKEOVER,
        World.RELAY,
        "iCloud Private Relay",
        u -> Egress.PRIVATE_RELAY.get(0));
    scripted.sort(Comparator.comparing(GeneratedEvent::timestamp));
  }

  private void excusedEgressTakeover(
      Instant at,
      String scenario,
      String profile,
      String egressName,
      java.util.function.Function<User, Egress.Range> egress) {
    User victim = null;
    for (User u : shuffled) {
      if (!used.contains(u.id) && u.profile.equals(profile)) {
        victim = u;
        break;
      }
    }
    if (victim == null) {
      victim = victim(u -> true);
    }
    used.add(victim.id);
    setup.signIn(victim, at.minus(Duration.ofMinutes(50)), 0, Egress.HOME);
    setup.signIn(victim, at.minus(Duration.ofMinutes(8)), 0, egress.apply(victim));
    City far = farTakeover(scenario, victim, at, "windows", "Chrome");
    label(
        attacks,
        scenario,
        "Account takeover of a user on "
            + egressName
            + ": sign-in from "
            + far.name()
            + " through a consumer VPN, 50 minutes after a sign-in from "
            + victim.home.name()
            + " and 8 minutes after one through "
            + egressName
            + ".",
        Set.of(victim.id),
        at,
        "login.impossible-travel",
        "REVOKE_SESSIONS");
  }

  private void planAttacks() {
    impossibleTravel(attackAt(0));
    passwordSpray(attackAt(1));
    credentialStuffing(attackAt(2));
    mfaFatigue(attackAt(3));
    sessionHijack(attackAt(4));
    insiderBulk(attackAt(5));
    edrDisabled(attackAt(6));
    lateralMovement(attackAt(7));
    exfiltration(attackAt(8));
    expiredGrant(attackAt(9));
  }

  private Device attackerDevice(String platform, String browser) {
    return new Device(World.deviceId(rnd), null, platform, browser, 0);
  }

  private void accesses(
      String scenario,
      User u,
      String sessionId,
      String deviceId,
      String ip,
      Instant from,
      int count,
      long spacingMillis) {
    for (int i = 0; i < count; i++) {
      Instant t = from.plusMillis(i * spacingMillis);
      Catalog.Resource r = World.pick(u.usualResources, rnd);
      emit(
          ACCESS,
          u.id,
          Records.access(
              rnd,
              t,
              u.id,
              SubjectType.HUMAN,
              sessionId,
              deviceId,
              ip,
              Target.of(r, "read"),
              AccessDecision.ALLOWED,
              null,
              40_000 + rnd.nextInt(400_000),
              r.dataset() ? (long) (100 + rnd.nextInt(5000)) : null),
          t,
          scenario);
    }
  }

  /**
   * A successful password sign-in as the victim from the city farthest from home, through the
   * anonymizing VPN on a new attacker device, then a few reads in that session.
   */
  private City farTakeover(
      String scenario, User victim, Instant at, String platform, String browser) {
    City far =
        Catalog.CITIES.stream()
            .max(Comparator.comparingDouble(c -> Catalog.distanceKm(victim.home, c)))
            .orElseThrow();
    Device device = attackerDevice(platform, browser);
    String ip = "198.51.100." + (10 + rnd.nextInt(200));
    Attempt a =
        new Attempt(
            victim.id,
            SubjectType.HUMAN,
            "m365",
            device.id,
            ip,
            Records.geo(far, ANONYMIZER_ASN, ANONYMIZER_ORG),
            Records.userAgent(device));
    String sessionId = Records.uuid(rnd);
    emit(
        LOGIN,
        victim.id,
        Records.login(
            rnd,
            at,
            a,
            AuthMethod.PASSWORD,
            LoginOutcome.SUCCESS,
            null,
            sessionId,
            at.plus(BenignTraffic.SESSION_LENGTH)),
        at,
        scenario);
    accesses(scenario, victim, sessionId, device.id, ip, at.plusSeconds(2), 5, 1500);
    return far;
  }

  private void impossibleTravel(Instant at) {
    User victim = victim(Scenarios::european);
    setup.signIn(victim, at.minus(Duration.ofMinutes(6)), 0);
    City far = farTakeover(IMPOSSIBLE_TRAVEL, victim, at, "linux", "Firefox");
    label(
        attacks,
        IMPOSSIBLE_TRAVEL,
        "Account takeover: sign-in from "
            + far.name()
            + " through an anonymizing VPN on a new device, 6 minutes after a sign-in from "
            + victim.home.name()
            + ".",
        Set.of(victim.id),
        at,
        "login.impossible-travel",
        "REVOKE_SESSIONS");
  }

  private void passwordSpray(Instant at) {
    Set<String> targets = new LinkedHashSet<>();
    int wanted = Math.min(40, world.users.size() - used.size() - 12);
    Instant t = at;
    for (int i = 0; i < wanted; i++) {
      User u = victim(x -> true);
      targets.add(u.id);
      Attempt a =
          new Attempt(
              u.id,
              SubjectType.HUMAN,
              "m365",
              null,
              SPRAY_IP,
              Records.geo(TOR_EXIT_CITY, TOR_ASN, TOR_ORG),
              Records.scriptUserAgent());
      emit(
          LOGIN,
          u.id,
          Records.login(
              rnd, t, a, AuthMethod.PASSWORD, LoginOutcome.FAILURE, "invalid_password", null, null),
          t,
          PASSWORD_SPRAY);
      t = t.plusMillis(250 + rnd.nextInt(250));
    }
    label(
        attacks,
        PASSWORD_SPRAY,
        "Password spray: one Tor exit address tried one password against "
            + targets.size()
            + " accounts.",
        targets,
        at,
        "login.password-spray",
        "STEP_UP");
  }

  private void credentialStuffing(Instant at) {
    User victim = victim(u -> true);
    Instant t = at;
    for (int i = 0; i < 25; i++) {
      City c = World.pick(Catalog.CITIES, rnd);
      Isp isp = World.pick(c.isps(), rnd);
      String ip = World.ip(isp, rnd);
      if (i % 8 == 0) {
        botnetIps.add(ip);
      }
      Attempt a =
          new Attempt(
              victim.id,
              SubjectType.HUMAN,
              "m365",
              null,
              ip,
              Records.geo(c, isp),
              Records.scriptUserAgent());
      boolean last = i == 24;
      String session = last ? Records.uuid(rnd) : null;
      emit(
          LOGIN,
          victim.id,
          Records.login(
              rnd,
              t,
              a,
              AuthMethod.PASSWORD,
              last ? LoginOutcome.SUCCESS : LoginOutcome.FAILURE,
              last ? null : "invalid_password",
              session,
              last ? t.plus(BenignTraffic.SESSION_LENGTH) : null),
          t,
          CREDENTIAL_STUFFING);
      if (last) {
        accesses(CREDENTIAL_STUFFING, victim, session, null, ip, t.plusSeconds(1), 3, 1000);
      }
      t = t.plusMillis(300 + rnd.nextInt(300));
    }
    label(
        attacks,
        CREDENTIAL_STUFFING,
        "Credential stuffing: 24 failed passwords from rotating residential proxies, then a success.",
        Set.of(victim.id),
        at,
        "login.brute-force",
        "REVOKE_SESSIONS");
  }

  private void mfaFatigue(Instant at) {
    User victim = victim(u -> true);
    City c =
        World.pick(
            Catalog.CITIES.stream()
                .filter(x -> !x.country().equals(victim.home.country()))
                .toList(),
            rnd);
    Isp isp = World.pick(c.isps(), rnd);
    Device device = attackerDevice("windows", "Chrome");
    Attempt a =
        new Attempt(
            victim.id,
            SubjectType.HUMAN,
            "m365",
            device.id,
            World.ip(isp, rnd),
            Records.geo(c, isp),
            Records.userAgent(device));
    Instant t = at;
    for (int i = 0; i < 7; i++) {
      boolean denied = i % 3 != 2;
      emit(
          LOGIN,
          victim.id,
          Records.login(
              rnd,
              t,
              a,
              AuthMethod.MFA_PUSH,
              denied ? LoginOutcome.MFA_DENIED : LoginOutcome.MFA_TIMEOUT,
              denied ? "user_denied_push" : "push_timeout",
              null,
              null),
          t,
          MFA_FATIGUE);
      t = t.plusMillis(1500 + rnd.nextInt(800));
    }
    String session = Records.uuid(rnd);
    emit(
        LOGIN,
        victim.id,
        Records.login(
            rnd,
            t,
            a,
            AuthMethod.MFA_PUSH,
            LoginOutcome.SUCCESS,
            null,
            session,
            t.plus(BenignTraffic.SESSION_LENGTH)),
        t,
        MFA_FATIGUE);
    accesses(MFA_FATIGUE, victim, session, device.id, a.ip(), t.plusSeconds(1), 2, 1200);
    label(
        attacks,
        MFA_FATIGUE,
        "MFA fatigue: 7 push prompts denied or ignored from " + c.name() + ", then one approved.",
        Set.of(victim.id),
        at,
        "login.mfa-fatigue",
        "REVOKE_SESSIONS");
  }

  private void sessionHijack(Instant at) {
    User victim = victim(u -> true);
    BenignTraffic.Session s = setup.signIn(victim, at.minus(Duration.ofMinutes(20)), 0);
    setup.access(s, at.minus(Duration.ofMinutes(15)));
    setup.access(s, at.minus(Duration.ofMinutes(4)));
    String thiefDevice = World.deviceId(rnd);
    String ip = "203.0.113." + (100 + rnd.nextInt(100));
    accesses(SESSION_HIJACK, victim, s.sessionId(), thiefDevice, ip, at, 6, 1500);
    label(
        attacks,
        SESSION_HIJACK,
        "Stolen session: the victim's session cookie replayed from an unseen device via a Tor exit.",
        Set.of(victim.id),
        at,
        "access.session-hijack",
        "REVOKE_SESSIONS");
  }

  private void insiderBulk(Instant at) {
    User insider = victim(u -> u.role.equals("finance"));
    BenignTraffic.Session s = setup.signIn(insider, at.minus(Duration.ofMinutes(25)), 0);
    setup.access(s, at.minus(Duration.ofMinutes(10)));
    String[] areas = {"payroll", "m-and-a", "board", "tax", "treasury", "audit"};
    int reads = 40;
    for (int i = 0; i < reads; i++) {
      Instant t = at.plusMillis(i * 250L);
      String resource =
          "https://dwh.corp.example/restricted/"
              + areas[i % areas.length]
              + "/dataset-"
              + (100 + i);
      emit(
          ACCESS,
          insider.id,
          Records.access(
              rnd,
              t,
              insider.id,
              SubjectType.HUMAN,
              s.sessionId(),
              s.device().id,
              s.ip(),
              new Target(resource, i % 4 == 3 ? "export" : "read", Sensitivity.RESTRICTED, true),
              AccessDecision.ALLOWED,
              null,
              20_000_000L + rnd.nextInt(200_000_000),
              20_000L + rnd.nextInt(480_000)),
          t,
          INSIDER_BULK);
    }
    Instant dlp = at.plusSeconds(11);
    emit(
        EXTERNAL,
        insider.id,
        Records.external(
            rnd,
            dlp,
            "dlp",
            "bulk-download",
            insider.id,
            Severity.MEDIUM,
            "Bulk download of restricted finance datasets to an unmanaged location."),
        dlp,
        INSIDER_BULK);
    label(
        attacks,
        INSIDER_BULK,
        "Insider: a finance user reads "
            + reads
            + " restricted datasets never used before, with huge record counts.",
        Set.of(insider.id),
        at,
        "access.bulk-sensitive",
        "REVOKE_SESSIONS");
  }

  private void edrDisabled(Instant at) {
    User owner = victim(u -> u.phone == null);
    BenignTraffic.Session s = setup.signIn(owner, at.minus(Duration.ofMinutes(30)), 0);
    setup.access(s, at.minus(Duration.ofMinutes(12)));
    Device laptop = owner.laptop;
    setup.posture(laptop, at.minus(Duration.ofMinutes(50)));
    emit(
        DEVICE_POSTURE,
        laptop.id,
        Records.posture(rnd, at, laptop, false, false, false, laptop.basePatchAgeDays),
        at,
        EDR_DISABLED);
    laptop.compromisedFrom = at.plusMillis(1);
    accesses(EDR_DISABLED, owner, s.sessionId(), laptop.id, s.ip(), at.plusSeconds(2), 3, 2000);
    label(
        attacks,
        EDR_DISABLED,
        "Device compromise: EDR stopped and disk encryption off on a laptop with an active session.",
        Set.of(laptop.id, owner.id),
        at,
        "device.posture-noncompliant",
        "QUARANTINE_DEVICE");
  }

  private void lateralMovement(Instant at) {
    List<Workload> frontends = world.tier("frontend");
    Workload source = World.pick(frontends, rnd);
    List<Workload> targets = new ArrayList<>();
    for (Workload w : world.workloads) {
      if (!w.equals(source) && !w.tier().equals("frontend") && !world.allowed(source, w)) {
        targets.add(w);
      }
    }
    int count = Math.min(14, targets.size());
    Instant t = at;
    for (int i = 0; i < count; i++) {
      Workload dest = targets.remove(rnd.nextInt(targets.size()));
      int port = dest.dbKind() != null ? Catalog.dbPort(dest.dbKind()) : (i % 3 == 0 ? 22 : 8080);
      emit(
          NETWORK_FLOW,
          source.id(),
          Records.flow(
              rnd,
              t,
              source,
              dest,
              dest.ip(),
              port,
              300 + rnd.nextInt(3000),
              200 + rnd.nextInt(20_000),
              false,
              null),
          t,
          LATERAL_MOVEMENT);
      t = t.plusMillis(600 + rnd.nextInt(400));
    }
    label(
        attacks,
        LATERAL_MOVEMENT,
        "Compromised workload: a frontend opens plaintext connections to "
            + count
            + " workloads outside its allowed edges.",
        Set.of(source.id()),
        at,
        "network.segmentation-violation",
        "QUARANTINE_WORKLOAD");
  }

  private void exfiltration(Instant at) {
    List<Workload> apis = world.tier("api");
    Workload source = null;
    long usual = 0;
    for (Workload w : apis) {
      List<Edge> out = world.edgesFrom(w);
      if (out.stream().anyMatch(e -> e.destination().tier().equals("db"))) {
        source = w;
        usual = out.stream().mapToLong(Edge::medianBytesOut).max().orElse(0);
        break;
      }
    }
    if (source == null) {
      source = apis.get(0);
      usual = 4_000;
    }
    Geo geo = Records.geo(C2_CITY, BULLETPROOF_ASN, BULLETPROOF_ORG);
    Instant t = at;
    for (int i = 0; i < 5; i++) {
      long bytes = usual * (50 + rnd.nextInt(30));
      emit(
          NETWORK_FLOW,
          source.id(),
          Records.flow(
              rnd, t, source, null, C2_IP, 443, bytes, 2_000 + rnd.nextInt(4000), false, geo),
          t,
          EXFILTRATION);
      t = t.plusMillis(1500 + rnd.nextInt(1000));
    }
    label(
        attacks,
        EXFILTRATION,
        "Exfiltration: "
            + source.name()
            + " sends 50-80x its usual bytes out to a known C2 address.",
        Set.of(source.id()),
        at,
        "network.exfiltration",
        "QUARANTINE_WORKLOAD");
  }

  private void expiredGrant(Instant at) {
    User admin = victim(u -> u.role.equals("admin"));
    Instant start = settings.start();
    BenignTraffic.Session s = setup.signIn(admin, start.minus(Duration.ofMinutes(50)), 0);
    String grantId = "jit-" + Records.uuid(rnd);
    String resource = "https://db.corp.example/payments-prod";
    Instant grantedAt = start.minus(Duration.ofMinutes(45));
    // Well past any clock-skew allowance: the grant lapsed ten minutes before the attack.
    Instant expiresAt = at.minus(Duration.ofMinutes(10));
    emitBenign(
        GRANT,
        admin.id,
        Records.grant(
            rnd,
            grantId,
            admin.id,
            resource,
            "write",
            grantedAt,
            expiresAt,
            "pam@corp.example",
            "Ticket OPS-4711: hotfix"),
        grantedAt,
        null);
    Target target = new Target(resource, "write", Sensitivity.RESTRICTED, true);
    for (int i = 0; i < 2; i++) {
      Instant t = grantedAt.plus(Duration.ofMinutes(5 + 15L * i));
      emitBenign(
          ACCESS,
          admin.id,
          Records.access(
              rnd,
              t,
              admin.id,
              SubjectType.HUMAN,
              s.sessionId(),
              s.device().id,
              s.ip(),
              target,
              AccessDecision.ALLOWED,
              grantId,
              50_000,
              10L),
          t,
          null);
    }
    for (int i = 0; i < 4; i++) {
      Instant t = at.plusMillis(i * 2000L);
      emit(
          ACCESS,
          admin.id,
          Records.access(
              rnd,
              t,
              admin.id,
              SubjectType.HUMAN,
              s.sessionId(),
              s.device().id,
              s.ip(),
              target,
              AccessDecision.ALLOWED,
              grantId,
              900_000,
              5_000L),
          t,
          EXPIRED_GRANT);
    }
    label(
        attacks,
        EXPIRED_GRANT,
        "Expired JIT grant: write access to the payments production database keeps using a grant 10 minutes after it expired.",
        Set.of(admin.id),
        at,
        "grant.expired-use",
        "REVOKE_GRANT");
  }
}
