package dev.vigil.risk.detect.access;

import static dev.vigil.risk.detect.access.AccessFixtures.MONDAY;
import static dev.vigil.risk.detect.access.AccessFixtures.access;
import static dev.vigil.risk.detect.access.AccessFixtures.grant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.GrantStatus;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiredGrantDetectorTest {

  private static final String DB = "/prod/db/customers";

  private final AccessFixtures.Subject alice = subject();
  private final Instant nine = MONDAY.plus(Duration.ofHours(9));

  @Test
  void shouldStayQuietForAccessWithinTheGrant() {
    // Given
    alice.feed(grant("g-1", DB, nine, Duration.ofHours(1)));

    // When
    alice.feed(access(nine.plus(Duration.ofMinutes(30)), DB).setGrantId("g-1"));
    alice.feed(access(nine.plus(Duration.ofMinutes(61)), DB).setGrantId("g-1"));

    // Then: inside the validity and inside the clock-skew grace
    assertThat(alice.findings).isEmpty();
  }

  @Test
  void shouldReportUseOfGrantAfterItExpired() {
    // Given
    alice.feed(grant("g-1", DB, nine, Duration.ofHours(1)));

    // When
    alice.feed(
        access(nine.plus(Duration.ofMinutes(150)), DB)
            .setGrantId("g-1")
            .setSensitivity(Sensitivity.RESTRICTED));

    // Then
    assertThat(alice.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(75.0);
              assertThat(f.getScore() * f.getConfidence()).isGreaterThanOrEqualTo(40);
              assertThat(f.getSummary())
                  .isEqualTo(
                      "Accessed /prod/db/customers with grant g-1 90 minutes after it expired at"
                          + " 2025-03-03T10:00:00Z.");
              assertThat(f.getSourceEventIds()).hasSize(2);
            });
  }

  @Test
  void shouldScoreAPlainReadOnAnExpiredGrantLowerThanAWrite() {
    // Given
    alice.feed(grant("g-1", DB, nine, Duration.ofHours(1)));
    alice.feed(grant("g-2", "/prod/db/orders", nine, Duration.ofHours(1)));

    // When
    alice.feed(access(nine.plus(Duration.ofMinutes(90)), DB).setGrantId("g-1"));
    alice.feed(
        access(nine.plus(Duration.ofMinutes(90)), "/prod/db/orders")
            .setGrantId("g-2")
            .setAction("write"));

    // Then
    assertThat(alice.findings).extracting(f -> f.getScore()).containsExactly(60.0, 75.0);
  }

  @Test
  void shouldReportUseOfRevokedGrantButNotAccessesStampedBeforeTheRevocation() {
    // Given
    alice.feed(grant("g-1", DB, nine, Duration.ofHours(8)));
    alice.feed(access(nine.plus(Duration.ofMinutes(20)), DB).setGrantId("g-1"));
    alice.feed(grant("g-1", DB, nine, Duration.ofHours(8)).setStatus(GrantStatus.REVOKED));

    // When: a late access from before the revocation, then one after it
    alice.feed(access(nine.plus(Duration.ofMinutes(10)), DB).setGrantId("g-1"));
    alice.feed(access(nine.plus(Duration.ofMinutes(45)), DB).setGrantId("g-1"));

    // Then
    assertThat(alice.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(70.0);
              assertThat(f.getEvidence()).containsEntry("grantState", "revoked");
            });
  }

  @Test
  void shouldReportAllowedAccessWithoutGrantToResourceWhoseOnlyGrantLapsed() {
    // Given
    alice.feed(grant("g-1", DB, nine, Duration.ofHours(1)));

    // When
    alice.feed(access(nine.plus(Duration.ofHours(3)), DB));

    // Then
    assertThat(alice.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(45.0);
              assertThat(f.getSummary())
                  .contains("its only just-in-time grant (g-1) lapsed 120 minutes");
            });
  }

  @Test
  void shouldStayQuietForResourcesNeverGrantedJustInTime() {
    // Given
    alice.feed(grant("g-1", DB, nine, Duration.ofHours(1)));

    // When
    alice.feed(access(nine.plus(Duration.ofHours(3)), "/wiki/home"));

    // Then
    assertThat(alice.findings).isEmpty();
  }

  @Test
  void shouldGiveTheSameFindingsWhenTheAccessArrivesBeforeTheGrantItNames() {
    // Given: a grant, then uses of it after expiry: one write on a restricted table, one read
    AccessGrant granted = grant("g-1", DB, nine, Duration.ofHours(1)).build();
    AccessEvent write =
        access(nine.plus(Duration.ofMinutes(150)), DB)
            .setGrantId("g-1")
            .setAction("write")
            .setSubjectType(SubjectType.WORKLOAD)
            .build();
    AccessEvent read = access(nine.plus(Duration.ofMinutes(153)), DB).setGrantId("g-1").build();
    AccessFixtures.Subject inOrder = subject();
    inOrder.feed(AccessSignal.ofGrant(granted));
    inOrder.feed(AccessSignal.ofAccess(write));
    inOrder.feed(AccessSignal.ofAccess(read));

    // When: the accesses are processed before the grant (the grant topic caught up last)
    alice.feed(AccessSignal.ofAccess(write));
    alice.feed(AccessSignal.ofAccess(read));
    List<RiskFinding> onGrant = alice.feed(AccessSignal.ofGrant(granted));

    // Then: judged when the grant arrives, at their own time, as in order (the read within the
    // repeat interval stays quiet both ways)
    assertThat(inOrder.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(75.0);
              assertThat(f.getSubjectType()).isEqualTo(SubjectType.WORKLOAD);
              assertThat(f.getTimestamp()).isEqualTo(write.getTimestamp());
            });
    assertThat(onGrant).isEqualTo(inOrder.findings);
    assertThat(alice.findings).isEqualTo(inOrder.findings);
  }

  @Test
  void shouldJudgeAnAccessWhoseGrantLagsFarBehindTheSubjectsOtherEvents() {
    // Given: a use of an expired grant, then forty minutes of the subject's other accesses, all
    // processed before the grant (the grant partition stalled)
    AccessGrant granted = grant("g-1", DB, nine, Duration.ofHours(1)).build();
    alice.feed(access(nine.plus(Duration.ofMinutes(150)), DB).setGrantId("g-1"));
    for (int i = 1; i <= 8; i++) {
      alice.feed(access(nine.plus(Duration.ofMinutes(150 + 5L * i)), "/wiki/home"));
    }

    // When
    List<RiskFinding> onGrant = alice.feed(AccessSignal.ofGrant(granted));

    // Then
    assertThat(onGrant)
        .singleElement()
        .satisfies(f -> assertThat(f.getEvidence()).containsEntry("grantState", "expired"));
  }

  @Test
  void shouldForgetAnAccessWaitingForItsGrantOnceTheGrantsHaveMovedPastTheLateness() {
    // Given: an access naming a grant not seen yet
    alice.feed(access(nine.plus(Duration.ofMinutes(150)), DB).setGrantId("g-1"));

    // When: a grant issued six minutes after the access (beyond the lateness of 5m), then the
    // named grant, late within its own topic
    alice.feed(
        grant("g-2", "/prod/db/orders", nine.plus(Duration.ofMinutes(156)), Duration.ofHours(1)));
    alice.feed(grant("g-1", DB, nine, Duration.ofHours(1)));

    // Then
    assertThat(alice.findings).isEmpty();
  }

  @Test
  void shouldForgetAnAccessWaitingForItsGrantOnceTheSubjectHasMovedPastTheMaximumWait() {
    // Given: an access naming a grant not seen yet, then the subject's activity an hour later
    alice.feed(access(nine.plus(Duration.ofMinutes(150)), DB).setGrantId("g-1"));
    alice.feed(
        access(
            nine.plus(Duration.ofMinutes(151)).plus(ExpiredGrantDetector.MAX_WAIT), "/wiki/home"));

    // When
    alice.feed(grant("g-1", DB, nine, Duration.ofHours(1)));

    // Then
    assertThat(alice.findings).isEmpty();
  }

  @Test
  void shouldStayQuietWhenTheLateGrantCoversTheAccessThatWaitedForIt() {
    // Given: an access inside the grant's validity, processed first
    alice.feed(access(nine.plus(Duration.ofMinutes(30)), DB).setGrantId("g-1"));

    // When
    List<RiskFinding> onGrant = alice.feed(grant("g-1", DB, nine, Duration.ofHours(1)));

    // Then
    assertThat(onGrant).isEmpty();
    assertThat(alice.findings).isEmpty();
  }

  private static AccessFixtures.Subject subject() {
    return new AccessFixtures.Subject(
        List.of(new ExpiredGrantDetector(DetectorSettings.defaults())));
  }
}
