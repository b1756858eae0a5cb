package dev.vigil.dev.bench;

import dev.vigil.app.topology.SignalTimestampExtractor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Counts the input records an application has reached for processing, for the benchmark's progress
 * samples: Vigil's own timestamp extractor, plus a counter per application id of the records read
 * from the tracked topics.
 *
 * <p>Kafka Streams extracts a record's timestamp when it becomes the head of its partition's queue,
 * that is right before it is processed (at most one record per partition ahead), whereas the
 * consumer's {@code records-consumed-total} runs ahead by the whole fetch buffer (up to {@code
 * buffered.records.per.partition} per partition). The counter therefore follows processing, not
 * fetching, without raising the metrics recording level of the measured application.
 *
 * <p>For the latency run's breakdown it also notes when records of the tracked topics keyed by a
 * probe subject reach processing ({@link #noteReached}).
 */
public final class ProcessedCounter implements TimestampExtractor, Configurable {

  private static final Map<String, Tracked> TRACKED = new ConcurrentHashMap<>();

  private static volatile Reached reached;

  /**
   * Starts noting, for the records of the tracked topics whose key starts with {@code prefix}, the
   * instant (JVM nano clock) the last record of each key reached processing (replacing an earlier
   * note).
   *
   * @return the instants by key, filled as records are reached
   */
  static Map<String, Long> noteReached(String prefix) {
    Reached r = new Reached(prefix, new ConcurrentHashMap<>());
    reached = r;
    return r.nanos();
  }

  private final SignalTimestampExtractor delegate = new SignalTimestampExtractor();
  private String applicationId = "";

  /** Created by Kafka Streams from {@code default.timestamp.extractor}. */
  public ProcessedCounter() {}

  /**
   * Starts counting the records of these topics read by the application with this id (replacing an
   * earlier counter of the same id).
   *
   * @return the counter, incremented as the application reaches records
   */
  static LongAdder track(String applicationId, Set<String> topics) {
    Tracked t = new Tracked(Set.copyOf(topics), new LongAdder());
    TRACKED.put(applicationId, t);
    return t.count();
  }

  @Override
  public void configure(Map<String, ?> configs) {
    delegate.configure(configs);
    applicationId = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
  }

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    // Looked up per record: Kafka Streams may create the extractor before the counter is set.
    Tracked t = TRACKED.get(applicationId);
    if (t != null && t.topics().contains(record.topic())) {
      t.count().increment();
      Reached r = reached;
      if (r != null && record.key() != null) {
        String key =
            record.key() instanceof byte[] b
                ? new String(b, StandardCharsets.UTF_8)
                : record.key().toString();
        if (key.startsWith(r.prefix())) {
          r.nanos().put(key, System.nanoTime());
        }
      }
    }
    return delegate.extract(record, partitionTime);
  }

  private record Reached(String prefix, Map<String, Long> nanos) {}

  private record Tracked(Set<String> topics, LongAdder count) {}
}
