package dev.vigil.risk.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.fusion.FusionResult;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.fusion.RiskFusion;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecisionEngineTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  private final RiskFusion fusion = new RiskFusion(FusionSettings.defaults());
  private final DecisionEngine engine = new DecisionEngine();
  private final Policy policy = PolicyParser.defaultPolicy();

  private SubjectRiskState subject(SubjectType type) {
    SubjectRiskState s = new SubjectRiskState();
    s.subjectId = "subject-1";
    s.subjectType = type;
    return s;
  }

  private Optional<Decision> raise(SubjectRiskState s, String id, double score, Instant at) {
    fusion.add(
        s,
        Findings.finding("test.detector", s.subjectId, s.subjectType, at)
            .score(score)
            .halfLife(Duration.ofHours(1))
            .summary("Something " + id + ".")
            .sourceEvents(id)
            .build());
    FusionResult r = fusion.recompute(s, at, 1.0);
    return engine.decide(policy, s, r, at);
  }

  @Test
  void shouldRevokeSessionsOfAHumanAtHighRisk() {
    Optional<Decision> d = raise(subject(SubjectType.HUMAN), "e1", 80, T0);
    assertThat(d).isPresent();
    assertThat(d.get().action()).isEqualTo(EnforcementAction.REVOKE_SESSIONS);
    assertThat(d.get().mode()).isEqualTo(DecisionMode.ENFORCE);
    assertThat(d.get().ruleId()).isEqualTo("revoke-high-risk-sessions");
    assertThat(d.get().expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(d.get().reason()).contains("high", "Something e1");
  }

  @Test
  void shouldOnlyAuditWorkloadQuarantineUnderTheDefaultPolicy() {
    Optional<Decision> d = raise(subject(SubjectType.WORKLOAD), "e1", 80, T0);
    assertThat(d).isPresent();
    assertThat(d.get().action()).isEqualTo(EnforcementAction.QUARANTINE_WORKLOAD);
    assertThat(d.get().mode()).isEqualTo(DecisionMode.AUDIT);
  }

  @Test
  void shouldGiveTheSameCommandIdForTheSameInput() {
    Decision a = raise(subject(SubjectType.HUMAN), "e1", 80, T0).orElseThrow();
    Decision b = raise(subject(SubjectType.HUMAN), "e1", 80, T0).orElseThrow();
    assertThat(a.commandId()).isEqualTo(b.commandId());
  }

  @Test
  void shouldNotStormCommandsWhenRiskHoversAtAThreshold() {
    // Given a subject whose risk oscillates around the medium/high boundary for two hours
    SubjectRiskState s = subject(SubjectType.HUMAN);
    List<Decision> decisions = new ArrayList<>();
    Instant at = T0;
    for (int i = 0; i < 24; i++) {
      at = at.plus(Duration.ofMinutes(5));
      double score = i % 2 == 0 ? 72 : 66;
      raise(s, "e" + i, score, at).ifPresent(decisions::add);
    }
    // Then there is one revocation, not one per crossing
    assertThat(decisions)
        .extracting(Decision::action)
        .containsOnlyOnce(EnforcementAction.REVOKE_SESSIONS)
        .doesNotContain(EnforcementAction.RESTORE);
  }

  @Test
  void shouldRestoreAfterARevocationOnceRiskHasFallen() {
    SubjectRiskState s = subject(SubjectType.HUMAN);
    Decision revoke = raise(s, "e1", 85, T0).orElseThrow();
    FusionResult later = fusion.recompute(s, T0.plus(Duration.ofHours(5)), 1.0);
    Optional<Decision> restore = engine.decide(policy, s, later, T0.plus(Duration.ofHours(5)));
    assertThat(restore).isPresent();
    assertThat(restore.get().action()).isEqualTo(EnforcementAction.RESTORE);
    assertThat(restore.get().commandId()).isNotEqualTo(revoke.commandId());
  }

  @Test
  void shouldNotRestoreWhatWasNeverRestricted() {
    SubjectRiskState s = subject(SubjectType.HUMAN);
    raise(s, "e1", 25, T0); // low: no rule acts
    FusionResult later = fusion.recompute(s, T0.plus(Duration.ofHours(5)), 1.0);
    assertThat(engine.decide(policy, s, later, T0.plus(Duration.ofHours(5)))).isEmpty();
  }
}
