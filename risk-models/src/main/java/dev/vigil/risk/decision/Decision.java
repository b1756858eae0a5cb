package dev.vigil.risk.decision;

import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import java.time.Instant;

/**
 * What the policy decided for a subject.
 *
 * @param commandId deterministic id: the same input yields the same id
 * @param action the action
 * @param mode audit or enforce
 * @param policyId policy id
 * @param policyVersion policy version
 * @param ruleId the rule that matched
 * @param reason one sentence for people
 * @param expiresAt when the command stops applying, or null
 */
public record Decision(
    String commandId,
    EnforcementAction action,
    DecisionMode mode,
    String policyId,
    int policyVersion,
    String ruleId,
    String reason,
    Instant expiresAt) {}
