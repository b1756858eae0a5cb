package dev.vigil.risk.detect.access;

import static dev.vigil.risk.detect.access.AccessFixtures.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.Geo;
import dev.vigil.schema.GrantStatus;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import dev.vigil.schema.SubjectType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class AccessFamilyTest {

  private static final String SUBJECT = "user-with-a-long-principal-name@subsidiary.corp.example";

  /** A long, varied history for one subject: ever-new resources, devices, sessions and grants. */
  private static List<AccessSignal> history(int n, long seed) {
    Random random = new Random(seed);
    List<AccessSignal> out = new ArrayList<>(n);
    Instant at = MONDAY;
    for (int i = 0; i < n; i++) {
      // Mostly forward in time, sometimes a little late.
      at = at.plusMillis(random.nextInt(60_000));
      Instant t = random.nextInt(20) == 0 ? at.minusSeconds(random.nextInt(7200)) : at;
      String id =
          UUID.nameUUIDFromBytes((seed + ":" + i).getBytes(StandardCharsets.UTF_8)).toString();
      int kind = random.nextInt(20);
      if (kind == 0) {
        out.add(
            AccessSignal.ofLogin(
                LoginEvent.newBuilder()
                    .setEventId(id)
                    .setTimestamp(t)
                    .setSubjectId(SUBJECT)
                    .setSessionId(
                        "session-" + UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)))
                    .setDeviceId("device-" + random.nextInt(1_000_000))
                    .setIp("198.51.100." + random.nextInt(256))
                    .setGeo(Geo.newBuilder().setCountry("DE").setAsn(3320L).build())
                    .setAuthMethod(dev.vigil.schema.AuthMethod.SSO)
                    .setOutcome(LoginOutcome.SUCCESS)
                    .build()));
      } else if (kind == 1) {
        out.add(
            AccessSignal.ofGrant(
                AccessGrant.newBuilder()
                    .setGrantId("grant-" + i)
                    .setEventId(id)
                    .setSubjectId(SUBJECT)
                    .setResource("/prod/resource/" + i)
                    .setGrantedAt(t)
                    .setExpiresAt(t.plusSeconds(3600))
                    .setStatus(random.nextBoolean() ? GrantStatus.ACTIVE : GrantStatus.REVOKED)
                    .build()));
      } else {
        out.add(
            AccessSignal.ofAccess(
                AccessEvent.newBuilder()
                    .setEventId(id)
                    .setTimestamp(t)
                    .setSubjectId(SUBJECT)
                    .setSubjectType(SubjectType.HUMAN)
                    .setSessionId("session-" + random.nextInt(1000))
                    .setDeviceId("device-" + random.nextInt(1_000_000))
                    .setResource("/data/lake/partition=" + i + "/object-" + random.nextInt())
                    .setAction("read")
                    .setSensitivity(Sensitivity.values()[random.nextInt(4)])
                    .setDecision(
                        random.nextInt(5) == 0 ? AccessDecision.DENIED : AccessDecision.ALLOWED)
                    .setGrantId(random.nextInt(10) == 0 ? "grant-" + random.nextInt(i + 1) : null)
                    .setAttributes(Map.of("country", random.nextBoolean() ? "DE" : "FR"))
                    .build()));
      }
    }
    return out;
  }

  @Test
  @Tag("soak")
  void shouldKeepTheWholeBundleUnderEightKibAfter100kEvents() {
    // Given
    AccessFixtures.Subject subject = AccessFixtures.Subject.allDefaults();
    int maxSize = 0;

    // When
    for (AccessSignal signal : history(100_000, 1)) {
      subject.engine.observe(signal, subject.bundle, subject.context);
      if (signal.eventId().endsWith("0")) {
        maxSize = Math.max(maxSize, BaselineCodec.encode(subject.bundle).length);
      }
    }

    // Then
    assertThat(subject.engine.detectors()).hasSize(6);
    assertThat(BaselineCodec.encode(subject.bundle).length).isLessThan(8 * 1024);
    assertThat(maxSize).isLessThan(8 * 1024);
  }

  @Test
  void shouldProduceIdenticalFindingsForTheSameInputTwice() {
    // Given
    List<AccessSignal> input = history(20_000, 42);

    // When
    List<RiskFinding> first = run(input);
    List<RiskFinding> second = run(input);

    // Then
    assertThat(first).isNotEmpty();
    assertThat(second).isEqualTo(first);
  }

  @Test
  void shouldDropDuplicateSignals() {
    // Given
    AccessFixtures.Subject subject = AccessFixtures.Subject.allDefaults();
    List<AccessSignal> input = history(5_000, 3);
    List<RiskFinding> once = new ArrayList<>();
    input.forEach(s -> once.addAll(subject.feed(s)));
    AccessFixtures.Subject twice = AccessFixtures.Subject.allDefaults();
    List<RiskFinding> withDuplicates = new ArrayList<>();

    // When: every signal delivered twice in a row
    for (AccessSignal s : input) {
      withDuplicates.addAll(twice.feed(s));
      withDuplicates.addAll(twice.feed(s));
    }

    // Then
    assertThat(withDuplicates).isEqualTo(once);
  }

  private static List<RiskFinding> run(List<AccessSignal> input) {
    AccessFixtures.Subject subject = AccessFixtures.Subject.allDefaults();
    input.forEach(subject::feed);
    return subject.findings;
  }
}
