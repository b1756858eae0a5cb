package dev.vigil.risk.detect.network;

import static dev.vigil.risk.detect.network.NetworkFixtures.CACHE;
import static dev.vigil.risk.detect.network.NetworkFixtures.DB;
import static dev.vigil.risk.detect.network.NetworkFixtures.MONDAY;
import static dev.vigil.risk.detect.network.NetworkFixtures.external;
import static dev.vigil.risk.detect.network.NetworkFixtures.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ThreatCategory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanOutAndExfiltrationTest {

  /** Eight days of the API calling its two dependencies, ~5 MB an hour. */
  private static Instant usualWeek(NetworkFixtures.Workload workload) {
    Instant at = MONDAY;
    for (int i = 0; i < 8 * 144; i++) {
      at = MONDAY.plus(Duration.ofMinutes(10L * i));
      workload.feed(flow(at, DB, "10.0.2.20", 5432).setBytesOut(800_000));
      workload.feed(flow(at.plusSeconds(1), CACHE, "10.0.2.30", 6379));
    }
    return at;
  }

  @Test
  void shouldReportScanOfManyHostsOnceAsFanOut() {
    // Given
    NetworkFixtures.Workload api =
        new NetworkFixtures.Workload(new FanOutDetector(DetectorSettings.defaults()));
    Instant last = usualWeek(api);
    assertThat(api.findings).isEmpty();

    // When: 254 hosts of a /24 on port 22 within four minutes
    Instant scan = last.plus(Duration.ofMinutes(11));
    for (int host = 1; host < 255; host++) {
      api.feed(flow(scan.plusSeconds(host), null, "10.0.7." + host, 22).setMtls(false));
    }

    // Then
    assertThat(api.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(FanOutDetector.ID);
              assertThat(f.getTactic()).isEqualTo("T1046");
              assertThat(f.getSummary())
                  .matches(
                      "Connected to about \\d+ distinct destinations in 10 minutes \\(usual: 2-2\\)\\.");
              assertThat(f.getEvidence().get("examples")).contains("10.0.7.1:22");
            });
  }

  @Test
  void shouldEstimateDistinctDestinationsClosely() {
    // Given
    FanOutDetector.State state = new FanOutDetector(DetectorSettings.defaults()).newState();
    FanOutDetector detector = new FanOutDetector(DetectorSettings.defaults());

    // When
    for (int i = 0; i < 500; i++) {
      detector.observe(
          flow(MONDAY.plusMillis(i), null, "10.1." + i / 256 + "." + i % 256, 443).build(),
          state,
          dev.vigil.risk.detect.DetectionContext.defaults());
    }

    // Then
    assertThat(FanOutDetector.estimate(state.sketch)).isBetween(450.0, 550.0);
  }

  @Test
  void shouldNotReportNightlyBackupOnceLearned() {
    // Given / When: 20 GB to the backup bucket every night at 01:00, 5 MB an hour otherwise
    NetworkFixtures.Workload api =
        new NetworkFixtures.Workload(new ExfiltrationDetector(DetectorSettings.defaults()));
    for (int hour = 0; hour < 24 * 21; hour++) {
      Instant at = MONDAY.plus(Duration.ofHours(hour));
      api.feed(flow(at, DB, "10.0.2.20", 5432).setBytesOut(5_000_000));
      if (hour % 24 == 1) {
        api.feed(external(at.plusSeconds(60), "52.216.0.10", 443).setBytesOut(20_000_000_000L));
      }
    }

    // Then
    assertThat(api.findings).isEmpty();
  }

  @Test
  void shouldReportLargeTransferToExternalAndScoreThreatListedHigher() {
    // Given
    ReferenceData reference = new ReferenceData();
    NetworkFixtures.indicator(
        reference, IndicatorType.CIDR, "198.51.100.0/24", ThreatCategory.MALWARE_C2);
    NetworkFixtures.Workload plain =
        new NetworkFixtures.Workload(new ExfiltrationDetector(DetectorSettings.defaults()));
    NetworkFixtures.Workload listed =
        new NetworkFixtures.Workload(
            List.of(new ExfiltrationDetector(DetectorSettings.defaults())), reference);
    Instant last = usualWeek(plain);
    usualWeek(listed);

    // When: 2 GB in chunks, to an external address
    Instant start = last.plus(Duration.ofHours(2));
    for (int i = 0; i < 20; i++) {
      plain.feed(external(start.plusSeconds(i), "203.0.113.80", 443).setBytesOut(100_000_000));
      listed.feed(external(start.plusSeconds(i), "198.51.100.7", 443).setBytesOut(100_000_000));
    }

    // Then
    assertThat(plain.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(70.0);
              assertThat(f.getTactic()).isEqualTo("T1048");
              assertThat(f.getSummary())
                  .startsWith("Sent 100.0 MB in 60 minutes, last to external 203.0.113.80:443");
            });
    assertThat(listed.findings)
        .singleElement()
        .satisfies(f -> assertThat(f.getScore()).isEqualTo(95.0));
  }
}
