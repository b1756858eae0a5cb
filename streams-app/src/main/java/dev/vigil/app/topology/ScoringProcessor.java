package dev.vigil.app.topology;

import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Continuous scoring: fuses each new finding into the subject's risk at the finding's event time,
 * and lets risk decay as time passes. Every recomputation that moves the score by a point updates
 * the scores table; every level change yields one alert and, if the policy says so, one decision
 * (enforced decisions to the commands topic, every decision to the audit topic).
 *
 * <p>Time: a finding is scored at its own event time (see {@link SubjectScorer}). A wall-clock
 * punctuator moves every subject with active risk forward: to the task's stream time less the
 * allowed lateness while findings keep arriving, to the wall clock only once none has arrived for a
 * whole interval. Both evaluate decay on the same grid, so when they run does not change what is
 * published. The punctuator reads only the subjects due by then from the due index ({@link
 * SubjectRiskStore}); a subject without active risk, or whose next grid instant is still ahead, is
 * not read at all.
 */
final class ScoringProcessor implements Processor<String, RiskFinding, String, ScoringOutput> {

  private final SubjectScorer scorer;
  private final Duration decayInterval;
  private final long latenessMillis;
  private ProcessorContext<String, ScoringOutput> context;
  private SubjectRiskStore store;
  private long lastRecordWallMillis = Long.MIN_VALUE;
  private boolean indexed;

  ScoringProcessor(SubjectScorer scorer, Duration decayInterval, Duration allowedLateness) {
    this.scorer = scorer;
    this.decayInterval = decayInterval;
    this.latenessMillis = allowedLateness.toMillis();
  }

  @Override
  public void init(ProcessorContext<String, ScoringOutput> context) {
    this.context = context;
    this.store = new SubjectRiskStore(context, scorer);
    context.schedule(decayInterval, PunctuationType.WALL_CLOCK_TIME, this::decay);
  }

  @Override
  public void process(Record<String, RiskFinding> record) {
    RiskFinding finding = record.value();
    if (record.key() == null || finding == null) {
      return;
    }
    long wall = context.currentSystemTimeMs();
    lastRecordWallMillis = wall;
    SubjectRiskStore.Loaded loaded = store.load(record.key());
    SubjectRiskState state = loaded.state();
    if (state.subjectType == null || state.subjectType == dev.vigil.schema.SubjectType.UNKNOWN) {
      state.subjectType = finding.getSubjectType();
    }
    long at = scorer.eventInstant(state, finding.getTimestamp().toEpochMilli(), wall);
    scorer.advance(state, at, context::forward);
    scorer.score(state, finding, at, context::forward);
    store.save(record.key(), state, loaded.dueAt());
  }

  private void decay(long wallClockMillis) {
    boolean idle =
        lastRecordWallMillis == Long.MIN_VALUE
            || wallClockMillis - lastRecordWallMillis >= decayInterval.toMillis();
    // Held back by the allowed lateness, so a finding up to that late is still scored at its time.
    long target =
        scorer.clamp(
            (idle ? wallClockMillis : context.currentStreamTimeMs()) - latenessMillis,
            wallClockMillis);
    if (!indexed) {
      store.ensureIndexed();
      indexed = true;
    }
    for (SubjectRiskStore.Due due : store.dueBy(target)) {
      SubjectRiskStore.Loaded loaded = store.loadDue(due, target);
      if (loaded != null && scorer.advance(loaded.state(), target, context::forward)) {
        store.save(due.subjectId(), loaded.state(), loaded.dueAt());
      }
    }
  }
}
