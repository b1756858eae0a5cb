package dev.vigil.app;

import dev.vigil.app.errors.DeadLetterDeserializationHandler;
import dev.vigil.app.errors.DeadLetterProcessingHandler;
import dev.vigil.app.errors.DeadLetters;
import dev.vigil.app.errors.GlobalDeadLetterWriter;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.state.BoundedMemoryRocksDbConfig;
import dev.vigil.app.topology.SignalTimestampExtractor;
import dev.vigil.app.topology.StoreNames;
import dev.vigil.app.topology.TimestampBounds;
import dev.vigil.app.topology.VigilTopology;
import dev.vigil.schemas.topic.Topics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one Kafka Streams instance running Vigil's topology: error handling, metrics binding, a
 * bounded start wait and a bounded close. State directories are only wiped when asked.
 */
public final class Pipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final GlobalDeadLetterWriter globalDeadLetters;
  private final CountDownLatch running = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final java.util.Set<TopicPartition> restoring = ConcurrentHashMap.newKeySet();

  /**
   * Creates the pipeline (not started).
   *
   * @param topology the topology
   * @param properties Kafka Streams properties; Vigil's error handling is added by {@link
   *     #withVigilDefaults}
   * @param metrics where Kafka Streams' own metrics are bound
   */
  public Pipeline(Topology topology, Properties properties, VigilMetrics metrics) {
    Properties p = new Properties();
    p.putAll(properties);
    if (p.get(DeadLetters.GLOBAL_WRITER_CONFIG) == null) {
      Map<String, Object> client = new HashMap<>();
      p.forEach((k, v) -> client.put(k.toString(), v));
      globalDeadLetters = new GlobalDeadLetterWriter(client);
      p.put(DeadLetters.GLOBAL_WRITER_CONFIG, globalDeadLetters);
    } else {
      globalDeadLetters = null;
    }
    this.streams = new KafkaStreams(topology, p);
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(metrics.registry());
    metrics.subjectsTracked(this::subjectsTracked);
    metrics.inputLag(this::inputLag);
    streams.setStateListener(
        (now, before) -> {
          LOG.info("Kafka Streams state {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          } else if (now == KafkaStreams.State.ERROR
              || now == KafkaStreams.State.PENDING_ERROR
              || now == KafkaStreams.State.PENDING_SHUTDOWN) {
            running.countDown();
          }
        });
    streams.setGlobalStateRestoreListener(new RestoreTracker());
    streams.setUncaughtExceptionHandler(
        e -> {
          String refused = refusal(e);
          if (refused != null) {
            // A replaced thread would be refused again, forever: fail closed instead.
            LOG.error(refused);
            failure.set(new IllegalStateException(refused, e));
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          }
          LOG.error("A stream thread failed; replacing it: {}", e.toString(), e);
          failure.set(e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  /**
   * Adds what every Vigil deployment needs to Kafka Streams properties: dead-letter handlers and
   * topic (global topics written by Vigil's own producer, oversized originals truncated), the
   * metrics object for them, the timestamp extractor and bounds, and, unless configured otherwise,
   * exactly-once, one standby replica and the bounded RocksDB memory budget.
   */
  public static Properties withVigilDefaults(
      Properties properties, Topics topics, VigilMetrics metrics) {
    Properties p = new Properties();
    p.putAll(properties);
    p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters().name());
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class);
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
    // Bad reference data (threat intel, policy, profiles) is dead-lettered too, not fatal. The
    // flag is deprecated because a later Kafka enables this by default; until then it is needed.
    enableGlobalProcessingHandler(p);
    p.put(DeadLetters.METRICS_CONFIG, metrics);
    p.put(DeadLetters.GLOBAL_TOPICS_CONFIG, String.join(",", VigilTopology.globalTopics(topics)));
    p.putIfAbsent(DeadLetters.MAX_VALUE_BYTES_CONFIG, DeadLetters.DEFAULT_MAX_VALUE_BYTES);
    p.putIfAbsent(
        StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, SignalTimestampExtractor.class);
    p.putIfAbsent(
        TimestampBounds.MAX_FUTURE_SKEW_MS_CONFIG,
        TimestampBounds.DEFAULTS.maxFutureSkew().toMillis());
    p.putIfAbsent(TimestampBounds.MAX_AGE_MS_CONFIG, TimestampBounds.DEFAULTS.maxAge().toMillis());
    p.putIfAbsent(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
    p.putIfAbsent(
        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedMemoryRocksDbConfig.class);
    return p;
  }

  /**
   * Starts and waits until the instance is running.
   *
   * @param maxWait how long to wait
   * @throws IllegalStateException with one sentence if it fails or does not get there in time
   */
  public void start(Duration maxWait) {
    try {
      streams.start();
    } catch (RuntimeException e) {
      // The global thread starts inside start(): a refused global topic fails right here.
      String refused = refusal(e);
      if (refused != null) {
        throw new IllegalStateException(refused, e);
      }
      throw e;
    }
    try {
      if (!running.await(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "Kafka Streams did not reach RUNNING within "
                + maxWait.toSeconds()
                + " s (state "
                + streams.state()
                + "); is the broker reachable?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting Kafka Streams.", e);
    }
    KafkaStreams.State state = streams.state();
    if (state == KafkaStreams.State.ERROR
        || state == KafkaStreams.State.PENDING_ERROR
        || state == KafkaStreams.State.PENDING_SHUTDOWN
        || state == KafkaStreams.State.NOT_RUNNING) {
      Throwable f = failure.get();
      if (f instanceof IllegalStateException refused && refusal(f) != null) {
        throw refused;
      }
      throw new IllegalStateException("Kafka Streams failed to start: " + f);
    }
  }

  /** One sentence when Kafka refused Vigil's principal (authentication or ACL), else null. */
  static String refusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.AuthorizationException
          || t instanceof org.apache.kafka.common.errors.AuthenticationException) {
        return "Kafka refused Vigil's principal ("
            + t.getClass().getSimpleName()
            + ": "
            + t.getMessage()
            + "); grant the ACLs listed in docs/security.md and restart.";
      }
    }
    return null;
  }

  /** How many store changelog partitions are being restored now. */
  public int restoringPartitions() {
    return restoring.size();
  }

  /** Whether the instance is RUNNING with every store restored: what readiness means. */
  public boolean isReady() {
    return streams.state() == KafkaStreams.State.RUNNING && restoring.isEmpty();
  }

  /** Tracks the changelog partitions whose restoration has started and not yet ended. */
  private final class RestoreTracker implements StateRestoreListener {
    @Override
    public void onRestoreStart(
        TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
      restoring.add(partition);
    }

    @Override
    public void onBatchRestored(
        TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {}

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
      restoring.remove(partition);
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
      restoring.remove(partition);
    }
  }

  /** Active subjects in this instance's risk store (an estimate); 0 while it cannot be read. */
  private double subjectsTracked() {
    if (streams.state() != KafkaStreams.State.RUNNING) {
      return 0;
    }
    try {
      return streams
          .store(
              StoreQueryParameters.fromNameAndType(
                  StoreNames.SUBJECT_RISK, QueryableStoreTypes.<String, Object>keyValueStore()))
          .approximateNumEntries();
    } catch (InvalidStateStoreException e) {
      return 0;
    }
  }

  /**
   * Records behind on the partitions the stream threads' consumers are assigned: the sum of their
   * per-partition {@code records-lag}, skipping partitions not fetched yet.
   */
  private double inputLag() {
    double sum = 0;
    for (var e : streams.metrics().entrySet()) {
      MetricName n = e.getKey();
      String client = n.tags().getOrDefault("client-id", "");
      if (n.name().equals("records-lag")
          && n.group().equals("consumer-fetch-manager-metrics")
          && n.tags().containsKey("partition")
          && client.contains("-StreamThread-")
          && client.endsWith("-consumer")
          && e.getValue().metricValue() instanceof Number lag
          && !Double.isNaN(lag.doubleValue())) {
        sum += lag.doubleValue();
      }
    }
    return sum;
  }

  /** The Kafka Streams instance, for interactive queries and state. */
  public KafkaStreams streams() {
    return streams;
  }

  /** Closes with a bounded wait (30 s). */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /** Closes with the given bounded wait. */
  public void close(Duration timeout) {
    streams.close(timeout);
    streamsMetrics.close();
    if (globalDeadLetters != null) {
      globalDeadLetters.close();
    }
  }

  @SuppressWarnings("deprecation")
  private static void enableGlobalProcessingHandler(Properties p) {
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
  }
}
