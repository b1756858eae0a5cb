package dev.vigil.dev.demo.generator;

import static dev.vigil.dev.demo.generator.GeneratedEvent.ACCESS;
import static dev.vigil.dev.demo.generator.GeneratedEvent.DEVICE_POSTURE;
import static dev.vigil.dev.demo.generator.GeneratedEvent.EXTERNAL;
import static dev.vigil.dev.demo.generator.GeneratedEvent.GRANT;
import static dev.vigil.dev.demo.generator.GeneratedEvent.LOGIN;
import static dev.vigil.dev.demo.generator.GeneratedEvent.NETWORK_FLOW;

import dev.vigil.dev.demo.generator.Catalog.Isp;
import dev.vigil.dev.demo.generator.Records.Attempt;
import dev.vigil.dev.demo.generator.Records.Sink;
import dev.vigil.dev.demo.generator.Records.Target;
import dev.vigil.dev.demo.generator.World.Device;
import dev.vigil.dev.demo.generator.World.Edge;
import dev.vigil.dev.demo.generator.World.User;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.Sensitivity;
import dev.vigil.schema.Severity;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Procedural benign traffic. History is generated one simulated hour at a time at natural rates;
 * the live phase one simulated second at a time at the configured rate. Each instance owns its
 * random and its open sessions, so a phase is a pure function of the seed.
 */
final class BenignTraffic {

  static final Duration SESSION_LENGTH = Duration.ofHours(8);

  /** An open sign-in session. */
  record Session(User user, String sessionId, Device device, String ip, Instant expiresAt) {}

  private final World world;
  private final SplittableRandom rnd;
  private final Sink sink;
  private final List<Session> sessions = new ArrayList<>();
  private final Map<String, Integer> sessionIndex = new HashMap<>();
  private final List<User> grantUsers;

  BenignTraffic(World world, SplittableRandom rnd, Sink sink) {
    this.world = world;
    this.rnd = rnd;
    this.sink = sink;
    this.grantUsers =
        world.users.stream()
            .filter(u -> u.role.equals("admin") || u.role.equals("engineer"))
            .toList();
  }

  // ---------------------------------------------------------------- history: one simulated hour

  void historyHour(Instant from) {
    for (User u : world.users) {
      double p = sessionProbability(u, from);
      if (rnd.nextDouble() < p) {
        Instant t = from.plusSeconds(rnd.nextInt(3600));
        if (u.availableAt(t)) {
          Session s = signIn(u, t, 0.02);
          if (s != null) {
            int accesses = 2 + rnd.nextInt(7);
            long[] offsets = new long[accesses];
            for (int i = 0; i < accesses; i++) {
              offsets[i] = 30 + rnd.nextInt(90 * 60);
            }
            Arrays.sort(offsets);
            for (long offset : offsets) {
              Instant at = t.plusSeconds(offset);
              if (u.availableAt(at)) {
                access(s, at);
              }
            }
          }
        }
      }
    }
    for (User u : world.users) {
      for (World.Trip trip : u.trips) {
        if (trip.inflightWifi()) {
          inflight(u, trip.outDepart(), trip.outArrive(), from);
          inflight(u, trip.backDepart(), trip.backArrive(), from);
        }
      }
    }
    int utcHour = from.atZone(java.time.ZoneOffset.UTC).getHour();
    if (utcHour == 2) {
      batchBurst(from.plusSeconds(rnd.nextInt(60)));
    }
    for (World.ServiceAccount sa : world.serviceAccounts) {
      if (sa.everyHours() == 1 || utcHour == sa.utcHour()) {
        serviceRun(sa, from.plusSeconds(rnd.nextInt(sa.everyHours() == 1 ? 3000 : 300)));
      }
    }
    for (Edge e : world.edges) {
      int n = Records.poisson(e.source().tier().equals("batch") ? 1.0 : 4.0, rnd);
      for (int i = 0; i < n; i++) {
        flow(e, from.plusMillis(rnd.nextInt(3_600_000)));
      }
    }
    for (Device d : world.devices) {
      if (rnd.nextInt(4) == 0) {
        Instant t = from.plusMillis(rnd.nextInt(3_600_000));
        if (d.activeAt(t)) {
          posture(d, t);
        }
      }
    }
    for (int i = Records.poisson(0.4, rnd); i > 0; i--) {
      grantEpisode(from.plusSeconds(rnd.nextInt(3600)));
    }
    for (int i = Records.poisson(0.25, rnd); i > 0; i--) {
      externalSignal(from.plusSeconds(rnd.nextInt(3600)));
    }
  }

  /** Chance that a user starts a session in the hour beginning at {@code t}. */
  private static double sessionProbability(User u, Instant t) {
    if (!u.availableAt(t)) {
      return 0;
    }
    var local = t.atZone(u.zone());
    int h = local.getHour();
    boolean weekday = local.getDayOfWeek().getValue() <= 5;
    boolean inHours = h >= u.workStartHour && h < u.workEndHour;
    if (weekday) {
      if (inHours) {
        // Long SSO sessions: a sparse user signs in a few times a week, not twice a day.
        return u.profile.equals(World.SPARSE) ? 0.05 : 0.22;
      }
      return (h >= 6 && h < 22) ? 0.02 : 0.002;
    }
    return inHours ? 0.02 : 0.002;
  }

  // ---------------------------------------------------------------- live: one simulated second

  void liveSecond(Instant from, double rate) {
    int n = (int) Math.floor(rate);
    if (rnd.nextDouble() < rate - n) {
      n++;
    }
    for (int i = 0; i < n; i++) {
      Instant t = from.plusMillis(rnd.nextInt(1000));
      double kind = rnd.nextDouble();
      // Workload flows carry the volume; people keep a human pace (a few accesses per session
      // and minute), as in history, so a busy live phase does not look like a spike per user.
      if (kind < 0.10) {
        liveAccess(t);
      } else if (kind < 0.945) {
        flow(World.pick(world.edges, rnd), t);
      } else if (kind < 0.97) {
        liveSignIn(t);
      } else if (kind < 0.995) {
        Device d = World.pick(world.devices, rnd);
        if (d.activeAt(t)) {
          posture(d, t);
        }
      } else if (kind < 0.998) {
        grantEpisode(t);
      } else {
        externalSignal(t);
      }
    }
  }

  private void liveAccess(Instant t) {
    if (sessions.isEmpty()) {
      liveSignIn(t);
      return;
    }
    Session s = sessions.get(rnd.nextInt(sessions.size()));
    if (!t.isBefore(s.expiresAt()) || !s.user().availableAt(t) || !s.device().activeAt(t)) {
      forget(s.user().id);
      return;
    }
    access(s, t);
  }

  private void liveSignIn(Instant t) {
    for (int attempt = 0; attempt < 12; attempt++) {
      User u = World.pick(world.users, rnd);
      // Mostly people at work, and mostly people who are not signed in yet: one session a day.
      boolean signedIn = sessionIndex.containsKey(u.id) && rnd.nextInt(10) != 0;
      if (!signedIn && u.availableAt(t) && (u.workingTime(t) || rnd.nextInt(40) == 0)) {
        signIn(u, t, 0.01);
        return;
      }
    }
  }

  private void remember(Session s) {
    Integer i = sessionIndex.get(s.user().id);
    if (i == null) {
      sessionIndex.put(s.user().id, sessions.size());
      sessions.add(s);
    } else {
      sessions.set(i, s);
    }
  }

  private void forget(String userId) {
    Integer i = sessionIndex.remove(userId);
    if (i == null) {
      return;
    }
    Session last = sessions.remove(sessions.size() - 1);
    if (i < sessions.size()) {
      sessions.set(i, last);
      sessionIndex.put(last.user().id, i);
    }
  }

  // ---------------------------------------------------------------- episodes

  /**
   * A successful sign-in, sometimes after one or two mistyped passwords. Returns {@code null} when
   * the user has no usable device at {@code t}.
   */
  Session signIn(User u, Instant t, double mistypeChance) {
    return signIn(u, t, mistypeChance, null);
  }

  /** A sign-in over in-flight Wi-Fi half-way through a flight, if that falls in this hour. */
  private void inflight(User u, Instant depart, Instant arrive, Instant hour) {
    Instant mid = depart.plus(Duration.between(depart, arrive).dividedBy(2));
    if (!mid.isBefore(hour) && mid.isBefore(hour.plus(Duration.ofHours(1)))) {
      signIn(u, mid, 0, Egress.INFLIGHT_WIFI);
    }
  }

  /** Where a sign-in egresses: an address, its network and the place it geolocates to. */
  private record Via(String ip, Isp isp, Catalog.City city) {}

  private Via via(User u, Device d, Instant t, Egress.Range forced) {
    Catalog.City here = u.cityAt(t);
    if (forced == Egress.HOME) {
      return new Via(u.ipAt(t), u.ispAt(t), here);
    }
    if (forced != null) {
      Catalog.City city = forced.city() == null ? Egress.relayCity(here, rnd) : forced.city();
      return new Via(forced.ip(rnd), forced.isp(), city);
    }
    if (d == u.laptop) {
      if (u.vpnShare > 0 && rnd.nextDouble() < u.vpnShare) {
        return new Via(u.gateway.ip(rnd), u.gateway.isp(), u.gateway.city());
      }
      if (u.profile.equals(World.RELAY) && d.browser.equals("Safari")) {
        return relay(here);
      }
      return new Via(u.ipAt(t), u.ispAt(t), here);
    }
    if (u.profile.equals(World.RELAY) && rnd.nextInt(10) != 0) {
      return relay(here);
    }
    List<Isp> isps = here.isps();
    Isp isp = isps.get(isps.size() - 1);
    return new Via(World.ip(isp, rnd), isp, here);
  }

  private Via relay(Catalog.City here) {
    Egress.Range range = World.pick(Egress.PRIVATE_RELAY, rnd);
    return new Via(range.ip(rnd), range.isp(), Egress.relayCity(here, rnd));
  }

  /**
   * A sign-in on the laptop through a given egress ({@link Egress#HOME} for the user's own
   * network), or {@code null} without a usable laptop.
   */
  Session signIn(User u, Instant t, double mistypeChance, Egress.Range forced) {
    List<Device> devices = u.devicesAt(t);
    if (devices.isEmpty()) {
      return null;
    }
    if (forced != null && !devices.contains(u.laptop)) {
      return null;
    }
    Device d =
        forced != null
            ? u.laptop
            : devices.size() > 1 && rnd.nextInt(4) == 0 ? devices.get(1) : devices.get(0);
    Via via = via(u, d, t, forced);
    String ip = via.ip();
    Attempt a =
        new Attempt(
            u.id,
            SubjectType.HUMAN,
            World.pick(u.apps, rnd),
            d.id,
            ip,
            Records.geo(via.city(), via.isp()),
            Records.userAgent(d));
    Instant at = t;
    if (rnd.nextDouble() < mistypeChance) {
      int failures = 1 + rnd.nextInt(2);
      for (int i = 0; i < failures; i++) {
        sink.emit(
            LOGIN,
            u.id,
            Records.login(
                rnd,
                at,
                a,
                AuthMethod.PASSWORD,
                LoginOutcome.FAILURE,
                "invalid_password",
                null,
                null),
            at,
            null);
        at = at.plusSeconds(8 + rnd.nextInt(30));
      }
    }
    int m = rnd.nextInt(100);
    AuthMethod method =
        d == u.laptop
            ? (m < 65 ? AuthMethod.MFA_PUSH : m < 90 ? AuthMethod.WEBAUTHN : AuthMethod.SSO)
            : (m < 70 ? AuthMethod.MFA_PUSH : AuthMethod.SSO);
    String sessionId = Records.uuid(rnd);
    Instant expires = at.plus(SESSION_LENGTH);
    sink.emit(
        LOGIN,
        u.id,
        Records.login(rnd, at, a, method, LoginOutcome.SUCCESS, null, sessionId, expires),
        at,
        null);
    Session s = new Session(u, sessionId, d, ip, expires);
    remember(s);
    return s;
  }

  void access(Session s, Instant t) {
    User u = s.user();
    // Now and then an admin opens a restricted console they rarely use.
    Catalog.Resource r =
        u.role.equals("admin") && rnd.nextInt(40) == 0
            ? World.pick(World.ADMIN_CONSOLES, rnd)
            : World.pick(u.usualResources, rnd);
    String action = rnd.nextInt(5) == 0 ? "write" : "read";
    Long records = r.dataset() ? (long) (10 + rnd.nextInt(2000)) : null;
    long bytes = Math.max(512, Math.round(30_000 * Math.exp(0.8 * Records.gaussian(rnd))));
    AccessDecision decision =
        rnd.nextInt(100) == 0 ? AccessDecision.DENIED : AccessDecision.ALLOWED;
    sink.emit(
        ACCESS,
        u.id,
        Records.access(
            rnd,
            t,
            u.id,
            SubjectType.HUMAN,
            s.sessionId(),
            s.device().id,
            s.ip(),
            Target.of(r, action),
            decision,
            null,
            bytes,
            records),
        t,
        null);
  }

  void flow(Edge e, Instant t) {
    long out = Math.max(64, Math.round(e.medianBytesOut() * Math.exp(0.4 * Records.gaussian(rnd))));
    long in = Math.max(64, Math.round(e.medianBytesIn() * Math.exp(0.5 * Records.gaussian(rnd))));
    sink.emit(
        NETWORK_FLOW,
        e.source().id(),
        Records.flow(
            rnd,
            t,
            e.source(),
            e.destination(),
            e.destination().ip(),
            e.port(),
            out,
            in,
            true,
            null),
        t,
        null);
  }

  /**
   * A routine report: the device's standing posture, the same on every report (a benign device does
   * not flap between compliant and not; the few known gaps stay as they are).
   */
  void posture(Device d, Instant t) {
    sink.emit(
        DEVICE_POSTURE,
        d.id,
        Records.posture(rnd, t, d, true, true, !d.firewallOff, d.patchAgeDays),
        t,
        null);
  }

  private void grantEpisode(Instant t) {
    User u = World.pick(grantUsers, rnd);
    if (!u.availableAt(t) || !u.workingTime(t)) {
      return;
    }
    Session s = signIn(u, t, 0);
    if (s == null) {
      return;
    }
    String domain = World.pick(Catalog.DOMAINS, rnd);
    String resource = "https://db.corp.example/" + domain + "-prod";
    Instant grantedAt = t.plusSeconds(20 + rnd.nextInt(60));
    Instant expiresAt = grantedAt.plus(Duration.ofHours(1 + rnd.nextInt(2)));
    String grantId = "jit-" + Records.uuid(rnd);
    User approver = World.pick(grantUsers, rnd);
    sink.emit(
        GRANT,
        u.id,
        Records.grant(
            rnd,
            grantId,
            u.id,
            resource,
            rnd.nextInt(3) == 0 ? "write" : "read",
            grantedAt,
            expiresAt,
            approver.id,
            "Ticket OPS-" + (1000 + rnd.nextInt(9000))),
        grantedAt,
        null);
    int uses = 1 + rnd.nextInt(3);
    for (int i = 0; i < uses; i++) {
      Instant at = grantedAt.plusSeconds(30 + rnd.nextInt(45 * 60));
      sink.emit(
          ACCESS,
          u.id,
          Records.access(
              rnd,
              at,
              u.id,
              SubjectType.HUMAN,
              s.sessionId(),
              s.device().id,
              s.ip(),
              new Target(resource, "read", Sensitivity.RESTRICTED, true),
              AccessDecision.ALLOWED,
              grantId,
              20_000 + rnd.nextInt(200_000),
              (long) (1 + rnd.nextInt(500))),
          at,
          null);
    }
  }

  private void externalSignal(Instant t) {
    User u = World.pick(world.users, rnd);
    int k = rnd.nextInt(3);
    String source = k == 0 ? "casb" : k == 1 ? "dlp" : "hr";
    String type =
        k == 0 ? "unsanctioned-app-visit" : k == 1 ? "policy-match-internal" : "role-change";
    Severity severity = k == 1 ? Severity.LOW : Severity.INFO;
    String summary =
        k == 0
            ? "Visited a file-sharing app that is not on the sanctioned list."
            : k == 1
                ? "An internal email matched a DLP pattern and was delivered."
                : "A role change was recorded in the HR system.";
    sink.emit(
        EXTERNAL, u.id, Records.external(rnd, t, source, type, u.id, severity, summary), t, null);
  }

  /** A scheduled run of a service account: a certificate sign-in and a few reads. */
  private void serviceRun(World.ServiceAccount sa, Instant t) {
    String sessionId = Records.uuid(rnd);
    String ip = World.pick(sa.ips(), rnd);
    Attempt a =
        new Attempt(
            sa.id(),
            SubjectType.SERVICE_ACCOUNT,
            sa.app(),
            null,
            ip,
            sa.geo() == null ? null : Records.geo(sa.geo(), sa.isp()),
            null);
    sink.emit(
        LOGIN,
        sa.id(),
        Records.login(
            rnd,
            t,
            a,
            AuthMethod.CERTIFICATE,
            LoginOutcome.SUCCESS,
            null,
            sessionId,
            t.plus(Duration.ofHours(1))),
        t,
        null);
    int reads = sa.everyHours() == 1 ? 2 + rnd.nextInt(4) : 20 + rnd.nextInt(20);
    for (int i = 0; i < reads; i++) {
      Instant at = t.plusMillis(1_000 + rnd.nextInt(600_000));
      Catalog.Resource r = World.pick(sa.resources(), rnd);
      sink.emit(
          ACCESS,
          sa.id(),
          Records.access(
              rnd,
              at,
              sa.id(),
              SubjectType.SERVICE_ACCOUNT,
              sessionId,
              null,
              ip,
              Target.of(r, "read"),
              AccessDecision.ALLOWED,
              null,
              Math.max(512, Math.round(200_000 * Math.exp(0.6 * Records.gaussian(rnd)))),
              r.dataset() ? (long) (100 + rnd.nextInt(5000)) : null),
          at,
          null);
    }
  }

  /** The nightly ETL: a service-account sign-in and a burst of reads at 02:00 UTC. */
  void batchBurst(Instant t) {
    String sessionId = Records.uuid(rnd);
    Attempt a =
        new Attempt(
            World.BATCH_ACCOUNT,
            SubjectType.SERVICE_ACCOUNT,
            "dwh",
            null,
            World.BATCH_ACCOUNT_IP,
            null,
            null);
    sink.emit(
        LOGIN,
        World.BATCH_ACCOUNT,
        Records.login(
            rnd,
            t,
            a,
            AuthMethod.CERTIFICATE,
            LoginOutcome.SUCCESS,
            null,
            sessionId,
            t.plus(Duration.ofHours(1))),
        t,
        null);
    int reads = 150 + rnd.nextInt(50);
    String[] marts = {"finance", "sales", "ops", "hr", "marketing", "supply"};
    for (int i = 0; i < reads; i++) {
      Instant at = t.plusMillis(2_000 + rnd.nextInt(360_000));
      String mart = marts[rnd.nextInt(marts.length)];
      sink.emit(
          ACCESS,
          World.BATCH_ACCOUNT,
          Records.access(
              rnd,
              at,
              World.BATCH_ACCOUNT,
              SubjectType.SERVICE_ACCOUNT,
              sessionId,
              null,
              World.BATCH_ACCOUNT_IP,
              new Target(
                  "https://dwh.corp.example/marts/" + mart + "/part-" + rnd.nextInt(64),
                  "read",
                  Sensitivity.CONFIDENTIAL,
                  true),
              AccessDecision.ALLOWED,
              null,
              5_000_000L + rnd.nextInt(50_000_000),
              50_000L + rnd.nextInt(2_000_000)),
          at,
          null);
    }
  }
}
