package dev.vigil.enforcement;

import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An enforcement point's local view of Vigil's decisions: revoked sessions, subjects that must step
 * up (until the decision expires), quarantined workloads and devices, revoked grants.
 *
 * <p>Decisions come as commands or as verified SETs and are idempotent: the same command id (or,
 * for SETs without Vigil's claim, the same {@code jti}) applied twice is a counted no-op, so
 * consuming both the commands and the SETs topic is safe. {@code RESTORE} lifts step-up and
 * quarantine and un-revokes "all sessions"; individually revoked sessions and grants stay revoked,
 * as they never come back. Thread-safe: queries never block applies.
 */
public final class RevocationView {

  private static final int MAX_REMEMBERED_IDS = 100_000;

  private final Clock clock;
  private final Map<String, Set<String>> revokedSessions = new ConcurrentHashMap<>();
  private final Set<String> allSessionsRevoked = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> stepUpUntil = new ConcurrentHashMap<>();
  private final Map<String, Instant> quarantinedUntil = new ConcurrentHashMap<>();
  private final Set<String> revokedGrants = ConcurrentHashMap.newKeySet();
  private final Map<String, Boolean> seen =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_REMEMBERED_IDS;
        }
      };
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong ignored = new AtomicLong();

  /** A view on the system clock. */
  public RevocationView() {
    this(Clock.systemUTC());
  }

  /** A view on the given clock (for expiry). */
  public RevocationView(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * One decision, whichever way it arrived.
   *
   * @param dedupeKey the command id or {@code jti}
   * @param subjectId the subject
   * @param action what to do
   * @param sessionIds sessions to revoke (empty: all)
   * @param deviceId the device concerned, or null
   * @param grantId the grant concerned, or null
   * @param expiresAt when the restriction lapses, or null for never
   */
  public record Decision(
      String dedupeKey,
      String subjectId,
      EnforcementAction action,
      List<String> sessionIds,
      String deviceId,
      String grantId,
      Instant expiresAt) {

    /** Validates and copies. */
    public Decision {
      Objects.requireNonNull(dedupeKey, "dedupeKey");
      Objects.requireNonNull(subjectId, "subjectId");
      Objects.requireNonNull(action, "action");
      sessionIds = List.copyOf(sessionIds);
    }

    /** The decision of a command. */
    public static Decision of(EnforcementCommand c) {
      return new Decision(
          c.getCommandId(),
          c.getSubjectId(),
          c.getAction(),
          c.getSessionIds(),
          c.getDeviceId(),
          c.getGrantId(),
          c.getExpiresAt());
    }
  }

  /**
   * Applies a command. Audit-mode commands are ignored: enforcement points never act on them.
   *
   * @return true if it changed the view, false if it was a duplicate or ignored
   */
  public boolean apply(EnforcementCommand command) {
    if (command.getMode() != DecisionMode.ENFORCE) {
      ignored.incrementAndGet();
      return false;
    }
    return apply(Decision.of(command));
  }

  /**
   * Applies a verified SET. A Vigil SET applies the decision in its {@code vigil} claim; Vigil's
   * alert and finding SETs carry no decision and change nothing. A SET from another transmitter
   * applies its plain CAEP meaning: session-revoked, assurance-level increase → step-up, device
   * not-compliant → quarantine of the device, compliant → its restore; risk-level-change is
   * informational.
   *
   * @return true if it changed the view, false if it was a duplicate or carried no decision
   */
  public boolean apply(VerifiedSet set) {
    Decision decision = decisionOf(set);
    if (decision == null) {
      ignored.incrementAndGet();
      return false;
    }
    return apply(decision);
  }

  /**
   * Applies a decision once per dedupe key.
   *
   * @return true if it changed the view, false if the key was seen before
   */
  public boolean apply(Decision d) {
    synchronized (seen) {
      if (seen.putIfAbsent(d.dedupeKey(), Boolean.TRUE) != null) {
        duplicates.incrementAndGet();
        return false;
      }
    }
    Instant until = d.expiresAt() == null ? Instant.MAX : d.expiresAt();
    String subject = d.subjectId();
    switch (d.action()) {
      case REVOKE_SESSIONS -> {
        if (d.sessionIds().isEmpty()) {
          allSessionsRevoked.add(subject);
        } else {
          revokedSessions
              .computeIfAbsent(subject, k -> ConcurrentHashMap.newKeySet())
              .addAll(d.sessionIds());
        }
      }
      case STEP_UP -> stepUpUntil.merge(subject, until, RevocationView::later);
      case QUARANTINE_WORKLOAD -> quarantinedUntil.merge(subject, until, RevocationView::later);
      case QUARANTINE_DEVICE -> {
        quarantinedUntil.merge(subject, until, RevocationView::later);
        if (d.deviceId() != null) {
          quarantinedUntil.merge(d.deviceId(), until, RevocationView::later);
        }
      }
      case REVOKE_GRANT -> {
        if (d.grantId() != null) {
          revokedGrants.add(d.grantId());
        }
      }
      case RESTORE -> {
        stepUpUntil.remove(subject);
        quarantinedUntil.remove(subject);
        allSessionsRevoked.remove(subject);
        if (d.deviceId() != null) {
          quarantinedUntil.remove(d.deviceId());
        }
      }
      default -> {
        ignored.incrementAndGet();
        return false;
      }
    }
    applied.incrementAndGet();
    return true;
  }

  /** Whether a session of a subject was revoked (by id, or all of the subject's sessions). */
  public boolean isSessionRevoked(String subjectId, String sessionId) {
    if (allSessionsRevoked.contains(subjectId)) {
      return true;
    }
    Set<String> sessions = revokedSessions.get(subjectId);
    return sessions != null && sessions.contains(sessionId);
  }

  /** Whether the subject must step up authentication at {@code now}. */
  public boolean requiresStepUp(String subjectId, Instant now) {
    Instant until = stepUpUntil.get(subjectId);
    return until != null && now.isBefore(until);
  }

  /** Whether the subject must step up authentication now. */
  public boolean requiresStepUp(String subjectId) {
    return requiresStepUp(subjectId, clock.instant());
  }

  /** Whether the workload, device or subject is quarantined at {@code now}. */
  public boolean isQuarantined(String subjectOrDeviceId, Instant now) {
    Instant until = quarantinedUntil.get(subjectOrDeviceId);
    return until != null && now.isBefore(until);
  }

  /** Whether the workload, device or subject is quarantined now. */
  public boolean isQuarantined(String subjectOrDeviceId) {
    return isQuarantined(subjectOrDeviceId, clock.instant());
  }

  /** Whether the grant was revoked. */
  public boolean isGrantRevoked(String grantId) {
    return revokedGrants.contains(grantId);
  }

  /** Decisions that changed the view. */
  public long applied() {
    return applied.get();
  }

  /** Decisions seen before (same command id or jti), not applied again. */
  public long duplicates() {
    return duplicates.get();
  }

  /** Audit-mode commands and SETs with no decision for this view. */
  public long ignored() {
    return ignored.get();
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Decision decisionOf(VerifiedSet set) {
    String subject = set.subject().orElse(null);
    if (subject == null) {
      return null;
    }
    Map<String, Object> vigil = set.vigil().orElse(null);
    if (vigil != null) {
      // Vigil acts only on policy decisions; its alert and finding SETs are for information.
      return vigil.get("commandId") instanceof String commandId
              && vigil.get("action") instanceof String action
          ? vigilDecision(subject, commandId, action, vigil)
          : null;
    }
    return caepDecision(set, subject);
  }

  private static Decision vigilDecision(
      String subject, String commandId, String action, Map<String, Object> vigil) {
    EnforcementAction a;
    try {
      a = EnforcementAction.valueOf(action);
    } catch (IllegalArgumentException e) {
      return null;
    }
    List<String> sessions = new ArrayList<>();
    if (vigil.get("sessionIds") instanceof List<?> ids) {
      ids.forEach(id -> sessions.add(String.valueOf(id)));
    }
    Instant expires =
        vigil.get("expiresAt") instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
    return new Decision(
        commandId,
        subject,
        a,
        sessions,
        vigil.get("deviceId") instanceof String dev ? dev : null,
        vigil.get("grantId") instanceof String g ? g : null,
        expires);
  }

  /** A SET from another transmitter (no Vigil claim): its plain CAEP meaning. */
  private static Decision caepDecision(VerifiedSet set, String subject) {
    String key = "jti:" + set.jti();
    CaepEventType type = set.caepType().orElse(null);
    if (type == null) {
      return null;
    }
    String device = SubjectIds.member(set.subId(), "device").orElse(null);
    return switch (type) {
      case SESSION_REVOKED ->
          new Decision(
              key,
              subject,
              EnforcementAction.REVOKE_SESSIONS,
              SubjectIds.member(set.subId(), "session").map(List::of).orElse(List.of()),
              null,
              null,
              null);
      case ASSURANCE_LEVEL_CHANGE ->
          "increase".equals(set.event().get("change_direction"))
              ? new Decision(key, subject, EnforcementAction.STEP_UP, List.of(), null, null, null)
              : null;
      // A device's compliance is about the device: quarantine it, not the user who used it.
      case DEVICE_COMPLIANCE_CHANGE ->
          new Decision(
              key,
              device != null ? device : subject,
              "not-compliant".equals(set.event().get("current_status"))
                  ? EnforcementAction.QUARANTINE_DEVICE
                  : EnforcementAction.RESTORE,
              List.of(),
              null,
              null,
              null);
      default -> null;
    };
  }
}
