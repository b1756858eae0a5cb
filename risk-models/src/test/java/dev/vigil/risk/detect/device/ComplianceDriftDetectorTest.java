package dev.vigil.risk.detect.device;

import static dev.vigil.risk.detect.device.DeviceFixtures.LAPTOP;
import static dev.vigil.risk.detect.device.DeviceFixtures.MONDAY;
import static dev.vigil.risk.detect.device.DeviceFixtures.compliant;
import static dev.vigil.risk.detect.device.DeviceFixtures.usedBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComplianceDriftDetectorTest {

  private final DeviceFixtures.Device laptop =
      new DeviceFixtures.Device(List.of(new ComplianceDriftDetector(DetectorSettings.defaults())));

  @Test
  void shouldStayQuietForDeviceThatWasAlwaysCompliant() {
    // When
    for (int h = 0; h < 48; h++) {
      laptop.feed(usedBy("alice", MONDAY.plus(Duration.ofHours(h))));
      laptop.feed(compliant(MONDAY.plus(Duration.ofHours(h)).plusSeconds(30)));
    }

    // Then
    assertThat(laptop.findings).isEmpty();
  }

  @Test
  void shouldReportEdrTurnedOffToTheUserAsDefenceEvasion() {
    // Given
    laptop.feed(usedBy("alice", MONDAY.plus(Duration.ofHours(9))));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(10))));

    // When
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(11))).setEdrRunning(false));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(12))).setEdrRunning(false));

    // Then: the transition once, not the continuing state
    assertThat(laptop.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getSubjectId()).isEqualTo("alice");
              assertThat(f.getScore()).isEqualTo(80.0);
              assertThat(f.getTactic()).isEqualTo("T1562.001");
              assertThat(f.getSummary())
                  .isEqualTo(
                      "Device dev-laptop-42 in use went from compliant to EDR agent not running.");
              assertThat(f.getSourceEventIds()).hasSize(3);
            });
  }

  @Test
  void shouldReportDriftOnIdleDeviceToTheDeviceItself() {
    // Given
    laptop.feed(compliant(MONDAY));

    // When
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(1))).setDiskEncrypted(false));

    // Then
    assertThat(laptop.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getSubjectId()).isEqualTo(LAPTOP);
              assertThat(f.getSubjectType()).isEqualTo(SubjectType.DEVICE);
            });
  }

  @Test
  void shouldIgnoreLateReportsAndPatchesAgeingAlone() {
    // Given
    laptop.feed(usedBy("alice", MONDAY));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(2))));

    // When: a report older than the held one says EDR was off; then patches simply age
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(1))).setEdrRunning(false));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(3))).setOsPatchAgeDays(31));

    // Then
    assertThat(laptop.findings).isEmpty();
  }

  @Test
  void shouldNotReportAControlFlappingOffAgainWithinTheRepeatInterval() {
    // Given: the firewall was switched off once and reported
    laptop.feed(usedBy("alice", MONDAY));
    laptop.feed(compliant(MONDAY));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(1))).setFirewallEnabled(false));

    // When: on again, off again, on, off
    for (int h = 2; h < 8; h++) {
      laptop.feed(compliant(MONDAY.plus(Duration.ofHours(h))).setFirewallEnabled(h % 2 == 0));
    }

    // Then
    assertThat(laptop.findings).hasSize(1);
  }

  @Test
  void shouldReportADifferentControlSwitchedOffAfterAnEarlierDrift() {
    // Given
    laptop.feed(usedBy("alice", MONDAY));
    laptop.feed(compliant(MONDAY));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(1))).setFirewallEnabled(false));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(2))));

    // When
    List<RiskFinding> findings =
        laptop.feed(compliant(MONDAY.plus(Duration.ofHours(3))).setEdrRunning(false));

    // Then
    assertThat(findings).singleElement().satisfies(f -> assertThat(f.getScore()).isEqualTo(80.0));
  }

  @Test
  void shouldReportTheSameControlAgainAfterTheRepeatInterval() {
    // Given
    laptop.feed(usedBy("alice", MONDAY));
    laptop.feed(compliant(MONDAY));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(1))).setFirewallEnabled(false));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(2))));

    // When: off again a day and a half later, still in use
    laptop.feed(usedBy("alice", MONDAY.plus(Duration.ofHours(30))));
    List<RiskFinding> findings =
        laptop.feed(compliant(MONDAY.plus(Duration.ofHours(36))).setFirewallEnabled(false));

    // Then
    assertThat(findings).hasSize(1);
  }
}
