package dev.vigil.app.topology;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.topology.ScoringOutput.Kind;
import dev.vigil.risk.decision.Decision;
import dev.vigil.risk.decision.DecisionEngine;
import dev.vigil.risk.decision.RiskOutputs;
import dev.vigil.risk.fusion.FusionResult;
import dev.vigil.risk.fusion.RiskFusion;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Continuous scoring: fuses each new finding into the subject's risk, and, on a wall-clock
 * schedule, lets risk decay when nothing arrives. Every recomputation updates the scores table;
 * every level change yields one alert and, if the policy says so, one decision (enforced decisions
 * to the commands topic, every decision to the audit topic).
 */
final class ScoringProcessor implements Processor<String, RiskFinding, String, ScoringOutput> {

  private final RiskFusion fusion;
  private final DecisionEngine decisions = new DecisionEngine();
  private final PolicyHolder policy;
  private final ReferenceData reference;
  private final Duration decayInterval;
  private final VigilMetrics metrics;
  private ProcessorContext<String, ScoringOutput> context;
  private KeyValueStore<String, SubjectRiskState> store;

  ScoringProcessor(
      RiskFusion fusion,
      PolicyHolder policy,
      ReferenceData reference,
      Duration decayInterval,
      VigilMetrics metrics) {
    this.fusion = fusion;
    this.policy = policy;
    this.reference = reference;
    this.decayInterval = decayInterval;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, ScoringOutput> context) {
    this.context = context;
    this.store = context.getStateStore(StoreNames.SUBJECT_RISK);
    context.schedule(decayInterval, PunctuationType.WALL_CLOCK_TIME, this::decay);
  }

  @Override
  public void process(Record<String, RiskFinding> record) {
    RiskFinding finding = record.value();
    if (record.key() == null || finding == null) {
      return;
    }
    SubjectRiskState state = store.get(record.key());
    if (state == null) {
      state = new SubjectRiskState();
      state.subjectId = record.key();
    }
    if (state.subjectType == null || state.subjectType == dev.vigil.schema.SubjectType.UNKNOWN) {
      state.subjectType = finding.getSubjectType();
    }
    fusion.add(state, finding);
    state.criticality = reference.criticality(record.key());
    // Event time, never earlier than the last update, so replays give the same result.
    Instant at =
        Instant.ofEpochMilli(
            Math.max(state.updatedAtMillis, finding.getTimestamp().toEpochMilli()));
    FusionResult risk = fusion.recompute(state, at);
    emit(state, risk, at, record.timestamp());
    store.put(record.key(), state);
  }

  private void decay(long wallClockMillis) {
    List<KeyValue<String, SubjectRiskState>> active = new ArrayList<>();
    try (KeyValueIterator<String, SubjectRiskState> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, SubjectRiskState> kv = it.next();
        if (!kv.value.findings.isEmpty() || kv.value.level != RiskLevel.NONE) {
          active.add(kv);
        }
      }
    }
    for (KeyValue<String, SubjectRiskState> kv : active) {
      SubjectRiskState state = kv.value;
      Instant at = Instant.ofEpochMilli(Math.max(wallClockMillis, state.updatedAtMillis));
      double before = state.score;
      state.criticality = reference.criticality(kv.key);
      FusionResult risk = fusion.recompute(state, at);
      if (risk.levelChanged() || Math.abs(before - risk.score()) >= 1.0) {
        emit(state, risk, at, -1);
      }
      store.put(kv.key, state);
    }
  }

  /**
   * @param signalAppendMillis the timestamp of the record that caused this, or -1 when time passing
   *     did (no signal to measure detection latency from)
   */
  private void emit(
      SubjectRiskState state, FusionResult risk, Instant at, long signalAppendMillis) {
    long ts = at.toEpochMilli();
    forward(state.subjectId, Kind.SCORE, RiskOutputs.subjectRisk(state, risk, at), ts);
    metrics.subjectRisk(state.subjectId, risk.score(), risk.level());
    if (!risk.levelChanged()) {
      return;
    }
    Decision decision = decisions.decide(policy.current(), state, risk, at).orElse(null);
    metrics.alert(risk.level().name());
    forward(state.subjectId, Kind.ALERT, RiskOutputs.alert(state, risk, decision, at), ts);
    if (signalAppendMillis >= 0) {
      metrics.detected(VigilMetrics.OUTPUT_ALERT, signalAppendMillis);
    }
    if (decision == null) {
      return;
    }
    metrics.decision(decision.action().name(), decision.mode().name());
    EnforcementCommand command = RiskOutputs.command(decision, state, risk, at);
    forward(state.subjectId, Kind.AUDIT, command, ts);
    if (decision.mode() == DecisionMode.ENFORCE) {
      forward(state.subjectId, Kind.COMMAND, command, ts);
      if (signalAppendMillis >= 0) {
        metrics.detected(VigilMetrics.OUTPUT_COMMAND, signalAppendMillis);
      }
      if (decision.action() == EnforcementAction.REVOKE_SESSIONS) {
        state.sessions.clear();
      }
    }
  }

  private void forward(
      String key, Kind kind, org.apache.avro.specific.SpecificRecord value, long ts) {
    context.forward(new Record<>(key, new ScoringOutput(kind, value), ts));
  }
}
