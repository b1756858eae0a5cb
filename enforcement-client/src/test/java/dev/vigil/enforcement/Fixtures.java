package dev.vigil.enforcement;

import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.time.Instant;
import java.util.List;

final class Fixtures {

  static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  static final String ISSUER = "https://vigil.local";
  static final String AUDIENCE = "https://proxy.example.com";

  private Fixtures() {}

  static EnforcementCommand.Builder command(String id, String subject, EnforcementAction action) {
    return EnforcementCommand.newBuilder()
        .setCommandId(id)
        .setSubjectId(subject)
        .setSubjectType(SubjectType.HUMAN)
        .setAction(action)
        .setMode(DecisionMode.ENFORCE)
        .setReason("Sign-in from Sydney 40 minutes after Berlin.")
        .setIssuedAt(T0)
        .setExpiresAt(T0.plusSeconds(3600))
        .setPolicyId("vigil-default")
        .setPolicyVersion(1)
        .setRuleId("revoke-high-risk-sessions")
        .setRiskScore(91.5)
        .setRiskLevel(RiskLevel.CRITICAL)
        .setSessionIds(List.of());
  }

  static EnforcementCommand revoke(String id, String subject, String... sessions) {
    return command(id, subject, EnforcementAction.REVOKE_SESSIONS)
        .setSessionIds(List.of(sessions))
        .build();
  }
}
