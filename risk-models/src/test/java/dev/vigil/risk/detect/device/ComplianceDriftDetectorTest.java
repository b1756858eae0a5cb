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
import java.time.Instant;
import java.util.List;
import org.assertj.core.groups.Tuple;
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

    // Then: the transition once, not the continuing state, to the device and to alice
    assertThat(laptop.findings)
        .extracting(RiskFinding::getSubjectId)
        .containsExactlyInAnyOrder(LAPTOP, "alice");
    assertThat(laptop.findings)
        .filteredOn(f -> f.getSubjectId().equals("alice"))
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

    // Then: once, to the device and to alice
    assertThat(laptop.findings)
        .extracting(RiskFinding::getSubjectId)
        .containsExactlyInAnyOrder(LAPTOP, "alice");
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

    // Then: to the device and to alice
    assertThat(findings)
        .extracting(RiskFinding::getSubjectId, RiskFinding::getScore)
        .containsExactlyInAnyOrder(Tuple.tuple(LAPTOP, 80.0), Tuple.tuple("alice", 80.0));
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

    // Then: to the device and to alice
    assertThat(findings)
        .extracting(RiskFinding::getSubjectId)
        .containsExactlyInAnyOrder(LAPTOP, "alice");
  }

  @Test
  void shouldTellAUserWhoseSignInArrivesAfterTheDriftReport() {
    // Given a drift reported before the device's user was known
    laptop.feed(compliant(MONDAY));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(2))).setEdrRunning(false));

    // When her sign-in from before the report arrives late (through the repartition), then another
    laptop.feed(usedBy("alice", MONDAY.plus(Duration.ofHours(1))));
    laptop.feed(usedBy("alice", MONDAY.plus(Duration.ofHours(3))));

    // Then the device was told, and alice once, as if she had been known at the report
    assertThat(laptop.findings)
        .extracting(RiskFinding::getSubjectId)
        .containsExactly(LAPTOP, "alice");
    RiskFinding late = laptop.findings.get(1);
    assertThat(late.getSummary())
        .isEqualTo("Device dev-laptop-42 in use went from compliant to EDR agent not running.");
    assertThat(late.getTimestamp()).isEqualTo(MONDAY.plus(Duration.ofHours(2)));
    assertThat(late.getScore()).isEqualTo(80.0);
  }

  @Test
  void shouldTellTheSameUsersWhicheverSideArrivesFirst() {
    // Given the same sign-in and reports, in two orders
    DeviceFixtures.Device usageFirst =
        new DeviceFixtures.Device(
            List.of(new ComplianceDriftDetector(DetectorSettings.defaults())));
    DeviceFixtures.Device postureFirst =
        new DeviceFixtures.Device(
            List.of(new ComplianceDriftDetector(DetectorSettings.defaults())));
    Instant signIn = MONDAY.plus(Duration.ofHours(1));

    // When
    usageFirst.feed(compliant(MONDAY));
    usageFirst.feed(usedBy("bob", signIn));
    usageFirst.feed(compliant(MONDAY.plus(Duration.ofHours(2))).setFirewallEnabled(false));
    postureFirst.feed(compliant(MONDAY));
    postureFirst.feed(compliant(MONDAY.plus(Duration.ofHours(2))).setFirewallEnabled(false));
    postureFirst.feed(usedBy("bob", signIn));

    // Then the device and bob get the same findings either way
    assertThat(postureFirst.findings)
        .extracting(
            RiskFinding::getSubjectId,
            RiskFinding::getScore,
            RiskFinding::getTimestamp,
            RiskFinding::getSummary)
        .containsExactlyInAnyOrderElementsOf(
            usageFirst.findings.stream()
                .map(
                    f ->
                        Tuple.tuple(
                            f.getSubjectId(), f.getScore(), f.getTimestamp(), f.getSummary()))
                .toList());
    assertThat(usageFirst.findings)
        .extracting(RiskFinding::getSubjectId)
        .containsExactlyInAnyOrder(LAPTOP, "bob");
  }

  @Test
  void shouldGiveTheSameFindingIdWhetherTheUsersLaterSignInArrivesBeforeOrAfterTheDrift() {
    // Given alice's two sign-ins and the two reports in which EDR was turned off; the reports and
    // the sign-ins come through different partitions, so either may be processed first
    DeviceSignal before = usedBy("alice", MONDAY.plus(Duration.ofHours(9)));
    DeviceSignal later = usedBy("alice", MONDAY.plus(Duration.ofHours(10)).plusSeconds(40));
    DeviceSignal healthy =
        DeviceSignal.ofPosture(compliant(MONDAY.plus(Duration.ofHours(10))).build());
    DeviceSignal drift =
        DeviceSignal.ofPosture(
            compliant(MONDAY.plus(Duration.ofHours(10)).plusSeconds(30))
                .setEdrRunning(false)
                .build());

    // When the later sign-in is processed before the drift in one run and after it in another
    List<RiskFinding> signInFirst = feed(before, healthy, later, drift);
    List<RiskFinding> driftFirst = feed(before, healthy, drift, later);

    // Then both runs told the device and alice once each, with the same findings
    assertThat(signInFirst)
        .extracting(RiskFinding::getSubjectId)
        .containsExactlyInAnyOrder(LAPTOP, "alice");
    assertThat(driftFirst)
        .extracting(RiskFinding::getFindingId, RiskFinding::getTimestamp)
        .containsExactlyInAnyOrderElementsOf(
            signInFirst.stream()
                .map(f -> Tuple.tuple(f.getFindingId(), f.getTimestamp()))
                .toList());
  }

  @Test
  void shouldTellTheDeviceItselfWhateverIsKnownOfItsUsers() {
    // Given the owner's sign-in, which comes through the device repartition and may be processed
    // before or after the drift report
    DeviceSignal signIn = usedBy("alice", MONDAY.plus(Duration.ofHours(1)));
    DeviceSignal healthy = DeviceSignal.ofPosture(compliant(MONDAY).build());
    DeviceSignal drift =
        DeviceSignal.ofPosture(
            compliant(MONDAY.plus(Duration.ofHours(2))).setEdrRunning(false).build());

    // When
    List<RiskFinding> signInFirst = feed(healthy, signIn, drift);
    List<RiskFinding> driftFirst = feed(healthy, drift, signIn);

    // Then the device and alice are told in both orders, with the same findings
    assertThat(signInFirst)
        .extracting(RiskFinding::getSubjectId, RiskFinding::getSubjectType)
        .containsExactlyInAnyOrder(
            Tuple.tuple(LAPTOP, SubjectType.DEVICE), Tuple.tuple("alice", SubjectType.HUMAN));
    assertThat(driftFirst)
        .extracting(RiskFinding::getFindingId, RiskFinding::getTimestamp, RiskFinding::getScore)
        .containsExactlyInAnyOrderElementsOf(
            signInFirst.stream()
                .map(f -> Tuple.tuple(f.getFindingId(), f.getTimestamp(), f.getScore()))
                .toList());
  }

  private static List<RiskFinding> feed(DeviceSignal... signals) {
    DeviceFixtures.Device device =
        new DeviceFixtures.Device(
            List.of(new ComplianceDriftDetector(DetectorSettings.defaults())));
    for (DeviceSignal s : signals) {
      device.feed(s);
    }
    return device.findings;
  }
}
