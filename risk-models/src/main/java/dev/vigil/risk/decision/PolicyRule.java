package dev.vigil.risk.decision;

import dev.vigil.schema.Criticality;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.util.Set;

/**
 * One rule: when a subject's risk matches, take an action in a mode.
 *
 * @param id stable rule id, recorded on every decision
 * @param description one sentence for people
 * @param minLevel the rule applies at this level or above (null: any)
 * @param maxLevel the rule applies at this level or below (null: any)
 * @param subjectTypes subject kinds it applies to (empty: all)
 * @param detectorsAny applies only if one of these detectors contributes (empty: any)
 * @param criticalities applies only to subjects of these criticalities (empty: any)
 * @param afterActions applies only if the subject's last action is one of these (empty: any); how
 *     RESTORE rules say "after a revocation"
 * @param action what to do; a {@code REVOKE_GRANT} rule applies when a JIT grant expires, not to
 *     risk-level changes
 * @param mode audit (record only) or enforce
 * @param cooldown the same action is not repeated for the subject within this time
 * @param ttl how long the command applies, stated as its expiry
 */
public record PolicyRule(
    String id,
    String description,
    RiskLevel minLevel,
    RiskLevel maxLevel,
    Set<SubjectType> subjectTypes,
    Set<String> detectorsAny,
    Set<Criticality> criticalities,
    Set<EnforcementAction> afterActions,
    EnforcementAction action,
    DecisionMode mode,
    Duration cooldown,
    Duration ttl) {

  /** Copies the sets. */
  public PolicyRule {
    subjectTypes = subjectTypes == null ? Set.of() : Set.copyOf(subjectTypes);
    detectorsAny = detectorsAny == null ? Set.of() : Set.copyOf(detectorsAny);
    criticalities = criticalities == null ? Set.of() : Set.copyOf(criticalities);
    afterActions = afterActions == null ? Set.of() : Set.copyOf(afterActions);
  }

  /** Whether the rule fires on JIT grant expiry rather than on a risk-level change. */
  public boolean onGrantExpiry() {
    return action == EnforcementAction.REVOKE_GRANT;
  }
}
