package dev.vigil.risk.detect.access;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.GrantStatus;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Use of a just-in-time grant after it expired or was revoked, and allowed access without a grant
 * to a resource whose only grants have all lapsed: an enforcement gap or a bypass (the "standing
 * access after JIT elevation" checks of PAM products such as Entra PIM alerts).
 *
 * <p>Scores: revoked 70, expired 60, lapsed (no grant at all) 45; 15 more when the access writes or
 * touches restricted data, so using an expired privileged grant reaches medium risk on its own.
 *
 * <p>The subject's grants are kept newest first up to a cap. A revocation carries no time of its
 * own, so it takes effect from the subject's event-time watermark when the revocation is seen: an
 * access stamped before that is not blamed on it.
 *
 * <p>Grants and accesses come from different topics, so an access may be processed before the grant
 * it names. Such an access is kept and judged at its own time when the grant arrives, so the same
 * events give the same findings in either order. A subject's grants come from one partition in
 * order, so the wait ends once a grant issued {@code allowed-lateness} after the access has been
 * seen; whatever the grants' lag, at most {@value #PENDING_USES} accesses wait, for at most {@link
 * #MAX_WAIT} of the subject's event time.
 */
public final class ExpiredGrantDetector
    implements Detector<AccessSignal, ExpiredGrantDetector.State> {

  /** Detector id. */
  public static final String ID = "access.expired-grant";

  private static final int REPORTED = 8;
  private static final int PENDING_USES = 8;

  /** How far the subject's events may run ahead of an access still waiting for its grant. */
  static final Duration MAX_WAIT = Duration.ofHours(1);

  private final int capacity;
  private final long graceMillis;
  private final long repeatMillis;
  private final Duration halfLife;
  private final long latenessMillis;

  /**
   * Reads {@code capacity} (16 grants), {@code grace} (2m clock-skew allowance after expiry),
   * {@code repeat-interval} (1h: how long the same grant or resource is not reported again), {@code
   * half-life} (12h), {@code allowed-lateness} (5m: how far the subject's grants move past an
   * access naming an unknown grant before it stops waiting for it).
   */
  public ExpiredGrantDetector(DetectorSettings settings) {
    this.capacity = Math.max(1, settings.getInt(ID + ".capacity", 16));
    this.graceMillis = settings.getDuration(ID + ".grace", Duration.ofMinutes(2)).toMillis();
    this.repeatMillis =
        settings.getDuration(ID + ".repeat-interval", Duration.ofHours(1)).toMillis();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
    this.latenessMillis =
        settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis();
  }

  /**
   * One grant as last seen; times in epoch milliseconds. Encoded as a positional array to stay
   * small: new fields go at the end of the order.
   */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"grantId", "resource", "grantedAt", "expiresAt", "revokedFrom", "eventId"})
  public static final class Grant {
    String grantId;
    int resource;
    long grantedAt;
    long expiresAt;
    Long revokedFrom;
    String eventId;

    long revokedFrom() {
      return revokedFrom == null ? Long.MAX_VALUE : revokedFrom;
    }
  }

  /**
   * An allowed access naming a grant not known when it was processed, kept until the grant arrives
   * or the allowed lateness passes. Positional, as {@link Grant}.
   */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"grantId", "at", "eventId", "resource", "privileged", "subjectType"})
  public static final class PendingUse {
    String grantId;
    long at;
    String eventId;
    String resource;
    boolean privileged;
    String subjectType;
  }

  /**
   * The subject's recent grants, its event-time watermark, what was reported recently and the
   * accesses waiting for their grant.
   */
  public static final class State {
    List<Grant> grants = new ArrayList<>();
    long watermark = Long.MIN_VALUE;
    RecencySet reported = new RecencySet();
    List<PendingUse> pending = new ArrayList<>();
    long grantsUpTo = Long.MIN_VALUE;
  }

  /** One allowed access, as this detector judges it. */
  private record Use(
      String subjectId,
      SubjectType subjectType,
      long at,
      String eventId,
      String resource,
      boolean privileged) {

    static Use of(AccessEvent event) {
      return new Use(
          event.getSubjectId(),
          event.getSubjectType(),
          event.getTimestamp().toEpochMilli(),
          event.getEventId(),
          event.getResource(),
          event.getSensitivity() == Sensitivity.RESTRICTED
              || !"read".equalsIgnoreCase(String.valueOf(event.getAction())));
    }
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<State> stateType() {
    return State.class;
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public List<RiskFinding> observe(AccessSignal signal, State state, DetectionContext context) {
    long at = signal.timestamp().toEpochMilli();
    List<RiskFinding> late = List.of();
    if (signal.grant() != null) {
      state.grantsUpTo = Math.max(state.grantsUpTo, at);
      Grant learned = learn(signal.grant(), state);
      late = judgePending(signal.grant(), learned, state);
    }
    state.watermark = Math.max(state.watermark, at);
    long oldest = state.watermark - MAX_WAIT.toMillis();
    state.pending.removeIf(p -> p.at < oldest || settled(state, p.at));
    AccessEvent event = signal.access();
    if (event == null || event.getDecision() != AccessDecision.ALLOWED) {
      return late;
    }
    Use use = Use.of(event);
    if (event.getGrantId() != null) {
      Grant g = find(state, event.getGrantId());
      if (g == null) {
        if (use.at() >= oldest && !settled(state, use.at())) {
          keepPending(state, event.getGrantId(), use);
        }
        return List.of();
      }
      return judge(state, use, g);
    }
    int resource = RecencySet.fingerprint(event.getResource());
    Grant latest = null;
    for (Grant g : state.grants) {
      if (g.resource != resource) {
        continue;
      }
      boolean covers = g.grantedAt <= at && at <= g.expiresAt + graceMillis && at < g.revokedFrom();
      if (covers) {
        return List.of();
      }
      if (g.grantedAt <= at && (latest == null || g.grantedAt > latest.grantedAt)) {
        latest = g;
      }
    }
    if (latest == null) {
      return List.of();
    }
    return report(state, use, "r:" + use.resource(), latest, "lapsed");
  }

  /** An access that names grant {@code g}: used after its revocation or expiry, or fine. */
  private List<RiskFinding> judge(State state, Use use, Grant g) {
    if (use.at() >= g.revokedFrom()) {
      return report(state, use, "g:" + g.grantId, g, "revoked");
    }
    if (use.at() > g.expiresAt + graceMillis) {
      return report(state, use, "g:" + g.grantId, g, "expired");
    }
    return List.of();
  }

  /** Judges the accesses that arrived before this grant, earliest first, at their own times. */
  private List<RiskFinding> judgePending(AccessGrant grant, Grant g, State state) {
    if (g == null || state.pending.isEmpty()) {
      return List.of();
    }
    List<RiskFinding> out = new ArrayList<>();
    for (var it = state.pending.iterator(); it.hasNext(); ) {
      PendingUse p = it.next();
      if (!p.grantId.equals(g.grantId)) {
        continue;
      }
      it.remove();
      SubjectType type =
          p.subjectType == null ? grant.getSubjectType() : SubjectType.valueOf(p.subjectType);
      out.addAll(
          judge(
              state,
              new Use(grant.getSubjectId(), type, p.at, p.eventId, p.resource, p.privileged),
              g));
    }
    return out;
  }

  /**
   * Whether the subject's grants have moved past an access at {@code at} by the allowed lateness:
   * the grant it names, issued before it, would have been seen.
   */
  private boolean settled(State state, long at) {
    return state.grantsUpTo != Long.MIN_VALUE && at + latenessMillis <= state.grantsUpTo;
  }

  /** Keeps an access whose grant is unknown, within the cap, in time order. */
  private void keepPending(State state, String grantId, Use use) {
    PendingUse p = new PendingUse();
    p.grantId = grantId;
    p.at = use.at();
    p.eventId = use.eventId();
    p.resource = use.resource();
    p.privileged = use.privileged();
    p.subjectType = use.subjectType() == null ? null : use.subjectType().name();
    state.pending.add(p);
    state.pending.sort(
        (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : a.eventId.compareTo(b.eventId));
    while (state.pending.size() > PENDING_USES) {
      state.pending.remove(state.pending.size() - 1);
    }
  }

  /** Learns a grant or its update; returns it as kept, or null when it fell off the cap. */
  private Grant learn(AccessGrant grant, State state) {
    Grant g = find(state, grant.getGrantId());
    if (g == null) {
      g = new Grant();
      g.grantId = grant.getGrantId();
      g.resource = RecencySet.fingerprint(grant.getResource());
      g.grantedAt = grant.getGrantedAt().toEpochMilli();
      g.expiresAt = grant.getExpiresAt().toEpochMilli();
      g.eventId = grant.getEventId();
      state.grants.add(g);
      state.grants.sort((a, b) -> Long.compare(b.grantedAt, a.grantedAt));
      while (state.grants.size() > capacity) {
        state.grants.remove(state.grants.size() - 1);
      }
    } else {
      g.expiresAt = Math.min(g.expiresAt, grant.getExpiresAt().toEpochMilli());
    }
    if (grant.getStatus() == GrantStatus.REVOKED && g.revokedFrom == null) {
      // No revocation time in the record: effective from what this subject has seen so far.
      g.revokedFrom = Math.max(state.watermark, g.grantedAt);
    } else if (grant.getStatus() == GrantStatus.EXPIRED) {
      g.expiresAt = Math.min(g.expiresAt, Math.max(state.watermark, g.grantedAt));
    }
    return state.grants.contains(g) ? g : null;
  }

  private static Grant find(State state, String grantId) {
    for (Grant g : state.grants) {
      if (g.grantId.equals(grantId)) {
        return g;
      }
    }
    return null;
  }

  private List<RiskFinding> report(State state, Use use, String what, Grant grant, String kind) {
    int key = RecencySet.fingerprint(what);
    int minute = RecencySet.minute(use.at());
    int previous = state.reported.lastSeen(key);
    if (previous != Integer.MIN_VALUE && (long) (minute - previous) * 60_000L < repeatMillis) {
      return List.of();
    }
    state.reported.touch(key, minute, REPORTED);
    long at = use.at();
    long since = kind.equals("revoked") ? grant.revokedFrom() : grant.expiresAt;
    long minutesLate = Math.max(0, Math.round((at - since) / 60_000.0));
    String summary =
        switch (kind) {
          case "revoked" ->
              String.format(
                  Locale.ROOT,
                  "Accessed %s with grant %s, which was revoked (%d minutes before this access).",
                  use.resource(),
                  grant.grantId,
                  minutesLate);
          case "expired" ->
              String.format(
                  Locale.ROOT,
                  "Accessed %s with grant %s %d minutes after it expired at %s.",
                  use.resource(),
                  grant.grantId,
                  minutesLate,
                  Instant.ofEpochMilli(grant.expiresAt));
          default ->
              String.format(
                  Locale.ROOT,
                  "Was allowed to access %s without a grant although its only just-in-time grant"
                      + " (%s) lapsed %d minutes earlier.",
                  use.resource(),
                  grant.grantId,
                  minutesLate);
        };
    double score = kind.equals("revoked") ? 70 : kind.equals("expired") ? 60 : 45;
    if (use.privileged()) {
      score += 15; // Writing, or touching restricted data, on a lapsed elevation.
    }
    return List.of(
        Findings.finding(ID, use.subjectId(), use.subjectType(), Instant.ofEpochMilli(at))
            .score(score)
            .confidence(kind.equals("lapsed") ? 0.6 : 0.85)
            .halfLife(halfLife)
            .summary(summary)
            .evidence("grantId", grant.grantId)
            .evidence("grantState", kind)
            .evidence("grantedAt", Instant.ofEpochMilli(grant.grantedAt))
            .evidence("expiresAt", Instant.ofEpochMilli(grant.expiresAt))
            .evidence("resource", use.resource())
            .evidence("minutesLate", minutesLate)
            .sourceEvents(grant.eventId, use.eventId())
            .tactic("T1078")
            .build());
  }
}
