package dev.vigil.app.topology;

import dev.vigil.risk.fusion.SubjectRiskState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The subject-risk store together with its due index, as the processors that write it see them:
 * every write of a subject's state keeps the index in step, so the decay timer reads only the
 * subjects it has to move instead of decoding every subject.
 *
 * <p>The index ({@link StoreNames#SUBJECT_RISK_DUE}, changelogged like the state itself) holds one
 * entry per subject with active risk, keyed by the first decay-grid instant at which the timer
 * would recompute it ({@link SubjectScorer#dueAt}) then the subject id: 8 bytes big-endian with the
 * sign bit flipped (so byte order is time order), then the id's UTF-8 bytes; the value is empty. A
 * subject without findings at level none has no entry and costs the timer nothing.
 *
 * <p>One more entry, {@link #BUILT} (due at {@code Long.MAX_VALUE}, so never due), records that the
 * index covers the whole store. A store without it (written by a version before the index) is
 * indexed once, by one sweep, at the timer's first run ({@link #ensureIndexed}).
 */
final class SubjectRiskStore {

  private static final byte[] EMPTY = new byte[0];

  /** The entry that marks the index as covering every subject in the store. */
  static final Bytes BUILT = key(Long.MAX_VALUE, "");

  private final SubjectScorer scorer;
  private final KeyValueStore<String, SubjectRiskState> states;
  private final KeyValueStore<Bytes, byte[]> due;

  SubjectRiskStore(ProcessorContext<?, ?> context, SubjectScorer scorer) {
    this.scorer = scorer;
    this.states = context.getStateStore(StoreNames.SUBJECT_RISK);
    this.due = context.getStateStore(StoreNames.SUBJECT_RISK_DUE);
  }

  /** A subject's stored state (a new one if none) and when it was due as stored. */
  Loaded load(String subjectId) {
    SubjectRiskState state = states.get(subjectId);
    if (state == null) {
      return new Loaded(SubjectScorer.newState(subjectId), SubjectScorer.NOT_DUE);
    }
    return new Loaded(state, scorer.dueAt(state));
  }

  /** Writes a subject's state and moves its index entry if its due instant changed. */
  void save(String subjectId, SubjectRiskState state, long dueBefore) {
    states.put(subjectId, state);
    reindex(subjectId, dueBefore, scorer.dueAt(state));
  }

  /**
   * Indexes every subject with active risk unless the index is marked as built: once per store, for
   * state written before the index existed. Idempotent.
   *
   * @return whether the store was swept
   */
  boolean ensureIndexed() {
    if (due.get(BUILT) != null) {
      return false;
    }
    try (KeyValueIterator<String, SubjectRiskState> it = states.all()) {
      while (it.hasNext()) {
        KeyValue<String, SubjectRiskState> kv = it.next();
        long at = scorer.dueAt(kv.value);
        if (at != SubjectScorer.NOT_DUE) {
          due.put(key(at, kv.key), EMPTY);
        }
      }
    }
    due.put(BUILT, EMPTY);
    return true;
  }

  /**
   * The subjects due at or before {@code target}, ordered by subject id (as the store's keys are,
   * so outputs come in the order a sweep of the whole store gave them).
   */
  List<Due> dueBy(long target) {
    List<Due> found = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = due.all()) {
      while (it.hasNext()) {
        byte[] key = it.next().key.get();
        long at = ByteBuffer.wrap(key).getLong() ^ Long.MIN_VALUE;
        if (at > target) {
          break;
        }
        found.add(new Due(new String(key, 8, key.length - 8, StandardCharsets.UTF_8), at, key));
      }
    }
    found.sort(Comparator.comparing(d -> Bytes.wrap(Arrays.copyOfRange(d.key, 8, d.key.length))));
    return found;
  }

  /**
   * Reads a due subject's state for the timer: null if it is not due by {@code target} after all
   * (the entry was stale: no such state, or due at another instant), in which case the entry is
   * replaced by the right one.
   */
  Loaded loadDue(Due entry, long target) {
    SubjectRiskState state = states.get(entry.subjectId());
    long actual = state == null ? SubjectScorer.NOT_DUE : scorer.dueAt(state);
    if (actual != entry.at()) {
      due.delete(Bytes.wrap(entry.key()));
      if (actual != SubjectScorer.NOT_DUE) {
        due.put(key(actual, entry.subjectId()), EMPTY);
      }
    }
    return actual != SubjectScorer.NOT_DUE && actual <= target ? new Loaded(state, actual) : null;
  }

  private void reindex(String subjectId, long before, long after) {
    if (before == after) {
      return;
    }
    if (before != SubjectScorer.NOT_DUE) {
      due.delete(key(before, subjectId));
    }
    if (after != SubjectScorer.NOT_DUE) {
      due.put(key(after, subjectId), EMPTY);
    }
  }

  /** The index key of a subject due at {@code at}. */
  static Bytes key(long at, String subjectId) {
    byte[] id = subjectId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(8 + id.length).putLong(at ^ Long.MIN_VALUE).put(id).array());
  }

  /** A subject's stored state and the instant it was due as stored. */
  record Loaded(SubjectRiskState state, long dueAt) {}

  /** An index entry: a subject, the instant it is due and the entry's key bytes. */
  record Due(String subjectId, long at, byte[] key) {}
}
