package dev.vigil.risk.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.fusion.FusionResult;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.fusion.RiskFusion;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.Criticality;
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
    FusionResult r = fusion.recompute(s, at);
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

  @Test
  void shouldRevokeSessionsOfACriticalSubjectThatAnOrdinarySubjectWouldOnlyStepUp() {
    // Given the same moderate evidence against an ordinary and a critical person
    SubjectRiskState ordinary = subject(SubjectType.HUMAN);
    SubjectRiskState critical = subject(SubjectType.HUMAN);
    critical.criticality = Criticality.CRITICAL;

    // When both are scored
    Optional<Decision> forOrdinary = raise(ordinary, "e1", 45, T0);
    Optional<Decision> forCritical = raise(critical, "e1", 45, T0);

    // Then criticality raises the score and selects the stricter rule
    assertThat(critical.score).isGreaterThan(ordinary.score);
    assertThat(forOrdinary).map(Decision::action).contains(EnforcementAction.STEP_UP);
    assertThat(forCritical).map(Decision::ruleId).contains("revoke-critical-asset-sessions");
    assertThat(forCritical).map(Decision::action).contains(EnforcementAction.REVOKE_SESSIONS);
  }

  @Test
  void shouldRevokeAnExpiredGrantWithTheSameCommandIdEveryTime() {
    // Given a grant that expired
    GrantExpiry grant =
        new GrantExpiry(
            "grant-7",
            "carol@corp.example",
            SubjectType.HUMAN,
            Criticality.MEDIUM,
            "db/payments",
            "admin",
            T0,
            "ev-grant-7");

    // When the expiry is decided twice (a replay) and once for a later re-issued expiry
    Decision first = engine.decideGrantExpiry(policy, grant, T0.plusSeconds(5)).orElseThrow();
    Decision again = engine.decideGrantExpiry(policy, grant, T0.plusSeconds(60)).orElseThrow();
    GrantExpiry extended =
        new GrantExpiry(
            "grant-7",
            "carol@corp.example",
            SubjectType.HUMAN,
            Criticality.MEDIUM,
            "db/payments",
            "admin",
            T0.plus(Duration.ofHours(1)),
            "ev-grant-7b");
    Decision later =
        engine.decideGrantExpiry(policy, extended, T0.plus(Duration.ofHours(1))).orElseThrow();

    // Then it is an enforced REVOKE_GRANT with a stable id per expiry
    assertThat(first.action()).isEqualTo(EnforcementAction.REVOKE_GRANT);
    assertThat(first.mode()).isEqualTo(DecisionMode.ENFORCE);
    assertThat(first.ruleId()).isEqualTo("revoke-expired-grants");
    assertThat(first.reason()).contains("grant-7", "db/payments", "expired");
    assertThat(again.commandId()).isEqualTo(first.commandId());
    assertThat(later.commandId()).isNotEqualTo(first.commandId());
  }

  @Test
  void shouldNeverUseAGrantRuleForARiskChangeNorARiskRuleForAGrant() {
    // Given a policy whose only rule revokes grants, and one with only risk rules
    Policy grantsOnly =
        PolicyParser.parse(
            """
            policyId: grants-only
            version: 1
            rules:
              - id: revoke-grants
                action: revoke_grant
            """);
    Policy riskOnly =
        PolicyParser.parse(
            """
            policyId: risk-only
            version: 1
            rules:
              - id: revoke
                action: revoke_sessions
            """);
    SubjectRiskState s = subject(SubjectType.HUMAN);
    fusion.add(
        s,
        Findings.finding("test.detector", s.subjectId, s.subjectType, T0)
            .score(85)
            .halfLife(Duration.ofHours(1))
            .summary("Something.")
            .sourceEvents("e1")
            .build());
    FusionResult high = fusion.recompute(s, T0);
    GrantExpiry grant = new GrantExpiry("g", "s", SubjectType.HUMAN, null, "r", "read", T0, "e");

    // When each is asked about the other kind of event
    // Then neither decides
    assertThat(engine.decide(grantsOnly, s, high, T0)).isEmpty();
    assertThat(engine.decideGrantExpiry(riskOnly, grant, T0)).isEmpty();
  }
}
