package dev.vigil.enforcement;

import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Kafka consumer for enforcement points: reads the commands topic and/or the SETs topic
 * ({@code read_committed}), verifies every SET, and applies decisions to a {@link RevocationView}.
 * A record that cannot be read or a SET that fails verification is counted, logged and skipped; the
 * loop never dies on bad input.
 */
public final class EnforcementClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EnforcementClient.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Topic<String, EnforcementCommand> commands;
  private final Topic<String, String> sets;
  private final SetVerifier verifier;
  private final RevocationView view;
  private final AtomicBoolean running = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicLong commandsRead = new AtomicLong();
  private final AtomicLong setsAccepted = new AtomicLong();
  private final AtomicLong setsRejected = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private Thread thread;

  /**
   * Creates the client (not started).
   *
   * @param kafka Kafka consumer properties, at least {@code bootstrap.servers}
   * @param groupId the consumer group; each enforcement point usually has its own
   * @param commands the commands topic, or null not to read it
   * @param sets the SETs topic, or null not to read it
   * @param verifier verifies SETs; required when {@code sets} is given
   * @param view where decisions are applied
   */
  public EnforcementClient(
      Map<String, Object> kafka,
      String groupId,
      Topic<String, EnforcementCommand> commands,
      Topic<String, String> sets,
      SetVerifier verifier,
      RevocationView view) {
    if (commands == null && sets == null) {
      throw new IllegalArgumentException("Give the commands topic, the SETs topic or both.");
    }
    if (sets != null && verifier == null) {
      throw new IllegalArgumentException("Reading SETs needs a verifier.");
    }
    this.commands = commands;
    this.sets = sets;
    this.verifier = verifier;
    this.view = Objects.requireNonNull(view, "view");
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Raw bytes: values are decoded per record so that one bad record is skipped, not fatal.
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Subscribes and starts polling on a daemon thread. */
  public synchronized void start() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    List<String> topics = new ArrayList<>();
    if (commands != null) {
      topics.add(commands.name());
    }
    if (sets != null) {
      topics.add(sets.name());
    }
    consumer.subscribe(topics);
    thread = new Thread(this::loop, "vigil-enforcement-client");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (running.get()) {
        try {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            handle(r);
          }
        } catch (RecordDeserializationException e) {
          unreadable.incrementAndGet();
          LOG.warn(
              "Skipped unreadable record {}-{}@{}: {}",
              e.topicPartition().topic(),
              e.topicPartition().partition(),
              e.offset(),
              e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    } catch (WakeupException e) {
      // close() was called.
    } catch (RuntimeException e) {
      LOG.error("The enforcement client stopped: {}", e.toString(), e);
    } finally {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
      stopped.countDown();
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> r) {
    try {
      if (commands != null && r.topic().equals(commands.name())) {
        EnforcementCommand c = decode(commands.valueSerde().deserializer(), r);
        if (c != null) {
          commandsRead.incrementAndGet();
          view.apply(c);
        }
      } else if (sets != null && r.topic().equals(sets.name())) {
        String token = decode(sets.valueSerde().deserializer(), r);
        if (token == null) {
          return;
        }
        try {
          VerifiedSet set = verifier.verify(token);
          setsAccepted.incrementAndGet();
          view.apply(set);
        } catch (SetVerificationException e) {
          setsRejected.incrementAndGet();
          LOG.warn(
              "Rejected SET {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
      }
    } catch (RuntimeException e) {
      unreadable.incrementAndGet();
      LOG.warn(
          "Skipped unreadable record {}-{}@{}: {}",
          r.topic(),
          r.partition(),
          r.offset(),
          e.toString());
    }
  }

  private static <T> T decode(Deserializer<T> deserializer, ConsumerRecord<byte[], byte[]> r) {
    return r.value() == null ? null : deserializer.deserialize(r.topic(), r.headers(), r.value());
  }

  /** The view decisions are applied to. */
  public RevocationView view() {
    return view;
  }

  /** Commands read. */
  public long commandsRead() {
    return commandsRead.get();
  }

  /** SETs that verified. */
  public long setsAccepted() {
    return setsAccepted.get();
  }

  /** SETs rejected by the verifier. */
  public long setsRejected() {
    return setsRejected.get();
  }

  /** Records that could not be decoded. */
  public long unreadable() {
    return unreadable.get();
  }

  /** Stops polling and closes the consumer, waiting up to ten seconds. */
  @Override
  public void close() {
    if (running.compareAndSet(true, false)) {
      try {
        consumer.wakeup();
      } catch (IllegalStateException alreadyClosed) {
        // The loop ended on its own and closed the consumer.
      }
      try {
        stopped.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (thread == null) {
      consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
