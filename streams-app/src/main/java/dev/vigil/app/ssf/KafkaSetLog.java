package dev.vigil.app.ssf;

import dev.vigil.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link SetLog} over the SETs topic: one consumer without a group, {@code read_committed} (the
 * topic is written with exactly-once), seeking to the positions each poll request asks for.
 */
public final class KafkaSetLog implements SetLog {

  private final KafkaConsumer<String, String> consumer;
  private final List<TopicPartition> partitions;

  /**
   * @param clientProperties Kafka client properties
   * @param sets the SETs topic
   */
  public KafkaSetLog(Map<String, Object> clientProperties, Topic<String, String> sets) {
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer =
        new KafkaConsumer<>(c, sets.keySerde().deserializer(), sets.valueSerde().deserializer());
    partitions =
        consumer.partitionsFor(sets.name(), Duration.ofSeconds(30)).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList();
    consumer.assign(partitions);
  }

  @Override
  public synchronized Batch read(Map<Integer, Long> from, Map<Integer, Long> start, int max) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    Map<Integer, Long> next = new HashMap<>();
    for (TopicPartition tp : partitions) {
      int p = tp.partition();
      next.put(p, from.containsKey(p) ? from.get(p) : start.getOrDefault(p, 0L));
      consumer.seek(tp, next.get(p));
    }
    List<Entry> entries = new ArrayList<>();
    Map<Integer, Boolean> full = new HashMap<>();
    for (int round = 0; round < 3 && entries.size() < max && behind(next, end); round++) {
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
        if (entries.size() >= max || full.containsKey(r.partition())) {
          full.put(r.partition(), true);
          continue;
        }
        if (r.value() != null) {
          entries.add(new Entry(r.partition(), r.offset(), r.value()));
        }
        next.put(r.partition(), r.offset() + 1);
      }
      for (TopicPartition tp : partitions) {
        if (!full.containsKey(tp.partition())) {
          // Past transaction markers too, which poll skips without returning a record.
          next.put(tp.partition(), Math.max(next.get(tp.partition()), consumer.position(tp)));
        }
      }
      if (!full.isEmpty()) {
        break;
      }
    }
    return new Batch(entries, next, behind(next, end));
  }

  private static boolean behind(Map<Integer, Long> next, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (next.get(e.getKey().partition()) < e.getValue()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized Map<Integer, Long> endOffsets() {
    Map<Integer, Long> out = new HashMap<>();
    consumer.endOffsets(partitions).forEach((tp, o) -> out.put(tp.partition(), o));
    return out;
  }

  @Override
  public synchronized void close() {
    consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
