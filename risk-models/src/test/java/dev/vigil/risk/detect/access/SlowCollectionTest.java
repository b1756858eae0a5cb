package dev.vigil.risk.detect.access;

import static dev.vigil.risk.detect.access.AccessFixtures.MONDAY;
import static dev.vigil.risk.detect.access.AccessFixtures.access;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slow insider collection, the {@code access.slow-collection} findings of {@link
 * FirstResourceDetector}.
 */
class SlowCollectionTest {

  private final AccessFixtures.Subject alice =
      new AccessFixtures.Subject(List.of(new FirstResourceDetector(DetectorSettings.defaults())));

  private static Instant at(int day, int hour, int minute) {
    return MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour)).plusSeconds(60L * minute);
  }

  /**
   * A working day of alice: her ten team documents (one confidential) and, every fourth day, one
   * confidential document she has not opened before.
   */
  private void usualDay(int day) {
    for (int i = 0; i < 12; i++) {
      alice.feed(
          access(at(day, 9, 35 * i), "/docs/team/" + (i % 10))
              .setSensitivity(i % 10 == 0 ? Sensitivity.CONFIDENTIAL : Sensitivity.INTERNAL));
    }
    if (day % 4 == 0) {
      alice.feed(
          access(at(day, 15, 5), "/docs/projects/brief-" + day)
              .setSensitivity(Sensitivity.CONFIDENTIAL));
    }
  }

  private List<RiskFinding> slow() {
    return alice.findings(FirstResourceDetector.SLOW_ID);
  }

  @Test
  void shouldAccumulateAFewRestrictedDocumentsADayIntoOneMediumFinding() {
    // Given three weeks of usual work
    for (int day = 0; day < 21; day++) {
      usualDay(day);
    }
    assertThat(slow()).isEmpty();

    // When she also opens three HR documents she never read, every afternoon for five days
    for (int day = 21; day < 26; day++) {
      usualDay(day);
      for (int i = 0; i < 3; i++) {
        alice.feed(
            access(at(day, 16, 20 * i), "/hr/reviews/employee-" + (day * 3 + i))
                .setSensitivity(Sensitivity.RESTRICTED));
      }
    }

    // Then each access alone is a weak first-resource finding (below medium)...
    assertThat(alice.findings(FirstResourceDetector.ID))
        .hasSizeGreaterThanOrEqualTo(15)
        .allSatisfy(f -> assertThat(f.getScore() * f.getConfidence()).isLessThan(40.0));
    // ...but together they give one slow-collection finding at medium, revised as they grow
    assertThat(slow()).isNotEmpty();
    assertThat(slow())
        .extracting(RiskFinding::getFindingId)
        .containsOnly(slow().get(0).getFindingId());
    RiskFinding first = slow().get(0);
    assertThat(first.getTimestamp()).isAfterOrEqualTo(at(24, 0, 0)).isBefore(at(25, 0, 0));
    assertThat(first.getScore() * first.getConfidence()).isGreaterThanOrEqualTo(40.0);
    assertThat(first.getTactic()).isEqualTo("T1213");
    assertThat(first.getSummary())
        .startsWith("Accessed 11 sensitive resources for the first time over 5 of the last 7 days")
        .contains("(9 restricted, 2 confidential; latest ")
        .contains("/hr/reviews/employee-");
    RiskFinding last = slow().get(slow().size() - 1);
    assertThat(last.getEvidence()).containsEntry("resources", "16");
  }

  @Test
  void shouldNotReportAnAdminOpeningTheSameRestrictedConsolesEveryDay() {
    // Given / When: an admin opens three restricted consoles several times a day for five weeks
    for (int day = 0; day < 35; day++) {
      usualDay(day);
      for (int i = 0; i < 6; i++) {
        alice.feed(
            access(at(day, 10 + i, 0), "https://console.corp.example/" + (i % 3))
                .setSensitivity(Sensitivity.RESTRICTED));
      }
    }

    // Then nothing accumulates
    assertThat(slow()).isEmpty();
  }

  @Test
  void shouldNotReportAResearcherWhoReadsNewConfidentialDocumentsEveryDay() {
    // Given / When: three new confidential documents every day for five weeks, her normal work
    for (int day = 0; day < 35; day++) {
      usualDay(day);
      for (int i = 0; i < 3; i++) {
        alice.feed(
            access(at(day, 14, 10 * i), "/research/paper-" + (day * 3 + i))
                .setSensitivity(Sensitivity.CONFIDENTIAL));
      }
    }

    // Then her own rate is the baseline and nothing is reported
    assertThat(slow()).isEmpty();
  }

  @Test
  void shouldNotReportAOneDayReadingOfAFewNewDocuments() {
    // Given three weeks of usual work
    for (int day = 0; day < 21; day++) {
      usualDay(day);
    }

    // When she reads twelve new restricted documents on one day only (a new assignment)
    for (int i = 0; i < 12; i++) {
      alice.feed(
          access(at(21, 10, 20 * i), "/legal/contracts/" + i)
              .setSensitivity(Sensitivity.RESTRICTED));
    }
    for (int day = 22; day < 28; day++) {
      usualDay(day);
    }

    // Then it is not slow collection: the busiest day holds nearly all of it
    assertThat(slow()).isEmpty();
  }

  @Test
  void shouldNotFireWhileLearning() {
    // Given / When: a new joiner reads many new restricted documents in the first week
    for (int day = 0; day < 6; day++) {
      usualDay(day);
      for (int i = 0; i < 5; i++) {
        alice.feed(
            access(at(day, 16, 5 * i), "/onboarding/" + (day * 5 + i))
                .setSensitivity(Sensitivity.RESTRICTED));
      }
    }

    // Then nothing is reported during discovery
    assertThat(slow()).isEmpty();
  }
}
