package dev.vigil.risk.detect.device;

import static dev.vigil.risk.detect.device.DeviceFixtures.MONDAY;
import static dev.vigil.risk.detect.device.DeviceFixtures.compliant;
import static dev.vigil.risk.detect.device.DeviceFixtures.usedBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NonCompliantDetectorTest {

  private final DeviceFixtures.Device laptop =
      new DeviceFixtures.Device(List.of(new NonCompliantDetector(DetectorSettings.defaults())));

  @Test
  void shouldStayQuietForDeviceThatWasAlwaysCompliant() {
    // When: hourly reports and daily use for a week
    for (int h = 0; h < 24 * 7; h++) {
      laptop.feed(compliant(MONDAY.plus(Duration.ofHours(h))));
      if (h % 24 == 9) {
        laptop.feed(usedBy("alice", MONDAY.plus(Duration.ofHours(h))));
      }
    }

    // Then
    assertThat(laptop.findings).isEmpty();
  }

  @Test
  void shouldReportToEachUserWhatIsWrongWithTheDevice() {
    // Given
    laptop.feed(usedBy("alice", MONDAY.plus(Duration.ofHours(8))));
    laptop.feed(usedBy("bob", MONDAY.plus(Duration.ofHours(9))));

    // When
    List<RiskFinding> findings =
        laptop.feed(
            compliant(MONDAY.plus(Duration.ofHours(10)))
                .setDiskEncrypted(false)
                .setOsPatchAgeDays(75));

    // Then
    assertThat(findings).extracting(RiskFinding::getSubjectId).containsExactly("bob", "alice");
    assertThat(findings.get(0).getSummary())
        .isEqualTo(
            "Used device dev-laptop-42, which fails compliance: disk not encrypted, OS security"
                + " patches too old (patches 75 days old, limit 30).");
    assertThat(findings.get(0).getScore()).isBetween(40.0, 50.0);
  }

  @Test
  void shouldScoreJailbrokenDeviceWithoutEdrHigherThanOldPatches() {
    // Given
    laptop.feed(usedBy("alice", MONDAY));

    // When
    double patches =
        laptop.feed(compliant(MONDAY.plusSeconds(60)).setOsPatchAgeDays(45)).get(0).getScore();
    double jailbroken =
        laptop
            .feed(compliant(MONDAY.plusSeconds(120)).setJailbroken(true).setEdrRunning(false))
            .get(0)
            .getScore();

    // Then
    assertThat(patches).isEqualTo(15.0);
    assertThat(jailbroken).isGreaterThan(75.0);
  }

  @Test
  void shouldNotReportUnusedDeviceButReportWhenSomeoneStartsUsingIt() {
    // Given
    laptop.feed(compliant(MONDAY).setEdrRunning(false));
    assertThat(laptop.findings).isEmpty();

    // When
    laptop.feed(usedBy("carol", MONDAY.plus(Duration.ofHours(1))));
    laptop.feed(usedBy("carol", MONDAY.plus(Duration.ofHours(2))));
    laptop.feed(compliant(MONDAY.plus(Duration.ofHours(3))).setEdrRunning(false));

    // Then: once, not on every usage or identical report
    assertThat(laptop.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getSubjectId()).isEqualTo("carol");
              assertThat(f.getSummary()).contains("EDR agent not running");
            });
  }

  @Test
  void shouldNotReRaiseAnUnchangedNonComplianceOnEveryPostureReport() {
    // Given: a device known to be behind on patches, reported once
    laptop.feed(usedBy("alice", MONDAY));
    laptop.feed(compliant(MONDAY.plusSeconds(60)).setOsPatchAgeDays(45));

    // When: the same report every hour, and the patch age dipping under the limit and back
    for (int h = 1; h < 12; h++) {
      laptop.feed(
          compliant(MONDAY.plus(Duration.ofHours(h))).setOsPatchAgeDays(h % 3 == 0 ? 10 : 45));
    }

    // Then
    assertThat(laptop.findings).hasSize(1);
  }

  @Test
  void shouldReportAgainWhenANewIssueAppearsOnANonCompliantDevice() {
    // Given
    laptop.feed(usedBy("alice", MONDAY));
    laptop.feed(compliant(MONDAY.plusSeconds(60)).setOsPatchAgeDays(45));

    // When
    List<RiskFinding> findings =
        laptop.feed(compliant(MONDAY.plusSeconds(120)).setOsPatchAgeDays(45).setEdrRunning(false));

    // Then
    assertThat(findings).singleElement().satisfies(f -> assertThat(f.getScore()).isGreaterThan(60));
  }

  @Test
  void shouldScoreEdrOffAloneHighEnoughForMediumRiskAndOldPatchesBelowLow() {
    // Given
    laptop.feed(usedBy("alice", MONDAY));

    // When
    RiskFinding patches =
        laptop.feed(compliant(MONDAY.plusSeconds(60)).setOsPatchAgeDays(45)).get(0);
    RiskFinding edr = laptop.feed(compliant(MONDAY.plusSeconds(120)).setEdrRunning(false)).get(0);

    // Then: score x confidence against the level bounds (low 20, medium 40)
    assertThat(patches.getScore() * patches.getConfidence()).isLessThan(20);
    assertThat(edr.getScore() * edr.getConfidence()).isGreaterThanOrEqualTo(40);
  }

  @Test
  void shouldRaiseTheSameFindingsWhicheverOrderReportsAndSignInsArriveIn() {
    // Given a laptop reported without EDR every four hours, and two users signing in on it; the
    // reports come from the posture topic and the sign-ins through the device repartition, each
    // stream in its own order, interleaved differently from run to run
    List<DeviceSignal> reports = new ArrayList<>();
    for (int h = 4; h <= 16; h += 4) {
      reports.add(
          DeviceSignal.ofPosture(
              compliant(MONDAY.plus(Duration.ofHours(h))).setEdrRunning(false).build()));
    }
    List<DeviceSignal> uses =
        List.of(
            usedBy("alice", MONDAY.plus(Duration.ofHours(2))),
            usedBy("bob", MONDAY.plus(Duration.ofHours(6))),
            usedBy("alice", MONDAY.plus(Duration.ofHours(9))),
            usedBy("bob", MONDAY.plus(Duration.ofHours(13))));

    // When every interleaving of the two streams is fed to a fresh detector
    Set<List<String>> outcomes = new LinkedHashSet<>();
    List<String> first = null;
    for (List<DeviceSignal> order : interleavings(reports, uses)) {
      DeviceFixtures.Device device =
          new DeviceFixtures.Device(List.of(new NonCompliantDetector(DetectorSettings.defaults())));
      order.forEach(device::feed);
      List<String> found =
          device.findings.stream()
              .map(f -> f.getSubjectId() + "@" + f.getTimestamp() + " " + f.getFindingId())
              .sorted()
              .toList();
      first = first == null ? found : first;
      outcomes.add(found);
    }

    // Then each user got one finding, stamped with the first report after which they used the
    // failing laptop (alice used it before the first report, bob after it), in every order
    assertThat(outcomes).hasSize(1);
    assertThat(first)
        .hasSize(2)
        .anySatisfy(f -> assertThat(f).startsWith("alice@" + MONDAY.plus(Duration.ofHours(4))))
        .anySatisfy(f -> assertThat(f).startsWith("bob@" + MONDAY.plus(Duration.ofHours(6))));
  }

  @Test
  void shouldEndWithTheSameFindingInEveryOrderOfReportSignInAndAccess() {
    // Given a report without EDR, then alice's sign-in (login topic) and, seconds later, her access
    // (access topic) on the laptop: the three reach the device task in any order
    Instant signInAt = MONDAY.plus(Duration.ofHours(10)).plusSeconds(5);
    DeviceSignal report =
        DeviceSignal.ofPosture(
            compliant(MONDAY.plus(Duration.ofHours(10))).setEdrRunning(false).build());
    DeviceSignal signIn =
        DeviceSignal.ofUsage(
            DeviceFixtures.LAPTOP,
            new DeviceUsage("alice", SubjectType.HUMAN, "sign-in", signInAt));
    DeviceSignal access =
        DeviceSignal.ofUsage(
            DeviceFixtures.LAPTOP,
            new DeviceUsage("alice", SubjectType.HUMAN, "access", signInAt.plusSeconds(4)));

    // When every order is fed to a fresh detector, keeping the last finding per id as fusion does
    Set<List<String>> outcomes = new LinkedHashSet<>();
    for (List<DeviceSignal> order : permutations(List.of(report, signIn, access))) {
      DeviceFixtures.Device device =
          new DeviceFixtures.Device(List.of(new NonCompliantDetector(DetectorSettings.defaults())));
      order.forEach(device::feed);
      Map<String, RiskFinding> kept = new TreeMap<>();
      device.findings.forEach(f -> kept.put(f.getFindingId(), f));
      outcomes.add(
          kept.values().stream()
              .map(
                  f ->
                      f.getSubjectId()
                          + "@"
                          + f.getTimestamp()
                          + " "
                          + f.getFindingId()
                          + " "
                          + f.getSourceEventIds())
              .toList());
    }

    // Then all six orders end with one finding for alice, with the same id, stamped with her
    // sign-in, the first moment she used the failing laptop
    assertThat(outcomes)
        .singleElement()
        .satisfies(
            found ->
                assertThat(found)
                    .singleElement()
                    .asString()
                    .startsWith("alice@" + signInAt)
                    .contains("sign-in"));
  }

  /** Every order of the given items. */
  private static <T> List<List<T>> permutations(List<T> items) {
    if (items.size() <= 1) {
      return List.of(items);
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T head = rest.remove(i);
      for (List<T> tail : permutations(rest)) {
        List<T> l = new ArrayList<>(List.of(head));
        l.addAll(tail);
        out.add(l);
      }
    }
    return out;
  }

  /** Every merge of two sequences that keeps each one's own order. */
  private static <T> List<List<T>> interleavings(List<T> a, List<T> b) {
    if (a.isEmpty() || b.isEmpty()) {
      List<T> rest = new ArrayList<>(a);
      rest.addAll(b);
      return List.of(rest);
    }
    List<List<T>> out = new ArrayList<>();
    for (List<T> tail : interleavings(a.subList(1, a.size()), b)) {
      List<T> l = new ArrayList<>(List.of(a.get(0)));
      l.addAll(tail);
      out.add(l);
    }
    for (List<T> tail : interleavings(a, b.subList(1, b.size()))) {
      List<T> l = new ArrayList<>(List.of(b.get(0)));
      l.addAll(tail);
      out.add(l);
    }
    return out;
  }
}
