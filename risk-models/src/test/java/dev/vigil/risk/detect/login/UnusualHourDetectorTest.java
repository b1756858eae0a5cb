package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnusualHourDetectorTest {

  private final LoginFixture fx = new LoginFixture();
  private final LoginFixture.Runner runner =
      new LoginFixture.Runner(
          List.of(new UnusualHourDetector(DetectorSettings.defaults())),
          DetectionContext.defaults());
  private final Instant afterThreeWeeks = MONDAY.plus(Duration.ofDays(21));

  @Test
  void shouldFlagOfficeWorkerSigningInAtThreeInTheMorning() {
    // Given three weeks of sign-ins at 08:xx and 13:xx
    assertThat(runner.runAll(fx.officeHistory("alice", MONDAY, 21))).isEmpty();

    // When alice signs in at 03:10 UTC
    List<RiskFinding> findings =
        runner.run(fx.login("alice", afterThreeWeeks.plusSeconds(3 * 3600 + 600)).build());

    // Then a low-score finding names the hour and her typical share
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isBetween(20.0, 30.0);
              assertThat(f.getSummary())
                  .startsWith("Signed in at 03:00 UTC")
                  .contains("42 sign-ins over 20 days");
              assertThat(f.getEvidence()).containsEntry("hourUtc", "3");
            });
  }

  @Test
  void shouldNotFlagHourNextToUsualOnes() {
    // Given three weeks of sign-ins at 08:xx and 13:xx
    runner.runAll(fx.officeHistory("alice", MONDAY, 21));

    // When alice signs in at 07:40 and 14:20
    List<RiskFinding> early =
        runner.run(fx.login("alice", afterThreeWeeks.plusSeconds(7 * 3600 + 2400)).build());
    List<RiskFinding> late =
        runner.run(fx.login("alice", afterThreeWeeks.plusSeconds(14 * 3600 + 1200)).build());

    // Then neither is unusual
    assertThat(early).isEmpty();
    assertThat(late).isEmpty();
  }

  @Test
  void shouldNotFlagNightlyBatchJobAtTwo() {
    // Given a service account that signs in at 02:00 every night for sixty nights
    List<RiskFinding> findings = new ArrayList<>();
    for (int d = 0; d < 60; d++) {
      findings.addAll(
          runner.run(
              fx.login("svc-backup", MONDAY.plus(Duration.ofDays(d)).plusSeconds(2 * 3600 + d % 7))
                  .build()));
    }

    // Then it is never flagged
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldNotFireDuringLearningPeriod() {
    // Given only five days of history
    runner.runAll(fx.officeHistory("carol", MONDAY, 5));

    // When carol signs in at 03:00
    List<RiskFinding> findings =
        runner.run(
            fx.login("carol", MONDAY.plus(Duration.ofDays(5)).plusSeconds(3 * 3600)).build());

    // Then nothing fires yet
    assertThat(findings).isEmpty();
  }

  /** A dozen sign-ins in one week (long SSO sessions): mornings at 07-09, some at 13-14. */
  private void sparseWeek(String subject) {
    int[][] signIns = {
      {0, 8}, {0, 13}, {1, 7}, {1, 14}, {2, 8}, {2, 13}, {3, 9}, {3, 13}, {4, 8}, {4, 12}, {5, 8},
      {6, 13}
    };
    for (int[] s : signIns) {
      assertThat(
              runner.run(
                  fx.login(
                          subject,
                          MONDAY.plus(Duration.ofDays(s[0])).plusSeconds(s[1] * 3600L + 300))
                      .build()))
          .isEmpty();
    }
  }

  @Test
  void shouldFlagThreeInTheMorningAfterADozenSignInsInAWeek() {
    // Given a sparse week: 12 sign-ins between 07:00 and 14:00
    sparseWeek("dora");

    // When dora signs in at 03:10 UTC on the ninth day
    List<RiskFinding> findings =
        runner.run(
            fx.login("dora", MONDAY.plus(Duration.ofDays(8)).plusSeconds(3 * 3600 + 600)).build());

    // Then it is flagged, with the low confidence of a sparse history
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getSummary()).contains("12 sign-ins over 7 days");
              assertThat(f.getConfidence()).isLessThan(0.45);
              assertThat(f.getEvidence()).containsEntry("observations", "12");
            });
  }

  @Test
  void shouldNotFlagASparseUserAtUsualOrNeighbouringHours() {
    // Given a sparse week
    sparseWeek("ed");

    // When ed signs in at 06:30, 10:15 and 15:30 on the following days
    List<RiskFinding> findings = new ArrayList<>();
    findings.addAll(
        runner.run(
            fx.login("ed", MONDAY.plus(Duration.ofDays(8)).plusSeconds(6 * 3600 + 1800)).build()));
    findings.addAll(
        runner.run(
            fx.login("ed", MONDAY.plus(Duration.ofDays(9)).plusSeconds(10 * 3600 + 900)).build()));
    findings.addAll(
        runner.run(
            fx.login("ed", MONDAY.plus(Duration.ofDays(10)).plusSeconds(15 * 3600 + 1800))
                .build()));

    // Then none is unusual
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldNotFlagAfterFewerSignInsThanTheMinimum() {
    // Given only eight sign-ins over a week and a half
    for (int d = 0; d < 8; d++) {
      runner.run(
          fx.login("fay", MONDAY.plus(Duration.ofDays(d + d / 3)).plusSeconds(8 * 3600)).build());
    }

    // When fay signs in at 03:00
    List<RiskFinding> findings =
        runner.run(fx.login("fay", MONDAY.plus(Duration.ofDays(12)).plusSeconds(3 * 3600)).build());

    // Then she is still learning
    assertThat(findings).isEmpty();
  }
}
