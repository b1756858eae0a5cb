package dev.vigil.risk.detect.network;

import static dev.vigil.risk.detect.network.NetworkFixtures.DB;
import static dev.vigil.risk.detect.network.NetworkFixtures.MONDAY;
import static dev.vigil.risk.detect.network.NetworkFixtures.external;
import static dev.vigil.risk.detect.network.NetworkFixtures.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The long (daily) baseline of {@link ExfiltrationDetector}: volume that creeps up over days. */
class CreepingExfiltrationTest {

  private static final long MB = 1_000_000L;

  private final Random random = new Random(42);

  /** One day of hourly database traffic of about {@code mbPerHour}, +/- 20%. */
  private void usualDay(NetworkFixtures.Workload w, int day, double mbPerHour) {
    for (int hour = 0; hour < 24; hour++) {
      Instant at = MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour));
      double jitter = 0.8 + 0.4 * random.nextDouble();
      w.feed(flow(at, DB, "10.0.2.20", 5432).setBytesOut(Math.round(mbPerHour * jitter * MB)));
    }
  }

  private static List<RiskFinding> creeping(NetworkFixtures.Workload w) {
    return w.findings.stream()
        .filter(f -> f.getDetectorId().equals(ExfiltrationDetector.CREEP_ID))
        .toList();
  }

  @Test
  void shouldReportUploadsGrowingEveryDayToManyTimesTheLongBaseline() {
    // Given two weeks of ~80 MB an hour to the database (about 1.9 GB a day)
    NetworkFixtures.Workload api =
        new NetworkFixtures.Workload(new ExfiltrationDetector(DetectorSettings.defaults()));
    for (int day = 0; day < 14; day++) {
      usualDay(api, day, 80);
    }
    assertThat(api.findings).isEmpty();

    // When an hourly upload to an external address starts at 10 MB and grows by half every day
    Integer firstDay = null;
    for (int day = 14; day < 26 && firstDay == null; day++) {
      usualDay(api, day, 80);
      double upload = 10 * Math.pow(1.5, day - 14);
      for (int hour = 0; hour < 24; hour++) {
        Instant at =
            MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour)).plusSeconds(1800);
        api.feed(external(at, "203.0.113.80", 443).setBytesOut(Math.round(upload * MB)));
      }
      if (!creeping(api).isEmpty()) {
        firstDay = day;
      }
    }

    // Then the hourly test never fires (no hour doubles the last), but the daily one does, once
    assertThat(firstDay).as("day of the creeping finding").isNotNull().isBetween(19, 24);
    assertThat(api.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(ExfiltrationDetector.CREEP_ID);
              assertThat(f.getTactic()).isEqualTo("T1030");
              assertThat(f.getScore()).isBetween(60.0, 80.0);
              assertThat(f.getScore() * f.getConfidence()).isGreaterThanOrEqualTo(40.0);
              assertThat(f.getSummary())
                  .contains("its long-run")
                  .contains("after 3 days of growth");
              assertThat(Double.parseDouble(f.getEvidence().get("timesUsual")))
                  .isGreaterThanOrEqualTo(4.0);
            });
  }

  @Test
  void shouldNotReportAStableHighVolumeWorkload() {
    // Given / When: a log shipper sending ~2 GB every hour for six weeks
    NetworkFixtures.Workload shipper =
        new NetworkFixtures.Workload(new ExfiltrationDetector(DetectorSettings.defaults()));
    for (int day = 0; day < 42; day++) {
      usualDay(shipper, day, 2000);
    }

    // Then nothing is reported
    assertThat(shipper.findings).isEmpty();
  }

  @Test
  void shouldNotReportOrganicGrowthOfAFewPercentADay() {
    // Given / When: traffic that grows 3% a day for six weeks (3.4x in all)
    NetworkFixtures.Workload api =
        new NetworkFixtures.Workload(new ExfiltrationDetector(DetectorSettings.defaults()));
    for (int day = 0; day < 42; day++) {
      usualDay(api, day, 80 * Math.pow(1.03, day));
    }

    // Then the long baseline keeps up and nothing is reported
    assertThat(api.findings).isEmpty();
  }

  @Test
  void shouldLeaveAOneOffBackupSpikeToTheHourlyTest() {
    // Given three weeks of ~80 MB an hour
    NetworkFixtures.Workload api =
        new NetworkFixtures.Workload(new ExfiltrationDetector(DetectorSettings.defaults()));
    for (int day = 0; day < 21; day++) {
      usualDay(api, day, 80);
    }

    // When one day carries a one-off 30 GB backup to object storage, and the next days are usual
    usualDay(api, 21, 80);
    api.feed(
        external(
                MONDAY.plus(Duration.ofDays(21)).plus(Duration.ofMinutes(23 * 60 + 30)),
                "52.216.0.10",
                443)
            .setBytesOut(30_000 * MB));
    for (int day = 22; day < 26; day++) {
      usualDay(api, day, 80);
    }

    // Then only the hourly finding reports it
    assertThat(api.findings)
        .singleElement()
        .satisfies(f -> assertThat(f.getDetectorId()).isEqualTo(ExfiltrationDetector.ID));
  }

  @Test
  void shouldWaitForTheLongBaselineToLearn() {
    // Given a workload first seen three days ago whose volume has tripled every day since
    NetworkFixtures.Workload fresh =
        new NetworkFixtures.Workload(
            new ExfiltrationDetector(
                DetectorSettings.of(Map.of("network.exfiltration.daily-learning-period", "7d"))));
    for (int day = 0; day < 4; day++) {
      usualDay(fresh, day, 80 * Math.pow(3, day));
    }

    // Then nothing creeping is reported while the long baseline learns
    assertThat(creeping(fresh)).isEmpty();
  }
}
