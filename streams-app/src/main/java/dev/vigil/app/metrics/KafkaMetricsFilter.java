package dev.vigil.app.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.List;
import java.util.Set;

/**
 * Trims Kafka client and Kafka Streams metrics to what an operator reads at the instance and thread
 * level: series per state store, task, processor node, record cache, topic, partition and broker
 * node are denied, and so are statistics that stay NaN until a sample arrives (averages, maxima,
 * ratios). Input lag is exported as Vigil's own {@code vigil.input.lag} instead. Meters outside
 * {@code kafka.} pass untouched.
 */
public final class KafkaMetricsFilter implements MeterFilter {

  private static final Set<String> DENIED_TAG_KEYS =
      Set.of(
          "task.id",
          "processor.node.id",
          "record.cache.id",
          "partition",
          "topic",
          "topic.name",
          "node.id");

  private static final List<String> DENIED_PREFIXES =
      List.of(
          "kafka.stream.state.",
          "kafka.stream.task.",
          "kafka.stream.processor.node.",
          "kafka.stream.record.cache.");

  private static final List<String> NAN_PRONE_SUFFIXES =
      List.of(".avg", ".max", ".min", ".ratio", "-avg", "-max", "-min");

  /** The filter for a {@code metrics.kafka.detail} value: {@code all} keeps everything. */
  public static MeterFilter forDetail(String detail) {
    return "all".equals(detail) ? MeterFilter.accept() : new KafkaMetricsFilter();
  }

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    String name = id.getName();
    if (!name.startsWith("kafka.")) {
      return MeterFilterReply.NEUTRAL;
    }
    for (String prefix : DENIED_PREFIXES) {
      if (name.startsWith(prefix)) {
        return MeterFilterReply.DENY;
      }
    }
    for (Tag tag : id.getTagsAsIterable()) {
      String key = tag.getKey().replace('-', '.');
      if (DENIED_TAG_KEYS.contains(key) || key.endsWith(".state.id")) {
        return MeterFilterReply.DENY;
      }
    }
    for (String suffix : NAN_PRONE_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return MeterFilterReply.DENY;
      }
    }
    return MeterFilterReply.NEUTRAL;
  }
}
