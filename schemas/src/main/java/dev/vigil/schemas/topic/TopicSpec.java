package dev.vigil.schemas.topic;

import java.time.Duration;
import java.util.Map;

/**
 * How a topic is laid out on the broker: partitions, compaction and retention. Replication is
 * chosen when the topics are created, because it depends on the cluster, not on the contract.
 *
 * @param partitions default partition count; every topic keyed by subject uses the same count so
 *     that co-partitioned joins hold
 * @param compacted whether the topic keeps only the latest value per key
 * @param retention how long records are kept; {@code null} for compacted topics (infinite)
 */
public record TopicSpec(int partitions, boolean compacted, Duration retention) {

  /** Partition count of every subject-keyed stream topic by default. */
  public static final int DEFAULT_PARTITIONS = 6;

  /** An append-only stream kept for the given time. */
  public static TopicSpec stream(Duration retention) {
    return new TopicSpec(DEFAULT_PARTITIONS, false, retention);
  }

  /** A compacted table topic: the latest value per key, kept forever. */
  public static TopicSpec table() {
    return new TopicSpec(DEFAULT_PARTITIONS, true, null);
  }

  /** The broker-side topic configs ({@code cleanup.policy}, {@code retention.ms}) for this spec. */
  public Map<String, String> configs() {
    if (compacted) {
      return Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000");
    }
    return Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retention.toMillis()));
  }
}
