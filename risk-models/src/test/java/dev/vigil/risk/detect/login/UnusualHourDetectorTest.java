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
}
