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
 * punctuator moves every subject with active risk forward, held back by the allowed lateness: to
 * the task's stream time plus the wall-clock time that has passed since records last arrived (a
 * finding, or anything that moved the task's stream time), never beyond the wall clock. So event
 * time runs on at the wall clock's pace only while nothing arrives: a replay of old history that
 * pauses (a batch ends, upstream is busy) is not moved days ahead to the wall clock between two of
 * its events, while live, where stream time follows the wall clock, subjects reach the wall clock
 * as before. After a restart the time passes from the restored stream time. Both evaluate decay on
 * the same grid, so when they run does not change what is published. The punctuator reads only the
 * subjects due by then from the due index ({@link SubjectRiskStore}); a subject without active
 * risk, or whose next grid instant is still ahead, is not read at all.
 */
final class ScoringProcessor implements Processor<String, RiskFinding, String, ScoringOutput> {

  private final SubjectScorer scorer;
  private final Duration decayInterval;
  private final long latenessMillis;
  private ProcessorContext<String, ScoringOutput> context;
  private SubjectRiskStore store;

  /** Wall-clock time at which a finding last arrived (or the processor started). */
  private long findingAtWallMillis;

  /** Wall-clock time after which the task's stream time last moved, as punctuations see it. */
  private long streamMovedAtWallMillis;

  private long lastPunctuationWallMillis;
  private long seenStreamMillis = -1;
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
    // Counted from the start: after a restart, subjects move on from the restored stream time.
    long wall = context.currentSystemTimeMs();
    this.findingAtWallMillis = wall;
    this.streamMovedAtWallMillis = wall;
    this.lastPunctuationWallMillis = wall;
    context.schedule(decayInterval, PunctuationType.WALL_CLOCK_TIME, this::decay);
  }

  @Override
  public void process(Record<String, RiskFinding> record) {
    RiskFinding finding = record.value();
    if (record.key() == null || finding == null) {
      return;
    }
    long wall = context.currentSystemTimeMs();
    findingAtWallMillis = wall;
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
    long streamMillis = context.currentStreamTimeMs();
    if (streamMillis != seenStreamMillis) {
      // Records (signals or findings) arrived since the last run, at the latest just after it.
      seenStreamMillis = streamMillis;
      streamMovedAtWallMillis = lastPunctuationWallMillis;
    }
    lastPunctuationWallMillis = wallClockMillis;
    long quietMillis =
        Math.max(0, wallClockMillis - Math.max(streamMovedAtWallMillis, findingAtWallMillis));
    // Event time runs on from the stream time at the wall clock's pace while nothing arrives.
    long now =
        streamMillis < 0 ? wallClockMillis : Math.min(wallClockMillis, streamMillis + quietMillis);
    // Held back by the allowed lateness, so a finding up to that late is still scored at its time.
    long target = scorer.clamp(now - latenessMillis, wallClockMillis);
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
