package dev.vigil.app;

import dev.vigil.app.errors.DeadLetterDeserializationHandler;
import dev.vigil.app.errors.DeadLetterProcessingHandler;
import dev.vigil.app.errors.DeadLetters;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.topology.StoreNames;
import dev.vigil.schemas.topic.Topics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
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
  private final CountDownLatch running = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /**
   * Creates the pipeline (not started).
   *
   * @param topology the topology
   * @param properties Kafka Streams properties; Vigil's error handling is added by {@link
   *     #withVigilDefaults}
   * @param metrics where Kafka Streams' own metrics are bound
   */
  public Pipeline(Topology topology, Properties properties, VigilMetrics metrics) {
    this.streams = new KafkaStreams(topology, properties);
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(metrics.registry());
    metrics.subjectsTracked(this::subjectsTracked);
    metrics.inputLag(this::inputLag);
    streams.setStateListener(
        (now, before) -> {
          LOG.info("Kafka Streams state {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          } else if (now == KafkaStreams.State.ERROR) {
            running.countDown();
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("A stream thread failed; replacing it: {}", e.toString(), e);
          failure.set(e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
  }

  /**
   * Adds what every Vigil deployment needs to Kafka Streams properties: dead-letter handlers and
   * topic, the metrics object for them, and exactly-once unless configured otherwise.
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
    // Bad reference data (threat intel, policy, profiles) is dead-lettered too, not fatal.
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(DeadLetters.METRICS_CONFIG, metrics);
    return p;
  }

  /**
   * Starts and waits until the instance is running.
   *
   * @param maxWait how long to wait
   * @throws IllegalStateException with one sentence if it fails or does not get there in time
   */
  public void start(Duration maxWait) {
    streams.start();
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
    if (streams.state() == KafkaStreams.State.ERROR) {
      throw new IllegalStateException("Kafka Streams failed to start: " + failure.get());
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
  }
}
