package dev.vigil.risk.detect.access;

import static dev.vigil.risk.detect.access.AccessFixtures.MONDAY;
import static dev.vigil.risk.detect.access.AccessFixtures.access;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.AccessDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeniedBurstDetectorTest {

  private final AccessFixtures.Subject alice =
      new AccessFixtures.Subject(List.of(new DeniedBurstDetector(DetectorSettings.defaults())));

  @Test
  void shouldReportManyDenialsOnDifferentResourcesInAFewMinutes() {
    // Given
    Instant start = MONDAY.plus(Duration.ofHours(23));

    // When: 15 admin endpoints probed within 3 minutes
    for (int i = 0; i < 15; i++) {
      alice.feed(
          access(start.plusSeconds(12L * i), "/admin/api/" + i)
              .setAction("admin")
              .setDecision(AccessDecision.DENIED));
    }

    // Then: one finding for the burst (one id), revised as it grew, the last naming all 15
    assertThat(alice.findings)
        .extracting(f -> f.getFindingId())
        .containsOnly(alice.findings.get(0).getFindingId());
    assertThat(alice.findings.get(0).getSummary())
        .startsWith("Was denied 10 times on 10 different resources in 10");
    assertThat(alice.findings.get(alice.findings.size() - 1))
        .satisfies(
            f -> {
              assertThat(f.getTactic()).isEqualTo("T1069");
              assertThat(f.getSummary())
                  .startsWith("Was denied 15 times on 15 different resources in 10");
              assertThat(f.getSourceEventIds()).hasSize(10);
            });
  }

  @Test
  void shouldRaiseANewFindingForASecondBurstAfterAQuietWindow() {
    // Given a burst of 12 denials
    Instant start = MONDAY.plus(Duration.ofHours(9));
    for (int i = 0; i < 12; i++) {
      alice.feed(
          access(start.plusSeconds(10L * i), "/admin/" + i).setDecision(AccessDecision.DENIED));
    }

    // When another comes an hour later
    for (int i = 0; i < 12; i++) {
      alice.feed(
          access(start.plus(Duration.ofHours(1)).plusSeconds(10L * i), "/billing/" + i)
              .setDecision(AccessDecision.DENIED));
    }

    // Then two findings ids, one per burst
    assertThat(alice.findings.stream().map(f -> f.getFindingId()).distinct()).hasSize(2);
  }

  @Test
  void shouldStayQuietForOccasionalDenials() {
    // When: 30 denials spread over a working day
    for (int i = 0; i < 30; i++) {
      alice.feed(
          access(MONDAY.plus(Duration.ofMinutes(16L * i)), "/docs/" + (i % 6))
              .setDecision(AccessDecision.DENIED));
    }

    // Then
    assertThat(alice.findings).isEmpty();
  }

  @Test
  void shouldStayQuietForMisconfiguredJobDeniedAllDayLong() {
    // Given: a job denied on the same three tables ~1400 times a day for a week
    for (int day = 0; day < 7; day++) {
      for (int i = 0; i < 1440; i++) {
        alice.feed(
            access(MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(i)), "/t/" + i % 3)
                .setDecision(AccessDecision.DENIED));
      }
    }

    // Then: only the first day, before its rate was known, can have raised a finding
    assertThat(alice.findings)
        .allSatisfy(f -> assertThat(f.getTimestamp()).isBefore(MONDAY.plus(Duration.ofDays(1))));
  }
}
