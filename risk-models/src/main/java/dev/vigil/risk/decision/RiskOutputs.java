package dev.vigil.risk.decision;

import dev.vigil.risk.fusion.FusionResult;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.Contribution;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectRisk;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Builds the pipeline's output records from a subject's fused risk and decision. */
public final class RiskOutputs {

  private RiskOutputs() {}

  /** The subject's current risk, for the compacted scores topic. */
  public static SubjectRisk subjectRisk(SubjectRiskState state, FusionResult risk, Instant at) {
    return SubjectRisk.newBuilder()
        .setSubjectId(state.subjectId)
        .setSubjectType(state.subjectType)
        .setScore(risk.score())
        .setLevel(risk.level())
        .setPreviousLevel(risk.previousLevel())
        .setUpdatedAt(at)
        .setContributions(risk.contributions())
        .setSourceEventIds(risk.sourceEventIds())
        .setCriticality(state.criticality)
        .build();
  }

  /**
   * The command for a decision; the sessions to revoke are the subject's open sessions.
   *
   * @param decision the decision
   * @param state the subject's state
   * @param risk the fusion result behind the decision
   * @param at issue time
   */
  public static EnforcementCommand command(
      Decision decision, SubjectRiskState state, FusionResult risk, Instant at) {
    return command(decision, state, risk, at, state.sessions.keySet());
  }

  /**
   * The command for a decision naming the given sessions (if it revokes sessions).
   *
   * @param decision the decision
   * @param state the subject's state
   * @param risk the fusion result behind the decision
   * @param at issue time
   * @param revoked the sessions a {@code REVOKE_SESSIONS} command names
   */
  public static EnforcementCommand command(
      Decision decision,
      SubjectRiskState state,
      FusionResult risk,
      Instant at,
      java.util.Collection<String> revoked) {
    List<String> sessions =
        decision.action() == EnforcementAction.REVOKE_SESSIONS
            ? new ArrayList<>(revoked)
            : List.of();
    List<String> findingIds = new ArrayList<>();
    for (Contribution c : risk.contributions()) {
      findingIds.add(c.getFindingId());
    }
    return EnforcementCommand.newBuilder()
        .setCommandId(decision.commandId())
        .setSubjectId(state.subjectId)
        .setSubjectType(state.subjectType)
        .setAction(decision.action())
        .setMode(decision.mode())
        .setReason(decision.reason())
        .setIssuedAt(at)
        .setExpiresAt(decision.expiresAt())
        .setPolicyId(decision.policyId())
        .setPolicyVersion(decision.policyVersion())
        .setRuleId(decision.ruleId())
        .setRiskScore(risk.score())
        .setRiskLevel(risk.level())
        .setSessionIds(sessions)
        .setFindingIds(findingIds)
        .setSourceEventIds(risk.sourceEventIds())
        .build();
  }

  /**
   * The command revoking one session opened while the subject's level revokes sessions.
   *
   * @param decision the decision
   * @param state the subject's state
   * @param sessionId the session
   * @param at issue time
   */
  public static EnforcementCommand sessionCommand(
      Decision decision, SubjectRiskState state, String sessionId, Instant at) {
    List<String> findingIds = new ArrayList<>();
    List<String> eventIds = new ArrayList<>();
    for (var f : state.findings) {
      findingIds.add(f.findingId);
      for (String id : f.sourceEventIds) {
        if (!eventIds.contains(id)) {
          eventIds.add(id);
        }
      }
    }
    return EnforcementCommand.newBuilder()
        .setCommandId(decision.commandId())
        .setSubjectId(state.subjectId)
        .setSubjectType(state.subjectType)
        .setAction(decision.action())
        .setMode(decision.mode())
        .setReason(decision.reason())
        .setIssuedAt(at)
        .setExpiresAt(decision.expiresAt())
        .setPolicyId(decision.policyId())
        .setPolicyVersion(decision.policyVersion())
        .setRuleId(decision.ruleId())
        .setRiskScore(state.score)
        .setRiskLevel(state.level)
        .setSessionIds(List.of(sessionId))
        .setFindingIds(findingIds)
        .setSourceEventIds(eventIds)
        .build();
  }

  /** The command revoking an expired JIT grant. */
  public static EnforcementCommand grantRevocation(
      Decision decision, GrantExpiry grant, Instant at) {
    return EnforcementCommand.newBuilder()
        .setCommandId(decision.commandId())
        .setSubjectId(grant.subjectId())
        .setSubjectType(grant.subjectType())
        .setAction(decision.action())
        .setMode(decision.mode())
        .setReason(decision.reason())
        .setIssuedAt(at)
        .setExpiresAt(decision.expiresAt())
        .setPolicyId(decision.policyId())
        .setPolicyVersion(decision.policyVersion())
        .setRuleId(decision.ruleId())
        .setRiskScore(0)
        .setRiskLevel(RiskLevel.NONE)
        .setGrantId(grant.grantId())
        .setSourceEventIds(
            grant.sourceEventId() == null ? List.of() : List.of(grant.sourceEventId()))
        .build();
  }

  /**
   * The alert for a level change, with the decision taken if any.
   *
   * @param decision the decision, or null
   */
  public static RiskAlert alert(
      SubjectRiskState state, FusionResult risk, Decision decision, Instant at) {
    String alertId =
        UUID.nameUUIDFromBytes(
                (state.subjectId
                        + '|'
                        + risk.previousLevel()
                        + '>'
                        + risk.level()
                        + '|'
                        + (risk.contributions().isEmpty()
                            ? at.toEpochMilli()
                            : risk.contributions().get(0).getFindingId()))
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    return RiskAlert.newBuilder()
        .setAlertId(alertId)
        .setSubjectId(state.subjectId)
        .setSubjectType(state.subjectType)
        .setTimestamp(at)
        .setScore(risk.score())
        .setLevel(risk.level())
        .setPreviousLevel(risk.previousLevel())
        .setHeadline(headline(state, risk, decision))
        .setContributions(risk.contributions())
        .setSourceEventIds(risk.sourceEventIds())
        .setAction(decision == null ? EnforcementAction.NONE : decision.action())
        .setMode(decision == null ? null : decision.mode())
        .setCommandId(decision == null ? null : decision.commandId())
        .setFindingCount(risk.findingCount())
        .setWindowStart(risk.windowStart())
        .setWindowEnd(risk.windowEnd())
        .setTargets(risk.targets())
        .setTargetCount(risk.targetCount())
        .build();
  }

  private static String headline(SubjectRiskState state, FusionResult risk, Decision decision) {
    boolean up = risk.level().compareTo(risk.previousLevel()) > 0;
    StringBuilder sb =
        new StringBuilder()
            .append(state.subjectId)
            .append(up ? " rose to " : " fell to ")
            .append(risk.level().name().toLowerCase(Locale.ROOT))
            .append(String.format(Locale.ROOT, " risk (%.0f)", risk.score()));
    String evidence = evidence(risk);
    if (!evidence.isEmpty()) {
      sb.append(": ").append(evidence);
    }
    sb.append('.');
    if (decision != null) {
      String verb = verb(decision.action());
      sb.append(
          decision.mode() == DecisionMode.AUDIT
              ? " Would have " + verb + " (audit mode)."
              : " Action: " + verb + ".");
    }
    return sb.toString();
  }

  /**
   * Every contributing detector in order of weight with its finding count, then the totals, the
   * window and the targets named, for alert headlines and decision reasons. Counts are true totals
   * over all active findings; the same risk gives the same text.
   */
  public static String evidence(FusionResult risk) {
    if (risk.contributions().isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < risk.contributions().size(); i++) {
      Contribution c = risk.contributions().get(i);
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(stripPeriod(c.getSummary()))
          .append(
              String.format(
                  Locale.ROOT, " [%s, weight %.0f", c.getDetectorId(), c.getCurrentScore()));
      int n = risk.findingsPerDetector().getOrDefault(c.getDetectorId(), 1);
      if (n > 1) {
        sb.append(", ").append(n).append(" findings");
      }
      sb.append(']');
    }
    int unlisted = risk.detectorCount() - risk.contributions().size();
    if (unlisted > 0) {
      sb.append("; and ")
          .append(unlisted)
          .append(unlisted == 1 ? " more detector" : " more detectors");
    }
    sb.append(". ")
        .append(risk.findingCount())
        .append(risk.findingCount() == 1 ? " finding from " : " findings from ")
        .append(risk.detectorCount())
        .append(risk.detectorCount() == 1 ? " detector" : " detectors");
    if (risk.windowStart() != null && risk.windowEnd() != null) {
      if (risk.windowStart().equals(risk.windowEnd())) {
        sb.append(" at ").append(risk.windowStart());
      } else {
        sb.append(" between ").append(risk.windowStart()).append(" and ").append(risk.windowEnd());
      }
    }
    if (risk.targetCount() > 0) {
      sb.append("; targets: ").append(String.join(", ", risk.targets()));
      int more = risk.targetCount() - risk.targets().size();
      if (more > 0) {
        sb.append(" and ").append(more).append(" more");
      }
      sb.append(" (").append(risk.targetCount()).append(" in all)");
    }
    return sb.toString();
  }

  private static String stripPeriod(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** A past-tense verb phrase for an action, for people. */
  public static String verb(EnforcementAction action) {
    return switch (action) {
      case STEP_UP -> "required step-up authentication";
      case REVOKE_SESSIONS -> "revoked all sessions";
      case QUARANTINE_WORKLOAD -> "quarantined the workload";
      case QUARANTINE_DEVICE -> "quarantined the device";
      case REVOKE_GRANT -> "revoked the access grant";
      case RESTORE -> "restored access";
      default -> "taken no action";
    };
  }
}
