package dev.vigil.risk.detect.access;

import static dev.vigil.risk.detect.access.AccessFixtures.MONDAY;
import static dev.vigil.risk.detect.access.AccessFixtures.access;
import static dev.vigil.risk.detect.access.AccessFixtures.grant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.GrantStatus;
import dev.vigil.schema.Sensitivity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiredGrantDetectorTest {

  private static final String DB = "/prod/db/customers";

  private final AccessFixtures.Subject alice =
      new AccessFixtures.Subject(List.of(new ExpiredGrantDetector(DetectorSettings.defaults())));
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
}
