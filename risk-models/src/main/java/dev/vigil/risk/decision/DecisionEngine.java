package dev.vigil.risk.decision;

import dev.vigil.risk.fusion.FusionResult;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.Contribution;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskLevel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Maps a subject's fused risk to a decision under a policy. Decisions are taken only when the level
 * changes (the level already carries hysteresis); a rule's cooldown stops the same action being
 * repeated; a restore only follows a restrictive action.
 */
public final class DecisionEngine {

  /**
   * Decides for a level change, updating the state's decision memory when a decision is taken.
   *
   * @param policy the policy in force
   * @param state the subject's state (after fusion)
   * @param risk the fusion result
   * @param now decision time
   */
  public Optional<Decision> decide(
      Policy policy, SubjectRiskState state, FusionResult risk, Instant now) {
    if (!risk.levelChanged()) {
      return Optional.empty();
    }
    for (PolicyRule rule : policy.rules()) {
      if (!matches(rule, state, risk)) {
        continue;
      }
      if (rule.action() == EnforcementAction.NONE) {
        return Optional.empty();
      }
      if (inCooldown(rule, state, now)) {
        return Optional.empty();
      }
      String trigger =
          rule.action() == EnforcementAction.RESTORE
              ? String.valueOf(state.lastCommandId)
              : risk.contributions().isEmpty()
                  ? risk.level().name()
                  : risk.contributions().get(0).getFindingId();
      String commandId =
          UUID.nameUUIDFromBytes(
                  String.join(
                          "|",
                          state.subjectId,
                          rule.action().name(),
                          policy.policyId(),
                          Integer.toString(policy.version()),
                          rule.id(),
                          trigger)
                      .getBytes(StandardCharsets.UTF_8))
              .toString();
      Decision decision =
          new Decision(
              commandId,
              rule.action(),
              rule.mode(),
              policy.policyId(),
              policy.version(),
              rule.id(),
              reason(rule, risk),
              rule.ttl() == null ? null : now.plus(rule.ttl()));
      state.lastAction = rule.action();
      state.lastRuleId = rule.id();
      state.lastActionAtMillis = now.toEpochMilli();
      if (rule.action() != EnforcementAction.RESTORE) {
        state.lastCommandId = commandId;
      }
      return Optional.of(decision);
    }
    return Optional.empty();
  }

  private static boolean matches(PolicyRule rule, SubjectRiskState state, FusionResult risk) {
    RiskLevel level = risk.level();
    if (rule.minLevel() != null && level.compareTo(rule.minLevel()) < 0) {
      return false;
    }
    if (rule.maxLevel() != null && level.compareTo(rule.maxLevel()) > 0) {
      return false;
    }
    if (!rule.subjectTypes().isEmpty() && !rule.subjectTypes().contains(state.subjectType)) {
      return false;
    }
    if (!rule.afterActions().isEmpty()
        && (state.lastAction == null || !rule.afterActions().contains(state.lastAction))) {
      return false;
    }
    if (!rule.detectorsAny().isEmpty()) {
      List<Contribution> cs = risk.contributions();
      return cs.stream().anyMatch(c -> rule.detectorsAny().contains(c.getDetectorId()));
    }
    return true;
  }

  private static boolean inCooldown(PolicyRule rule, SubjectRiskState state, Instant now) {
    return rule.cooldown() != null
        && state.lastAction == rule.action()
        && now.toEpochMilli() - state.lastActionAtMillis < rule.cooldown().toMillis();
  }

  private static String reason(PolicyRule rule, FusionResult risk) {
    String top =
        risk.contributions().isEmpty() ? "" : " " + risk.contributions().get(0).getSummary();
    return String.format(
        Locale.ROOT,
        "Risk %s (%.0f), was %s; rule '%s'.%s",
        risk.level().name().toLowerCase(Locale.ROOT),
        risk.score(),
        risk.previousLevel().name().toLowerCase(Locale.ROOT),
        rule.id(),
        top);
  }
}
