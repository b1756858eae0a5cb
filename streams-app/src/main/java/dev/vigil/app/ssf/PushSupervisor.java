package dev.vigil.app.ssf;

import dev.vigil.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs push delivery for every enabled or disabled push stream on this instance: one consumer per
 * stream in the consumer group {@code <application.id>-ssf-<stream_id>}, so the SETs topic's
 * partitions are shared among all instances and the committed offsets are the stream's delivery
 * position. An offset is committed only after the SET was delivered (or deliberately dropped), so
 * delivery is at-least-once. A paused stream's consumer stops and holds its position; a disabled
 * stream's consumer skips SETs. When delivery fails for good, the stream is paused through {@code
 * onFailure}.
 */
public final class PushSupervisor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PushSupervisor.class);

  private final Map<String, Object> clientProperties;
  private final Topic<String, String> sets;
  private final String groupPrefix;
  private final SsfEvents events;
  private final PushDelivery delivery;
  private final BiConsumer<String, String> onFailure;
  private final Map<String, Runner> runners = new HashMap<>();
  private boolean closed;

  /**
   * @param clientProperties Kafka client properties
   * @param sets the SETs topic
   * @param groupPrefix consumer group prefix, the application id
   * @param events re-issues SETs for a stream
   * @param delivery pushes SETs
   * @param onFailure called with (stream id, reason) when a stream cannot deliver
   */
  public PushSupervisor(
      Map<String, Object> clientProperties,
      Topic<String, String> sets,
      String groupPrefix,
      SsfEvents events,
      PushDelivery delivery,
      BiConsumer<String, String> onFailure) {
    this.clientProperties = Map.copyOf(clientProperties);
    this.sets = Objects.requireNonNull(sets, "sets");
    this.groupPrefix = Objects.requireNonNull(groupPrefix, "groupPrefix");
    this.events = Objects.requireNonNull(events, "events");
    this.delivery = Objects.requireNonNull(delivery, "delivery");
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
  }

  /** Starts, updates or stops the runner of one stream to match its configuration (null: gone). */
  public synchronized void apply(String streamId, SsfStream stream) {
    if (closed) {
      return;
    }
    Runner current = runners.get(streamId);
    boolean wanted = stream != null && stream.isPush() && !SsfStream.PAUSED.equals(stream.status());
    if (!wanted) {
      if (current != null) {
        runners.remove(streamId).stop();
      }
      return;
    }
    if (current != null) {
      current.stream = stream;
      return;
    }
    Runner r = new Runner(stream);
    runners.put(streamId, r);
    r.thread.start();
  }

  @Override
  public void close() {
    List<Runner> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(runners.values());
      runners.clear();
    }
    all.forEach(Runner::stop);
  }

  private final class Runner {
    private volatile SsfStream stream;
    private volatile boolean running = true;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;

    Runner(SsfStream stream) {
      this.stream = stream;
      Map<String, Object> c = new HashMap<>(clientProperties);
      c.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + "-ssf-" + stream.streamId());
      c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
      c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
      consumer =
          new KafkaConsumer<>(c, sets.keySerde().deserializer(), sets.valueSerde().deserializer());
      thread = new Thread(this::run, "vigil-ssf-push-" + stream.streamId());
      thread.setDaemon(true);
    }

    private void run() {
      try {
        consumer.subscribe(List.of(sets.name()), new StartAtCreation());
        while (running) {
          ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
          Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
          for (ConsumerRecord<String, String> r : records) {
            if (!running || !deliver(r)) {
              commit(done);
              return;
            }
            done.put(
                new TopicPartition(r.topic(), r.partition()),
                new OffsetAndMetadata(r.offset() + 1));
          }
          commit(done);
        }
      } catch (WakeupException e) {
        // stopping
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("Push delivery of stream {} stopped: {}", stream.streamId(), e.getMessage(), e);
      } finally {
        consumer.close(
            org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
      }
    }

    /** False when delivery must stop (the stream is paused); the record is then not committed. */
    private boolean deliver(ConsumerRecord<String, String> r) throws InterruptedException {
      SsfStream s = stream;
      if (!SsfStream.ENABLED.equals(s.status()) || r.value() == null) {
        return true;
      }
      var issued = events.reissue(s, r.value());
      if (issued.isEmpty()) {
        return true;
      }
      PushDelivery.Outcome o =
          delivery.push(
              s.endpointUrl(), s.authorizationHeader(), issued.get().token(), issued.get().jti());
      switch (o.result()) {
        case DELIVERED -> {
          return true;
        }
        case DROPPED -> {
          LOG.warn("Stream {}: {}", s.streamId(), o.detail());
          return true;
        }
        default -> {
          LOG.warn("Stream {} paused: {}", s.streamId(), o.detail());
          running = false;
          onFailure.accept(s.streamId(), o.detail());
          return false;
        }
      }
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> done) {
      if (!done.isEmpty()) {
        consumer.commitSync(done);
      }
    }

    void stop() {
      running = false;
      consumer.wakeup();
      if (Thread.currentThread() != thread) {
        try {
          thread.join(15_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** A new stream starts with the SETs published after it was created (its start offsets). */
    private final class StartAtCreation implements ConsumerRebalanceListener {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            consumer.committed(new java.util.HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
          if (committed.get(tp) == null) {
            consumer.seek(tp, stream.startOffsets().getOrDefault(tp.partition(), 0L));
          }
        }
      }
    }
  }
}
