package dev.vigil.risk.decision;

import dev.vigil.risk.fusion.FusionResult;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Maps a subject's fused risk to a decision under a policy. Decisions are taken when the level
 * changes (the level already carries hysteresis) and, while a level whose rule revokes sessions
 * holds, for each new session; a rule's cooldown stops the same action being repeated; a falling
 * level only restores, and a restore only follows a restrictive action.
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
    boolean falling = risk.level().compareTo(risk.previousLevel()) < 0;
    for (PolicyRule rule : policy.rules()) {
      if (rule.onGrantExpiry() || !matches(rule, state, risk)) {
        continue;
      }
      if (rule.action() == EnforcementAction.NONE) {
        return Optional.empty();
      }
      // Falling risk only ever lifts restrictions: passing through medium on the way down after a
      // revocation is no reason for a new step-up.
      if (falling && rule.action() != EnforcementAction.RESTORE) {
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
      String commandId = commandId(state.subjectId, rule, policy, trigger);
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

  /**
   * Decides for a session opened while the subject's risk holds still: if the rule that matches the
   * subject's current level (the same rule a level change would pick, cooldown aside) revokes
   * sessions, the new session is revoked too, so revocation follows the attacker and not only the
   * level change. The command id depends on the subject, rule, policy version and session, so the
   * same session is never revoked twice. The decision memory is left as is (no cooldown restarts).
   *
   * @param policy the policy in force
   * @param state the subject's state, fused up to the session's time
   * @param sessionId the new session
   * @param now decision time
   */
  public Optional<Decision> decideNewSession(
      Policy policy, SubjectRiskState state, String sessionId, Instant now) {
    if (state.level == null || state.level == RiskLevel.NONE) {
      return Optional.empty();
    }
    Set<String> detectors = new TreeSet<>();
    state.findings.forEach(f -> detectors.add(f.detectorId));
    for (PolicyRule rule : policy.rules()) {
      if (rule.onGrantExpiry() || !matches(rule, state, state.level, detectors)) {
        continue;
      }
      if (rule.action() != EnforcementAction.REVOKE_SESSIONS) {
        return Optional.empty();
      }
      String reason =
          String.format(
              Locale.ROOT,
              "New session %s opened while risk is %s (%.0f); rule '%s' revokes sessions at this"
                  + " level.",
              sessionId,
              state.level.name().toLowerCase(Locale.ROOT),
              state.score,
              rule.id());
      return Optional.of(
          new Decision(
              commandId(state.subjectId, rule, policy, "session:" + sessionId),
              rule.action(),
              rule.mode(),
              policy.policyId(),
              policy.version(),
              rule.id(),
              reason,
              rule.ttl() == null ? null : now.plus(rule.ttl())));
    }
    return Optional.empty();
  }

  /**
   * Decides what to do about an expired JIT grant: the first {@code REVOKE_GRANT} rule matching the
   * holder's kind and criticality. The command id depends only on the grant, its expiry and the
   * policy version, so re-processing the same expiry never yields a second command.
   *
   * @param policy the policy in force
   * @param grant the expired grant
   * @param now decision time
   */
  public Optional<Decision> decideGrantExpiry(Policy policy, GrantExpiry grant, Instant now) {
    for (PolicyRule rule : policy.rules()) {
      if (!rule.onGrantExpiry()
          || !matchesSubject(rule, grant.subjectType(), grant.criticality())) {
        continue;
      }
      String trigger = grant.grantId() + "@" + grant.expiresAt().toEpochMilli();
      String reason =
          String.format(
              Locale.ROOT,
              "Just-in-time grant %s (%s on %s) expired at %s; rule '%s'.",
              grant.grantId(),
              grant.privilege(),
              grant.resource(),
              grant.expiresAt(),
              rule.id());
      return Optional.of(
          new Decision(
              commandId(grant.subjectId(), rule, policy, trigger),
              rule.action(),
              rule.mode(),
              policy.policyId(),
              policy.version(),
              rule.id(),
              reason,
              null));
    }
    return Optional.empty();
  }

  private static String commandId(String subject, PolicyRule rule, Policy policy, String trigger) {
    return UUID.nameUUIDFromBytes(
            String.join(
                    "|",
                    subject,
                    rule.action().name(),
                    policy.policyId(),
                    Integer.toString(policy.version()),
                    rule.id(),
                    trigger)
                .getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static boolean matchesSubject(
      PolicyRule rule, SubjectType type, Criticality criticality) {
    return (rule.subjectTypes().isEmpty() || rule.subjectTypes().contains(type))
        && (rule.criticalities().isEmpty() || rule.criticalities().contains(criticality));
  }

  private static boolean matches(PolicyRule rule, SubjectRiskState state, FusionResult risk) {
    Set<String> detectors = new TreeSet<>();
    risk.contributions().forEach(c -> detectors.add(c.getDetectorId()));
    state.findings.forEach(f -> detectors.add(f.detectorId));
    return matches(rule, state, risk.level(), detectors);
  }

  private static boolean matches(
      PolicyRule rule, SubjectRiskState state, RiskLevel level, Set<String> detectors) {
    if (rule.minLevel() != null && level.compareTo(rule.minLevel()) < 0) {
      return false;
    }
    if (rule.maxLevel() != null && level.compareTo(rule.maxLevel()) > 0) {
      return false;
    }
    if (!matchesSubject(rule, state.subjectType, state.criticality)) {
      return false;
    }
    if (!rule.afterActions().isEmpty()
        && (state.lastAction == null || !rule.afterActions().contains(state.lastAction))) {
      return false;
    }
    if (!rule.detectorsAny().isEmpty()) {
      return detectors.stream().anyMatch(rule.detectorsAny()::contains);
    }
    return true;
  }

  private static boolean inCooldown(PolicyRule rule, SubjectRiskState state, Instant now) {
    return rule.cooldown() != null
        && state.lastAction == rule.action()
        && now.toEpochMilli() - state.lastActionAtMillis < rule.cooldown().toMillis();
  }

  private static String reason(PolicyRule rule, FusionResult risk) {
    String evidence = RiskOutputs.evidence(risk);
    return String.format(
        Locale.ROOT,
        "Risk %s (%.0f), was %s; rule '%s'.%s",
        risk.level().name().toLowerCase(Locale.ROOT),
        risk.score(),
        risk.previousLevel().name().toLowerCase(Locale.ROOT),
        rule.id(),
        evidence.isEmpty() ? "" : " " + evidence + ".");
  }
}
