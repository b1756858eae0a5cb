package dev.vigil.app.topology;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Keys a signal as its family says and passes it on only when it is (or only when it is not)
 * already on the partition Kafka's default partitioner gives that key: then its state is on this
 * task and it can be processed here; otherwise it must go through a repartition topic first.
 *
 * @param <V> the signal type
 */
final class PlacementProcessor<V> implements Processor<String, V, String, V> {

  private final Function<V, String> key;
  private final int partitions;
  private final boolean placed;
  private ProcessorContext<String, V> context;

  /**
   * Creates the processor.
   *
   * @param key the key a record belongs under
   * @param partitions partitions of the input topic; 0 when unknown, so that every record is
   *     treated as misplaced
   * @param placed true to pass on records already in place, false for the others
   */
  PlacementProcessor(Function<V, String> key, int partitions, boolean placed) {
    this.key = key;
    this.partitions = partitions;
    this.placed = placed;
  }

  @Override
  public void init(ProcessorContext<String, V> context) {
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
    if (inPlace(k, record.key()) == placed) {
      context.forward(record.withKey(k));
    }
  }

  private boolean inPlace(String k, String recordKey) {
    if (partitions <= 0 || !k.equals(recordKey)) {
      return false;
    }
    int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
    int expected = Utils.toPositive(Utils.murmur2(k.getBytes(StandardCharsets.UTF_8))) % partitions;
    return partition == expected;
  }
}
