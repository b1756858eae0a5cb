package dev.vigil.app.topology;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Record timestamps within {@link TimestampBounds} are taken as they are; one outside (or negative)
 * is replaced by the partition's stream time, or the wall clock before the first record. So a
 * record stamped years ahead never moves stream time and never stamps an output the broker would
 * reject; its event time is checked separately and sends it to the dead-letter topic.
 */
public final class SignalTimestampExtractor implements TimestampExtractor, Configurable {

  private TimestampBounds bounds = TimestampBounds.DEFAULTS;

  /** Creates the extractor with default bounds; Kafka Streams configures it. */
  public SignalTimestampExtractor() {}

  @Override
  public void configure(Map<String, ?> configs) {
    bounds = TimestampBounds.from(configs);
  }

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    long now = System.currentTimeMillis();
    long ts = record.timestamp();
    if (ts >= 0 && bounds.accepts(ts, now)) {
      return ts;
    }
    return partitionTime >= 0 && bounds.accepts(partitionTime, now) ? partitionTime : now;
  }
}
