package dev.vigil.risk.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.Findings;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RiskFusionTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  private final RiskFusion fusion = new RiskFusion(FusionSettings.defaults());

  private static RiskFinding finding(String detector, double score, Instant at, Duration halfLife) {
    return Findings.finding(detector, "alice", SubjectType.HUMAN, at)
        .score(score)
        .confidence(1)
        .halfLife(halfLife)
        .summary(detector + " fired.")
        .sourceEvents(detector + "-event")
        .build();
  }

  private static SubjectRiskState state() {
    SubjectRiskState s = new SubjectRiskState();
    s.subjectId = "alice";
    return s;
  }

  @Test
  void shouldLetOneStrongSignalDominate() {
    // Given one strong finding
    SubjectRiskState s = state();
    fusion.add(s, finding("login.impossible-travel", 90, T0, Duration.ofHours(6)));
    // When fused at once
    FusionResult r = fusion.recompute(s, T0, 1.0);
    // Then the score is the finding's score
    assertThat(r.score()).isEqualTo(90.0);
    assertThat(r.level()).isEqualTo(RiskLevel.CRITICAL);
    assertThat(r.contributions()).hasSize(1);
    assertThat(r.sourceEventIds()).containsExactly("login.impossible-travel-event");
  }

  @Test
  void shouldAddUpManyWeakSignalsWithoutSaturating() {
    // Given twelve weak findings from different detectors
    SubjectRiskState s = state();
    for (int i = 0; i < 12; i++) {
      fusion.add(s, finding("weak." + i, 30, T0, Duration.ofHours(6)));
    }
    FusionResult r = fusion.recompute(s, T0, 1.0);
    // Then together they count for more than one, but stay far from critical
    assertThat(r.score()).isGreaterThan(40).isLessThan(70);
    // And only the top five are reported
    assertThat(r.contributions()).hasSize(5);
  }

  @Test
  void shouldNotStackRepeatedFindingsOfOneDetector() {
    // Given the same detector firing five times
    SubjectRiskState s = state();
    for (int i = 0; i < 5; i++) {
      fusion.add(s, finding("login.brute-force", 50, T0.plusSeconds(i), Duration.ofHours(1)));
    }
    // Then it counts once
    assertThat(fusion.recompute(s, T0.plusSeconds(5), 1.0).score()).isCloseTo(50, within());
  }

  @Test
  void shouldHalveAFindingsWeightEveryHalfLifeAndForgetItEventually() {
    SubjectRiskState s = state();
    fusion.add(s, finding("login.impossible-travel", 80, T0, Duration.ofHours(1)));
    assertThat(fusion.recompute(s, T0.plus(Duration.ofHours(1)), 1.0).score())
        .isCloseTo(40, within());
    assertThat(fusion.recompute(s, T0.plus(Duration.ofHours(2)), 1.0).score())
        .isCloseTo(20, within());
    FusionResult late = fusion.recompute(s, T0.plus(Duration.ofHours(10)), 1.0);
    assertThat(late.score()).isZero();
    assertThat(s.findings).isEmpty();
  }

  @Test
  void shouldRaiseRiskOfCriticalSubjectsAsAnOddsModifier() {
    SubjectRiskState plain = state();
    SubjectRiskState critical = state();
    fusion.add(plain, finding("x", 50, T0, Duration.ofHours(1)));
    fusion.add(critical, finding("x", 50, T0, Duration.ofHours(1)));
    double base = fusion.recompute(plain, T0, 1.0).score();
    double raised = fusion.recompute(critical, T0, 2.0).score();
    // Odds 1:1 doubled to 2:1 is two thirds
    assertThat(base).isEqualTo(50.0);
    assertThat(raised).isCloseTo(66.7, within());
  }

  @Test
  void shouldKeepTheNumberOfActiveFindingsBounded() {
    SubjectRiskState s = state();
    for (int i = 0; i < 1000; i++) {
      fusion.add(s, finding("d" + (i % 50), 10 + i % 60, T0.plusSeconds(i), Duration.ofHours(1)));
    }
    assertThat(s.findings).hasSizeLessThanOrEqualTo(FusionSettings.defaults().maxFindings());
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(0.2);
  }

  @Test
  void shouldScaleOddsByTheSubjectsCriticality() {
    // Given the same finding on subjects of each criticality
    java.util.Map<dev.vigil.schema.Criticality, Double> scores =
        new java.util.EnumMap<>(dev.vigil.schema.Criticality.class);
    for (dev.vigil.schema.Criticality c : dev.vigil.schema.Criticality.values()) {
      SubjectRiskState s = new SubjectRiskState();
      s.subjectId = "s";
      s.criticality = c;
      fusion.add(s, finding("d1", 50, T0, Duration.ofHours(1)));
      scores.put(c, fusion.recompute(s, T0).score());
    }

    // Then the order follows criticality and medium is neutral
    assertThat(scores.get(dev.vigil.schema.Criticality.MEDIUM)).isCloseTo(50, within());
    assertThat(scores.get(dev.vigil.schema.Criticality.LOW)).isLessThan(50);
    assertThat(scores.get(dev.vigil.schema.Criticality.HIGH)).isBetween(55.0, 70.0);
    assertThat(scores.get(dev.vigil.schema.Criticality.CRITICAL)).isGreaterThanOrEqualTo(70.0);
  }

  @Test
  void shouldAddUpIndependentRepeatsOfOneDetectorUpToACap() {
    // Given a slow insider: one restricted document a day for five days (score 30 each)
    SubjectRiskState slow = state();
    for (int day = 0; day < 5; day++) {
      fusion.add(
          slow,
          finding("access.first-resource", 30, T0.plus(Duration.ofDays(day)), Duration.ofDays(7)));
    }
    // and the same detector re-firing five times within a minute
    SubjectRiskState burst = state();
    for (int i = 0; i < 5; i++) {
      fusion.add(
          burst, finding("access.first-resource", 30, T0.plusSeconds(i), Duration.ofDays(7)));
    }
    Instant end = T0.plus(Duration.ofDays(4));

    // Then the slow, independent evidence counts for more than one finding, but at most double
    double slowScore = fusion.recompute(slow, end, 1.0).score();
    double single = 30 * Math.pow(2, -4.0 / 7);
    assertThat(slowScore).isGreaterThan(single * 1.3).isLessThanOrEqualTo(60);
    // and the burst counts once
    assertThat(fusion.recompute(burst, end, 1.0).score()).isCloseTo(single, within());
  }

  @Test
  void shouldRescoreAStateExactlyAsRecomputeDoesAndDescribeItOnlyWhenAsked() {
    // Given two copies of a subject with findings of several detectors, one about to decay away
    SubjectRiskState a = state();
    SubjectRiskState b = state();
    for (SubjectRiskState s : java.util.List.of(a, b)) {
      fusion.add(s, finding("login.impossible-travel", 80, T0, Duration.ofHours(6)));
      fusion.add(s, finding("access.first-resource", 40, T0.plusSeconds(60), Duration.ofHours(2)));
      fusion.add(s, finding("login.new-device", 30, T0.plusSeconds(120), Duration.ofMinutes(5)));
      s.level = RiskLevel.CRITICAL;
    }
    Instant later = T0.plus(Duration.ofHours(3));

    // When one is recomputed and the other only rescored, three hours later
    FusionResult recomputed = fusion.recompute(a, later);
    RiskFusion.Rescored rescored = fusion.rescore(b, later);

    // Then both states are the same: decayed finding dropped, score, level and clock moved
    assertThat(SubjectRiskStateCodec.encode(b)).isEqualTo(SubjectRiskStateCodec.encode(a));
    assertThat(b.findings).hasSize(2);
    assertThat(b.updatedAtMillis).isEqualTo(later.toEpochMilli());
    // And the rescore reports the same score and level change, and describes the same result
    assertThat(rescored.score()).isEqualTo(recomputed.score());
    assertThat(rescored.levelChanged()).isEqualTo(recomputed.levelChanged()).isTrue();
    assertThat(rescored.result()).isEqualTo(recomputed);
  }
}
