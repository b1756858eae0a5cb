package dev.vigil.risk.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.fusion.FusionResult;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.fusion.RiskFusion;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RiskOutputsTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");

  private static RiskFinding finding(
      String detector, double score, Instant at, String evidenceKey, String target) {
    return Findings.finding(detector, "mallory", SubjectType.HUMAN, at)
        .score(score)
        .confidence(1)
        .halfLife(Duration.ofDays(2))
        .summary(detector + " fired on " + target + ".")
        .evidence(evidenceKey, target)
        .sourceEvents(detector + "@" + at)
        .build();
  }

  private static RiskAlert alertFor(SubjectRiskState s) {
    RiskFusion fusion = new RiskFusion(FusionSettings.defaults());
    s.subjectId = "mallory";
    fusion.add(s, finding("login.threat-intel-ip", 35, T0, "ip", "203.0.113.9"));
    for (int day = 0; day < 4; day++) {
      Instant at = T0.plus(Duration.ofHours(6 * day + 1));
      fusion.add(s, finding("access.first-resource", 30, at, "resource", "hr/salaries-" + day));
    }
    fusion.add(s, finding("login.new-device", 20, T0.plusSeconds(30), "device", "dev-1"));
    Instant now = T0.plus(Duration.ofHours(20));
    FusionResult risk = fusion.recompute(s, now, 1.0);
    return RiskOutputs.alert(s, risk, null, now);
  }

  @Test
  void shouldListEveryContributingDetectorByWeightWithTrueTotalsTargetsAndWindow() {
    // Given a threat-intel sign-in, four restricted documents opened hours apart and a new device
    RiskAlert alert = alertFor(new SubjectRiskState());

    // Then the headline names every detector, heaviest first, and the true totals
    String h = alert.getHeadline();
    assertThat(h)
        .contains("access.first-resource, weight")
        .contains("4 findings]")
        .contains("login.threat-intel-ip")
        .contains("login.new-device")
        .contains("6 findings from 3 detectors")
        .contains("between 2026-11-02T08:00:00Z and 2026-11-03T03:00:00Z")
        .contains("hr/salaries-0")
        .contains("(4 in all)");
    assertThat(h.indexOf("access.first-resource")).isLessThan(h.indexOf("login.threat-intel-ip"));
    assertThat(h.indexOf("login.threat-intel-ip")).isLessThan(h.indexOf("login.new-device"));
    assertThat(alert.getFindingCount()).isEqualTo(6);
    assertThat(alert.getTargetCount()).isEqualTo(4);
    assertThat(alert.getContributions()).hasSize(3);
  }

  @Test
  void shouldWriteTheSameAlertForTheSameInput() {
    assertThat(alertFor(new SubjectRiskState())).isEqualTo(alertFor(new SubjectRiskState()));
  }
}
