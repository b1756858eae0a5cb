package dev.vigil.app.topology;

import dev.vigil.risk.signal.DetectorGroup;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Drops re-keyed records that a {@link DetectorGroup.Sampling} says carry nothing new: one of the
 * same origin under the same key was sent at or before the record's time, less than the interval
 * before it. What was sent is remembered in memory per task for the most recent {@value #PAIRS}
 * origin and key pairs, and forgotten when the task (re)starts or a transaction aborts: a forgotten
 * pair only means its next record is sent, which the group absorbs (it learns nothing it did not
 * know), so nothing needs a changelog.
 *
 * @param <V> the record type
 */
final class SamplingProcessor<V> implements FixedKeyProcessor<String, V, V> {

  /** How many origin and key pairs each task remembers. */
  static final int PAIRS = 65_536;

  private final DetectorGroup.Sampling<V> sampling;
  private final long everyMillis;
  private FixedKeyProcessorContext<String, V> context;

  /** When the last record of each pair was sent, least recently sent first. */
  private final Map<String, Long> sent = new RecentlyUsed<>(PAIRS);

  SamplingProcessor(DetectorGroup.Sampling<V> sampling) {
    this.sampling = sampling;
    this.everyMillis = sampling.every().toMillis();
  }

  @Override
  public void init(FixedKeyProcessorContext<String, V> context) {
    this.context = context;
    // Called again when a task is revived after an aborted transaction: what it sent was aborted.
    sent.clear();
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    V value = record.value();
    String origin = sampling.origin().apply(value);
    Instant time = sampling.time().apply(value);
    if (origin == null || time == null) {
      context.forward(record);
      return;
    }
    long at = time.toEpochMilli();
    String pair = record.key() + '\u0000' + origin;
    Long last = sent.get(pair);
    if (last != null && at >= last && at - last < everyMillis) {
      return;
    }
    if (last == null || at > last) {
      sent.put(pair, at);
    }
    context.forward(record);
  }
}
