package dev.vigil.app.ssf;

import dev.vigil.schemas.topic.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JsonTable} kept in a compacted topic: every instance reads the whole topic from the
 * beginning (no consumer group) into memory and follows it; writes go to the topic and are applied
 * locally once acknowledged, so a caller reads its own writes.
 */
public final class KafkaJsonTable implements JsonTable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaJsonTable.class);

  private final Topic<String, String> topic;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;
  private final Map<String, String> map = new ConcurrentHashMap<>();
  // Offset of this instance's last write per key: older records read back are not re-applied.
  private final Map<String, Long> written = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
  private final Thread follower;
  private volatile boolean running = true;

  /**
   * Reads the topic up to its end (bounded by {@code maxWait}), then follows it.
   *
   * @param clientProperties Kafka client properties (bootstrap servers, security)
   * @param topic the compacted topic
   * @param maxWait how long to wait for the initial read
   * @throws IllegalStateException with one sentence if the topic cannot be read in time
   */
  public KafkaJsonTable(
      Map<String, Object> clientProperties, Topic<String, String> topic, Duration maxWait) {
    this.topic = topic;
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer =
        new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer());
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A missing table topic must be reported, not auto-created without compaction.
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumer =
        new KafkaConsumer<>(c, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic.name(), maxWait).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException(
          "The topic " + topic.name() + " does not exist; create it with vigil topics create.");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, maxWait);
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (!caughtUp(end)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Could not read the topic " + topic.name() + " within " + maxWait + ".");
      }
      consumer.poll(Duration.ofMillis(100)).forEach(this::apply);
    }
    follower = new Thread(this::follow, "vigil-table-" + topic.name());
    follower.setDaemon(true);
    follower.start();
  }

  private boolean caughtUp(Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private void follow() {
    try {
      while (running) {
        consumer.poll(Duration.ofMillis(200)).forEach(this::apply);
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("Stopped following {}: {}", topic.name(), e.getMessage(), e);
    } finally {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void apply(ConsumerRecord<String, String> r) {
    if (r.key() == null) {
      return;
    }
    Long mine = written.get(r.key());
    if (mine != null && r.offset() < mine) {
      return;
    }
    set(r.key(), r.value());
  }

  private void set(String key, String value) {
    String before = value == null ? map.remove(key) : map.put(key, value);
    if (!java.util.Objects.equals(before, value)) {
      listeners.forEach(l -> l.accept(key, value));
    }
  }

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(map.get(key));
  }

  @Override
  public Map<String, String> all() {
    return Map.copyOf(map);
  }

  @Override
  public void put(String key, String value) {
    write(key, value);
  }

  @Override
  public void delete(String key) {
    write(key, null);
  }

  private void write(String key, String value) {
    try {
      RecordMetadata md =
          producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
      written.put(key, md.offset());
      set(key, value);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while writing to " + topic.name() + ".", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Could not write to " + topic.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void onChange(BiConsumer<String, String> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      follower.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
