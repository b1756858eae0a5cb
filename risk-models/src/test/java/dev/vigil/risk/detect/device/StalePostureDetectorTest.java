package dev.vigil.risk.detect.device;

import static dev.vigil.risk.detect.device.DeviceFixtures.LAPTOP;
import static dev.vigil.risk.detect.device.DeviceFixtures.MONDAY;
import static dev.vigil.risk.detect.device.DeviceFixtures.compliant;
import static dev.vigil.risk.detect.device.DeviceFixtures.usedBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.BaselineBundleCodec;
import dev.vigil.risk.detect.DetectorSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StalePostureDetectorTest {

  private final DeviceFixtures.Device laptop =
      new DeviceFixtures.Device(List.of(new StalePostureDetector(DetectorSettings.defaults())));

  private void checkHourly(Instant from, int hours) {
    for (int h = 0; h < hours; h++) {
      laptop.feed(DeviceSignal.ofCheck(LAPTOP, from.plus(Duration.ofHours(h))));
    }
  }

  @Test
  void shouldStayQuietWhileReportsKeepArriving() {
    // When
    for (int h = 0; h < 72; h++) {
      Instant at = MONDAY.plus(Duration.ofHours(h));
      laptop.feed(usedBy("alice", at));
      if (h % 6 == 0) {
        laptop.feed(compliant(at));
      }
      laptop.feed(DeviceSignal.ofCheck(LAPTOP, at.plusSeconds(1800)));
    }

    // Then
    assertThat(laptop.findings).isEmpty();
  }

  @Test
  void shouldLeaveTheBaselinesUnwrittenByACheckThatFindsNothing() {
    // Given a device reporting and in use, its baselines as a store would hand them over
    DeviceFixtures.Device all = DeviceFixtures.Device.allDefaults();
    all.feed(compliant(MONDAY));
    all.feed(usedBy("alice", MONDAY.plusSeconds(60)));
    BaselineBundleCodec codec = BaselineBundleCodec.forDetectors(all.engine.detectors());
    BaselineBundle stored = codec.decode(codec.encode(all.bundle));

    // When every detector sees a round of checks that finds the posture fresh
    all.engine.observe(DeviceSignal.ofCheck(LAPTOP, MONDAY.plusSeconds(600)), stored, all.context);

    // Then nothing needs writing back: no id remembered, no baseline changed
    assertThat(stored.changed()).isFalse();
    assertThat(stored.recentEventIds).hasSize(2);

    // And a check that does report, a day and a half later with alice still on it, is written
    all.engine.observe(usedBy("alice", MONDAY.plus(Duration.ofHours(30))), stored, all.context);
    stored = codec.decode(codec.encode(stored));
    List<?> findings =
        all.engine.observe(
            DeviceSignal.ofCheck(LAPTOP, MONDAY.plus(Duration.ofHours(36))), stored, all.context);
    assertThat(findings).isNotEmpty();
    assertThat(stored.changed()).isTrue();
  }

  @Test
  void shouldReportOncePerStalenessPeriodWhileInUse() {
    // Given
    laptop.feed(compliant(MONDAY));
    laptop.feed(usedBy("alice", MONDAY.plus(Duration.ofHours(30))));

    // When: hourly checks for two days, then a fresh report, then silence again
    checkHourly(MONDAY.plus(Duration.ofHours(1)), 48);
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(50))));
    laptop.feed(usedBy("alice", MONDAY.plus(Duration.ofHours(70))));
    checkHourly(MONDAY.plus(Duration.ofHours(51)), 48);

    // Then
    assertThat(laptop.findings).hasSize(2);
    assertThat(laptop.findings.get(0).getSummary())
        .isEqualTo(
            "Used device dev-laptop-42, whose last posture report is 25 hours old (maximum 24"
                + " hours).");
    assertThat(laptop.findings.get(0).getTimestamp()).isEqualTo(MONDAY.plus(Duration.ofHours(25)));
  }

  @Test
  void shouldNotReportStaleDeviceNobodyUses() {
    // Given
    laptop.feed(compliant(MONDAY));
    laptop.feed(usedBy("alice", MONDAY));

    // When: checks long after the last use
    checkHourly(MONDAY.plus(Duration.ofDays(3)), 24);

    // Then
    assertThat(laptop.findings).isEmpty();
  }

  @Test
  void shouldReportDeviceInUseThatNeverReported() {
    // Given
    laptop.feed(usedBy("bob", MONDAY));
    laptop.feed(usedBy("bob", MONDAY.plus(Duration.ofHours(26))));

    // When
    checkHourly(MONDAY.plus(Duration.ofHours(20)), 10);

    // Then
    assertThat(laptop.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getSubjectId()).isEqualTo("bob");
              assertThat(f.getScore()).isEqualTo(45.0);
              assertThat(f.getSummary()).contains("has never sent a posture report");
            });
  }
}
