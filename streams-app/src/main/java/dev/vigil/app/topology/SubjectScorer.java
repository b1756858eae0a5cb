package dev.vigil.app.topology;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.topology.ScoringOutput.Kind;
import dev.vigil.risk.decision.Decision;
import dev.vigil.risk.decision.DecisionEngine;
import dev.vigil.risk.decision.RiskOutputs;
import dev.vigil.risk.fusion.FusionResult;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.fusion.RiskFusion;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.risk.fusion.SubjectRiskStateCodec;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Moves one subject's risk through time and turns it into outputs, shared by the scoring stage and
 * the session tracker so both decide alike.
 *
 * <p>One notion of time: a subject has its own clock, the event time of what it last saw, never
 * going back and never beyond the wall clock plus a small skew. Between two instants, decay is
 * evaluated at the fixed grid of multiples of the decay interval, whoever moves the clock (an
 * event, stream time or the idle wall clock), so a history replay and a live run of the same events
 * give the same scores, levels, alerts and commands, with the same timestamps.
 */
final class SubjectScorer {

  private static final long MAX_STEPS = 100_000;

  /**
   * How late a finding may be and still be evaluated at its own time ({@link #reachedWhenLate}): as
   * long as the detectors wait for the other side of a join. An older one is scored at the
   * subject's clock only, so history arriving days late does not publish levels days back.
   */
  static final long LATE_HORIZON_MILLIS = Duration.ofHours(1).toMillis();

  private final RiskFusion fusion;
  private final DecisionEngine decisions = new DecisionEngine();
  private final PolicyHolder policy;
  private final ReferenceData reference;
  private final long gridMillis;
  private final long maxSkewMillis;
  private final VigilMetrics metrics;

  SubjectScorer(
      FusionSettings settings,
      PolicyHolder policy,
      ReferenceData reference,
      Duration decayInterval,
      VigilMetrics metrics) {
    this.fusion = new RiskFusion(settings);
    this.policy = policy;
    this.reference = reference;
    this.gridMillis = Math.max(1, decayInterval.toMillis());
    this.maxSkewMillis = settings.maxClockSkewSeconds() * 1000;
    this.metrics = metrics;
  }

  /** {@link #dueAt} of a subject the decay timer has nothing to do for. */
  static final long NOT_DUE = Long.MIN_VALUE;

  /**
   * The first instant at which {@link #advance} would recompute a subject: the next decay-grid
   * instant after its clock, or {@link #NOT_DUE} for a subject without findings at level none
   * (whose clock advance only moves, with nothing to publish). Moving a subject to a target before
   * this instant changes nothing.
   */
  long dueAt(SubjectRiskState state) {
    if (state.findings.isEmpty() && state.level == RiskLevel.NONE) {
      return NOT_DUE;
    }
    return Math.floorDiv(state.updatedAtMillis, gridMillis) * gridMillis + gridMillis;
  }

  /** A new, empty state for a subject. */
  static SubjectRiskState newState(String subjectId) {
    SubjectRiskState state = new SubjectRiskState();
    state.subjectId = subjectId;
    return state;
  }

  /**
   * The instant an event stamped {@code eventMillis} is scored at: its own time, clamped to the
   * wall clock plus the allowed skew, and never before the subject's clock.
   */
  long eventInstant(SubjectRiskState state, long eventMillis, long wallClockMillis) {
    return Math.max(state.updatedAtMillis, Math.min(eventMillis, wallClockMillis + maxSkewMillis));
  }

  /** The latest instant the wall clock may move a subject to. */
  long clamp(long millis, long wallClockMillis) {
    return Math.min(millis, wallClockMillis + maxSkewMillis);
  }

  /**
   * Moves a subject with active risk forward to {@code target}, evaluating decay at every grid
   * instant on the way; a score change of a point or more, or a level change, is published there. A
   * subject without findings at level none just has its clock moved.
   *
   * @return whether the state changed
   */
  boolean advance(
      SubjectRiskState state, long target, Consumer<Record<String, ScoringOutput>> out) {
    return walk(state, target, at -> recomputeAndPublish(state, at, out));
  }

  /**
   * A copy of the subject's state moved to {@code target} as {@link #advance} would move it, with
   * nothing published and no decision taken: what the subject's risk is at that instant, for
   * deciding about a sign-in without letting the sign-in move the subject's clock. (A subject's
   * clock moves on findings and on the decay timer only, so where it stands, and so every score,
   * alert and decision, does not depend on whether a sign-in was processed before or after the
   * findings it raised came back through the findings topic.)
   */
  SubjectRiskState peek(SubjectRiskState state, long target) {
    SubjectRiskState copy = SubjectRiskStateCodec.decode(SubjectRiskStateCodec.encode(state));
    walk(
        copy,
        target,
        at -> {
          copy.criticality = reference.criticality(copy.subjectId);
          fusion.rescore(copy, Instant.ofEpochMilli(at));
        });
    return copy;
  }

  private boolean walk(SubjectRiskState state, long target, LongConsumer recompute) {
    if (target <= state.updatedAtMillis) {
      return false;
    }
    long steps = 0;
    long next = Math.floorDiv(state.updatedAtMillis, gridMillis) * gridMillis + gridMillis;
    while (next <= target
        && steps++ < MAX_STEPS
        && (!state.findings.isEmpty() || state.level != RiskLevel.NONE)) {
      recompute.accept(next);
      next += gridMillis;
    }
    if (state.findings.isEmpty() && state.level == RiskLevel.NONE) {
      state.updatedAtMillis = Math.max(state.updatedAtMillis, target);
    } else if (target > state.updatedAtMillis && steps > MAX_STEPS) {
      recompute.accept(target);
    }
    return true;
  }

  private void recomputeAndPublish(
      SubjectRiskState state, long at, Consumer<Record<String, ScoringOutput>> out) {
    state.criticality = reference.criticality(state.subjectId);
    // Most decay steps publish nothing: the contributions are only worked out for those that do.
    RiskFusion.Rescored risk = fusion.rescore(state, Instant.ofEpochMilli(at));
    if (risk.levelChanged() || Math.abs(state.publishedScore - risk.score()) >= 1.0) {
      emit(state, risk.result(), Instant.ofEpochMilli(at), out, -1);
    }
  }

  /** Adds a finding at its scoring instant and publishes the subject's new risk. */
  void score(
      SubjectRiskState state,
      dev.vigil.schema.RiskFinding finding,
      long at,
      Consumer<Record<String, ScoringOutput>> out) {
    fusion.add(state, finding);
    state.criticality = reference.criticality(state.subjectId);
    long signalMillis = finding.getTimestamp().toEpochMilli();
    if (signalMillis < at && at - signalMillis <= LATE_HORIZON_MILLIS) {
      reachedWhenLate(state, signalMillis, at, out);
    }
    FusionResult risk = fusion.recompute(state, Instant.ofEpochMilli(at));
    emit(state, risk, Instant.ofEpochMilli(at), out, signalMillis);
  }

  /**
   * A finding that arrives after its subject's clock passed its time (raised by another task, so
   * scored in whatever order the tasks' outputs came) is also evaluated at its own time and at each
   * later finding's time, each with the findings observed by then: had it arrived in order, those
   * are the instants where its weight peaked. The highest level reached there, if the subject was
   * not published at that level or above from then on anyway, is published as reached at that
   * instant with the decision an in-order run takes there (same command id: its trigger is the
   * finding on top), so a level crossed only while the finding was fresh is not missed because it
   * came late.
   */
  private void reachedWhenLate(
      SubjectRiskState state,
      long ownMillis,
      long at,
      Consumer<Record<String, ScoringOutput>> out) {
    java.util.TreeSet<Long> instants = new java.util.TreeSet<>();
    instants.add(ownMillis);
    for (var f : state.findings) {
      if (f.observedAtMillis > ownMillis && f.observedAtMillis < at) {
        instants.add(f.observedAtMillis);
      }
    }
    byte[] encoded = SubjectRiskStateCodec.encode(state);
    FusionResult best = null;
    long bestAt = 0;
    for (long instant : instants) {
      SubjectRiskState then = SubjectRiskStateCodec.decode(encoded);
      then.findings.removeIf(f -> f.observedAtMillis > instant);
      FusionResult risk = fusion.recompute(then, Instant.ofEpochMilli(instant));
      RiskLevel reached = best == null ? state.highestSince(instant) : best.level();
      if (risk.level().compareTo(reached) > 0) {
        best = risk;
        bestAt = instant;
      }
    }
    if (best != null) {
      state.level = best.level();
      emit(state, best, Instant.ofEpochMilli(bestAt), out, ownMillis);
    }
  }

  /**
   * Revokes a session opened while the subject sits at a level whose rule revokes sessions.
   *
   * @return whether a decision was taken (the session must then not be kept as open)
   */
  boolean onNewSession(
      SubjectRiskState state,
      String sessionId,
      long at,
      Consumer<Record<String, ScoringOutput>> out) {
    Decision decision =
        decisions
            .decideNewSession(policy.current(), state, sessionId, Instant.ofEpochMilli(at))
            .orElse(null);
    if (decision == null) {
      return false;
    }
    metrics.decision(decision.action().name(), decision.mode().name());
    EnforcementCommand command =
        RiskOutputs.sessionCommand(decision, state, sessionId, Instant.ofEpochMilli(at));
    forward(out, state.subjectId, Kind.AUDIT, command, at);
    if (decision.mode() == DecisionMode.ENFORCE) {
      forward(out, state.subjectId, Kind.COMMAND, command, at);
      return true;
    }
    return false;
  }

  /**
   * @param signalMillis when the signal behind this was stamped, or -1 when time passing caused it
   *     (no signal to measure detection latency from)
   */
  private void emit(
      SubjectRiskState state,
      FusionResult risk,
      Instant at,
      Consumer<Record<String, ScoringOutput>> out,
      long signalMillis) {
    long ts = at.toEpochMilli();
    state.publishedScore = risk.score();
    forward(out, state.subjectId, Kind.SCORE, RiskOutputs.subjectRisk(state, risk, at), ts);
    metrics.subjectRisk(state.subjectId, risk.score(), risk.level());
    if (!risk.levelChanged()) {
      return;
    }
    state.levelChanged(ts, risk.previousLevel(), risk.level());
    Decision decision = decisions.decide(policy.current(), state, risk, at).orElse(null);
    metrics.alert(risk.level().name());
    forward(out, state.subjectId, Kind.ALERT, RiskOutputs.alert(state, risk, decision, at), ts);
    if (signalMillis >= 0) {
      metrics.detected(VigilMetrics.OUTPUT_ALERT, signalMillis);
    }
    if (decision == null) {
      return;
    }
    metrics.decision(decision.action().name(), decision.mode().name());
    // A revocation covers the sessions opened no later than it. A session opened after it, whose
    // sign-in happened to be processed first, is decided as if it had come after: on its own,
    // with its own command id. So the commands do not depend on processing order.
    List<String> covered = new ArrayList<>();
    List<String> later = new ArrayList<>();
    if (decision.action() == EnforcementAction.REVOKE_SESSIONS) {
      for (String session : state.sessions.keySet()) {
        (state.sessionsOpenedAt.getOrDefault(session, Long.MIN_VALUE) <= ts ? covered : later)
            .add(session);
      }
    }
    EnforcementCommand command = RiskOutputs.command(decision, state, risk, at, covered);
    forward(out, state.subjectId, Kind.AUDIT, command, ts);
    if (decision.mode() == DecisionMode.ENFORCE) {
      forward(out, state.subjectId, Kind.COMMAND, command, ts);
      if (signalMillis >= 0) {
        metrics.detected(VigilMetrics.OUTPUT_COMMAND, signalMillis);
      }
      if (decision.action() == EnforcementAction.REVOKE_SESSIONS) {
        endSessions(state, covered, ts);
      }
    }
    for (String session : later) {
      long opened = state.sessionsOpenedAt.get(session);
      if (onNewSession(peek(state, opened), session, opened, out)) {
        endSessions(state, List.of(session), opened);
      }
    }
  }

  /** Forgets sessions as open and remembers them as revoked at {@code at}. */
  static void endSessions(SubjectRiskState state, List<String> sessions, long at) {
    state.sessions.keySet().removeAll(sessions);
    state.sessionsOpenedAt.keySet().removeAll(sessions);
    state.endSessions(sessions, at);
  }

  private static void forward(
      Consumer<Record<String, ScoringOutput>> out,
      String key,
      Kind kind,
      SpecificRecord value,
      long ts) {
    out.accept(new Record<>(key, new ScoringOutput(kind, value), ts));
  }
}
