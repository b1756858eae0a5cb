package dev.vigil.app.topology;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keys a record as its owner says and tells whether it is already on the partition Kafka's default
 * partitioner gives that key: then the state kept under that key is on this task and the record can
 * be processed here; otherwise it must go through a repartition topic first. One evaluation per
 * record; a {@code split()} after it sends the record one way or the other.
 *
 * @param <V> the record type
 */
final class PlacementProcessor<V>
    implements Processor<String, V, String, PlacementProcessor.Placed<V>> {

  /**
   * A record's value and whether it is on its key's partition.
   *
   * @param value the value
   * @param home true when the record is on the partition its key hashes to
   * @param <V> the value type
   */
  record Placed<V>(V value, boolean home) {}

  private final Function<V, String> key;
  private final int partitions;
  private ProcessorContext<String, Placed<V>> context;

  /**
   * Creates the processor.
   *
   * @param key the key a record belongs under; records without one are dropped
   * @param partitions partition count the key is hashed over; 0 when unknown, so that every record
   *     is treated as away from home
   */
  PlacementProcessor(Function<V, String> key, int partitions) {
    this.key = key;
    this.partitions = partitions;
  }

  @Override
  public void init(ProcessorContext<String, Placed<V>> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, V> record) {
    if (record.value() == null) {
      return;
    }
    String k = key.apply(record.value());
    if (k == null) {
      return;
    }
    context.forward(
        record.withKey(k).withValue(new Placed<>(record.value(), home(k, record.key()))));
  }

  private boolean home(String k, String recordKey) {
    if (partitions <= 0 || !k.equals(recordKey)) {
      return false;
    }
    // Empty for records a punctuator made: those take the repartition topic.
    int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
    return partition == partition(k, partitions);
  }

  /** The partition Kafka's default partitioner gives a string key. */
  static int partition(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
