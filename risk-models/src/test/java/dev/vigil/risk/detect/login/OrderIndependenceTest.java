package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.access.AccessSignal;
import dev.vigil.risk.detect.access.DeniedBurstDetector;
import dev.vigil.risk.detect.access.ShareEnumerationDetector;
import dev.vigil.risk.detect.network.FanOutDetector;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Property: the windowed detectors (brute force, MFA fatigue at high and low counts, password
 * spray, slow ASN spray, unknown accounts, Kerberoasting, explicit credentials, share enumeration,
 * denied bursts, fan-out) give the same findings (detector, subject, finding id) for the same
 * events in any arrival order within the allowed lateness (default 5 minutes).
 */
class OrderIndependenceTest {

  private static final Instant T = MONDAY.plusSeconds(10 * 3600);
  private static final long LATENESS = Duration.ofMinutes(5).toMillis();
  private static final int PERMUTATIONS = 60;

  private final LoginFixture fx = new LoginFixture();
  private final AdFixture ad = new AdFixture();
  private final DetectorSettings settings = DetectorSettings.defaults();

  /** Realistic attacks and benign noise, in event-time order. */
  private List<LoginEvent> logins() {
    List<LoginEvent> events = new ArrayList<>();
    // Brute force on alice from one address, then the right password.
    for (int i = 0; i < 12; i++) {
      events.add(fx.login("alice", T.plusSeconds(i * 20L)).ip("203.0.113.66").failed().build());
    }
    events.add(fx.login("alice", T.plusSeconds(250)).ip("203.0.113.66").build());
    // Bob mistypes twice, then signs in; twice in an hour.
    for (int round = 0; round < 2; round++) {
      Instant at = T.plusSeconds(round * 1800L);
      events.add(fx.login("bob", at).ip("192.0.2.1").failed().build());
      events.add(fx.login("bob", at.plusSeconds(8)).ip("192.0.2.1").failed().build());
      events.add(fx.login("bob", at.plusSeconds(20)).ip("192.0.2.1").build());
    }
    // Push bombing on carol, then approval.
    for (int i = 0; i < 6; i++) {
      events.add(
          fx.login("carol", T.plusSeconds(60 + i * 30L))
              .method(AuthMethod.MFA_PUSH)
              .outcome(LoginOutcome.MFA_DENIED)
              .build());
    }
    events.add(fx.login("carol", T.plusSeconds(300)).method(AuthMethod.MFA_PUSH).build());
    // Fatigue at a low count: three denied pushes six minutes apart, then an approval.
    for (int i = 0; i < 3; i++) {
      events.add(
          fx.login("dave", T.plusSeconds(600 + i * 360L))
              .method(AuthMethod.MFA_PUSH)
              .outcome(LoginOutcome.MFA_DENIED)
              .build());
    }
    events.add(fx.login("dave", T.plusSeconds(1440)).method(AuthMethod.MFA_PUSH).build());
    // Erin picks the wrong number once, then approves; twice.
    for (int round = 0; round < 2; round++) {
      Instant at = T.plusSeconds(100 + round * 600L);
      events.add(
          fx.login("erin", at)
              .method(AuthMethod.MFA_PUSH)
              .outcome(LoginOutcome.MFA_DENIED)
              .build());
      events.add(fx.login("erin", at.plusSeconds(30)).method(AuthMethod.MFA_PUSH).build());
    }
    // A spray from a workstation: 9 accounts (5 unknown), the sprayer's own logon, one guessed.
    String ws = "172.18.39.9";
    events.add(ad.logon("mallory", T.plusSeconds(100), ws, "WORKSTATION9", "DC01", "NETWORK"));
    for (int i = 0; i < 9; i++) {
      FailureKind why = i < 5 ? FailureKind.UNKNOWN_USER : FailureKind.BAD_PASSWORD;
      events.add(ad.preauthFailure("acct" + i, T.plusSeconds(120 + i * 25L), ws, why));
    }
    events.add(ad.tgt("acct7", T.plusSeconds(900), ws, "AES256", "2"));
    // Kerberoasting of 5 service accounts by mallory.
    for (int i = 0; i < 5; i++) {
      events.add(
          ad.serviceTicket("mallory", T.plusSeconds(400 + i * 2L), ws, "svc_app" + i, "RC4_HMAC"));
    }
    // Explicit credentials of an admin used by mallory towards 4 hosts.
    for (int i = 0; i < 4; i++) {
      events.add(
          ad.explicit("admin", "mallory", T.plusSeconds(500 + i * 40L), "WORKSTATION9", "SRV" + i));
    }
    events.sort(Comparator.comparing(LoginEvent::getTimestamp));
    return events;
  }

  private List<AccessEvent> shares() {
    List<AccessEvent> events = new ArrayList<>();
    for (int h = 0; h < 6; h++) {
      for (String s : List.of("IPC$", "C$", "ADMIN$")) {
        events.add(
            ad.share(
                "mallory",
                T.plusSeconds(600 + h * 10L + s.length()),
                "WORKSTATION9",
                "SRV" + h,
                s));
      }
    }
    events.add(ad.share("bob", T.plusSeconds(610), "WORKSTATION2", "DC01", "SYSVOL"));
    events.add(ad.share("bob", T.plusSeconds(611), "WORKSTATION2", "FS01", "HOME"));
    events.sort(Comparator.comparing(AccessEvent::getTimestamp));
    return events;
  }

  private <E> Set<String> run(List<E> events, DetectionEngine<E> engine, Function<E, String> key) {
    Map<String, BaselineBundle> bundles = new HashMap<>();
    Set<String> out = new TreeSet<>();
    DetectionContext context = DetectionContext.defaults();
    for (E e : events) {
      String k = key.apply(e);
      if (k == null) {
        continue;
      }
      for (RiskFinding f :
          engine.observe(e, bundles.computeIfAbsent(k, x -> new BaselineBundle()), context)) {
        out.add(AdFixture.identity(f));
      }
    }
    return out;
  }

  /** Each event delayed by up to the lateness: arrival order by time plus a random delay. */
  private static <E> List<E> shuffle(List<E> events, Function<E, Instant> time, Random random) {
    record Arrival<E>(E event, long at) {}
    List<Arrival<E>> arrivals = new ArrayList<>();
    for (E e : events) {
      arrivals.add(
          new Arrival<>(e, time.apply(e).toEpochMilli() + (long) (random.nextDouble() * LATENESS)));
    }
    arrivals.sort(Comparator.comparingLong(Arrival::at));
    return arrivals.stream().map(Arrival::event).toList();
  }

  @Test
  void shouldGiveTheSameLoginFindingsInAnyArrivalOrderWithinTheLateness() {
    // Given the sequence in event-time order and the findings it gives
    List<LoginEvent> events = logins();
    DetectionEngine<LoginEvent> bySubject =
        new DetectionEngine<>(
            List.of(
                new BruteForceDetector(settings),
                new MfaFatigueDetector(settings),
                new KerberoastingDetector(settings),
                new ExplicitCredentialsDetector(settings)),
            LoginEvent::getEventId);
    DetectionEngine<LoginEvent> bySource =
        new DetectionEngine<>(
            List.of(new PasswordSprayDetector(settings), new UnknownAccountsDetector(settings)),
            LoginEvent::getEventId);
    Set<String> expected = new TreeSet<>(run(events, bySubject, LoginEvent::getSubjectId));
    expected.addAll(run(events, bySource, Hosts::source));
    assertThat(expected)
        .anyMatch(s -> s.startsWith(BruteForceDetector.ID + "|alice"))
        .anyMatch(s -> s.startsWith(MfaFatigueDetector.ID + "|carol"))
        .anyMatch(s -> s.startsWith(MfaFatigueDetector.ID + "|dave"))
        .noneMatch(s -> s.contains("|erin|"))
        .anyMatch(s -> s.startsWith(PasswordSprayDetector.ID + "|acct7"))
        .anyMatch(s -> s.startsWith(PasswordSprayDetector.ID + "|172.18.39.9"))
        .anyMatch(s -> s.startsWith(UnknownAccountsDetector.ID + "|172.18.39.9"))
        .anyMatch(s -> s.startsWith(KerberoastingDetector.ID + "|mallory"))
        .anyMatch(s -> s.startsWith(ExplicitCredentialsDetector.ID + "|mallory"))
        .noneMatch(s -> s.contains("|bob|"));

    // When the same events arrive in many orders, each event at most 5 minutes late
    Random random = new Random(20261126L);
    for (int p = 0; p < PERMUTATIONS; p++) {
      List<LoginEvent> shuffled = shuffle(events, LoginEvent::getTimestamp, random);
      Set<String> actual = new TreeSet<>(run(shuffled, bySubject, LoginEvent::getSubjectId));
      actual.addAll(run(shuffled, bySource, Hosts::source));

      // Then the finding set is identical
      assertThat(actual).as("permutation %d", p).isEqualTo(expected);
    }
  }

  @Test
  void shouldGiveTheSameShareEnumerationFindingsInAnyArrivalOrder() {
    // Given share accesses in event-time order and their findings
    List<AccessSignal> events = shares().stream().map(AccessSignal::ofAccess).toList();
    DetectionEngine<AccessSignal> engine =
        new DetectionEngine<>(
            List.of(new ShareEnumerationDetector(settings)), AccessSignal::eventId);
    Set<String> expected = run(events, engine, AccessSignal::subjectId);
    assertThat(expected).anyMatch(s -> s.startsWith(ShareEnumerationDetector.ID + "|mallory"));

    // When they arrive shuffled within the lateness
    Random random = new Random(7L);
    for (int p = 0; p < PERMUTATIONS; p++) {
      List<AccessSignal> shuffled = shuffle(events, AccessSignal::timestamp, random);

      // Then the findings are the same
      assertThat(run(shuffled, engine, AccessSignal::subjectId))
          .as("permutation %d", p)
          .isEqualTo(expected);
    }
  }

  private static AccessEvent denied(String subject, Instant at, String resource, int n) {
    return AccessEvent.newBuilder()
        .setEventId(subject + "-denied-" + n)
        .setTimestamp(at)
        .setSubjectId(subject)
        .setSubjectType(SubjectType.HUMAN)
        .setResource(resource)
        .setAction("read")
        .setSensitivity(Sensitivity.CONFIDENTIAL)
        .setDecision(AccessDecision.DENIED)
        .setAttributes(Map.of())
        .build();
  }

  /** Privilege probing by mallory twice (an hour apart), a burst at the threshold, noise by bob. */
  private List<AccessEvent> denials() {
    List<AccessEvent> events = new ArrayList<>();
    int n = 0;
    for (int i = 0; i < 14; i++) {
      events.add(denied("mallory", T.plusSeconds(13L * i), "/admin/api/" + (i % 8), n++));
    }
    for (int i = 0; i < 12; i++) {
      events.add(denied("mallory", T.plusSeconds(3600 + 20L * i), "/billing/" + (i % 4), n++));
    }
    // Exactly ten denials within ten minutes on three resources: whether the window holds all ten
    // must not depend on arrival order.
    for (int i = 0; i < 10; i++) {
      events.add(denied("trent", T.plusSeconds(59L * i), "/hr/" + (i % 3), n++));
    }
    for (int i = 0; i < 9; i++) {
      events.add(denied("bob", T.plusSeconds(40L * i), "/finance/" + (i % 3), n++));
    }
    events.sort(Comparator.comparing(AccessEvent::getTimestamp));
    return events;
  }

  private static NetworkFlow flow(Instant at, String destination, String ip, int port, int n) {
    return NetworkFlow.newBuilder()
        .setEventId("flow-" + n)
        .setTimestamp(at)
        .setSourceWorkload("spiffe://corp/ns/web/sa/api")
        .setSourceIp("10.0.1.10")
        .setDestinationWorkload(destination)
        .setDestinationIp(ip)
        .setDestinationPort(port)
        .setBytesOut(20_000)
        .setBytesIn(80_000)
        .setMtls(destination != null)
        .setAttributes(Map.of())
        .build();
  }

  /**
   * Two days of an API calling its database and cache, then a scan of 80 hosts across a window
   * boundary (40 on each side), then its usual calls again.
   */
  private List<NetworkFlow> flows() {
    List<NetworkFlow> events = new ArrayList<>();
    Instant start = T.minus(Duration.ofDays(2));
    int n = 0;
    for (int i = 0; i < 2 * 144 + 12; i++) {
      Instant at = start.plus(Duration.ofMinutes(10L * i)).plusSeconds(17);
      events.add(flow(at, "db", "10.0.2.20", 5432, n++));
      events.add(flow(at.plusSeconds(200), "cache", "10.0.2.30", 6379, n++));
    }
    Instant boundary = T.plus(Duration.ofMinutes(30));
    for (int h = 0; h < 80; h++) {
      events.add(
          flow(boundary.minusSeconds(100).plusMillis(2500L * h), null, "10.0.7." + h, 22, n++));
    }
    events.sort(Comparator.comparing(NetworkFlow::getTimestamp));
    return events;
  }

  @Test
  void shouldGiveTheSameDeniedBurstFindingsInAnyArrivalOrder() {
    // Given denials in event-time order and their findings
    List<AccessSignal> events = denials().stream().map(AccessSignal::ofAccess).toList();
    DetectionEngine<AccessSignal> engine =
        new DetectionEngine<>(List.of(new DeniedBurstDetector(settings)), AccessSignal::eventId);
    Set<String> expected = run(events, engine, AccessSignal::subjectId);
    assertThat(expected)
        .filteredOn(s -> s.startsWith(DeniedBurstDetector.ID + "|mallory"))
        .hasSize(2);
    assertThat(expected)
        .anyMatch(s -> s.startsWith(DeniedBurstDetector.ID + "|trent"))
        .noneMatch(s -> s.contains("|bob|"));

    // When they arrive shuffled within the lateness
    Random random = new Random(3L);
    for (int p = 0; p < PERMUTATIONS; p++) {
      List<AccessSignal> shuffled = shuffle(events, AccessSignal::timestamp, random);

      // Then the findings are the same
      assertThat(run(shuffled, engine, AccessSignal::subjectId))
          .as("permutation %d", p)
          .isEqualTo(expected);
    }
  }

  @Test
  void shouldGiveTheSameFanOutFindingsInAnyArrivalOrder() {
    // Given flows in event-time order and their findings: one per window the scan touched
    List<NetworkFlow> events = flows();
    DetectionEngine<NetworkFlow> engine =
        new DetectionEngine<>(List.of(new FanOutDetector(settings)), NetworkFlow::getEventId);
    Set<String> expected = run(events, engine, NetworkFlow::getSourceWorkload);
    assertThat(expected).hasSize(2).allMatch(s -> s.startsWith(FanOutDetector.ID + "|"));

    // When they arrive shuffled within the lateness
    Random random = new Random(5L);
    for (int p = 0; p < PERMUTATIONS; p++) {
      List<NetworkFlow> shuffled = shuffle(events, NetworkFlow::getTimestamp, random);

      // Then the findings are the same
      assertThat(run(shuffled, engine, NetworkFlow::getSourceWorkload))
          .as("permutation %d", p)
          .isEqualTo(expected);
    }
  }

  @Test
  void shouldGiveTheSameSlowSprayFindingsInAnyArrivalOrder() {
    // Given a slow spray from 12 addresses of one hosting network (3 unknown accounts, one guessed)
    // mixed with the other sign-ins
    LoginFixture.Place hosting =
        new LoginFixture.Place("NL", "Amsterdam", 52.37, 4.9, 14061, "DigitalOcean");
    List<LoginEvent> events = new ArrayList<>(logins());
    for (int i = 0; i < 12; i++) {
      LoginFixture.Builder b =
          fx.login("user" + i, T.plusSeconds(i * 600L)).from(hosting).ip("198.51.100." + i);
      events.add(i < 3 ? b.unknownUser().build() : b.failed().build());
    }
    events.add(
        fx.login("user7", T.plusSeconds(7 * 600L + 30)).from(hosting).ip("198.51.100.99").build());
    events.sort(Comparator.comparing(LoginEvent::getTimestamp));
    DetectionEngine<LoginEvent> engine =
        new DetectionEngine<>(List.of(new AsnSprayDetector(settings)), LoginEvent::getEventId);
    Set<String> expected = run(events, engine, Hosts::asn);
    assertThat(expected)
        .anyMatch(s -> s.startsWith(AsnSprayDetector.ID + "|AS14061"))
        .anyMatch(s -> s.startsWith(AsnSprayDetector.ID + "|user7"))
        .noneMatch(s -> s.contains("|AS3320|"));

    // When they arrive shuffled within the lateness
    Random random = new Random(9L);
    for (int p = 0; p < PERMUTATIONS; p++) {
      List<LoginEvent> shuffled = shuffle(events, LoginEvent::getTimestamp, random);

      // Then the findings are the same
      assertThat(run(shuffled, engine, Hosts::asn)).as("permutation %d", p).isEqualTo(expected);
    }
  }
}
