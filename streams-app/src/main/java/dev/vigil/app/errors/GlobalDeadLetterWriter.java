package dev.vigil.app.errors;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters for the global (reference data) thread with a producer of its own. Kafka
 * Streams 4.3 can only send handler-returned dead letters from stream tasks: in the global thread
 * it fails with a {@code ClassCastException} and the client ends in ERROR, so Vigil's handlers hand
 * global dead letters to this writer and resume with none. Created lazily, closed by the pipeline.
 */
public final class GlobalDeadLetterWriter
    implements Consumer<ProducerRecord<byte[], byte[]>>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GlobalDeadLetterWriter.class);

  private final Map<String, Object> producerConfig;
  private Producer<byte[], byte[]> producer;
  private boolean closed;

  /**
   * Creates the writer from the application's client settings.
   *
   * @param clientConfig bootstrap servers and security settings, plus {@code producer.}-prefixed
   *     producer settings
   */
  public GlobalDeadLetterWriter(Map<String, ?> clientConfig) {
    Map<String, Object> p = new HashMap<>();
    clientConfig.forEach(
        (k, v) -> {
          if (k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
              || k.startsWith("security.")
              || k.startsWith("sasl.")
              || k.startsWith("ssl.")) {
            p.put(k, v);
          } else if (k.startsWith("producer.")
              && ProducerConfig.configNames().contains(k.substring("producer.".length()))) {
            p.put(k.substring("producer.".length()), v);
          }
        });
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-global-dlq");
    p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    this.producerConfig = p;
  }

  /** Sends one dead letter and waits until it is written (at most 30 s), or logs why not. */
  @Override
  public synchronized void accept(ProducerRecord<byte[], byte[]> record) {
    if (closed) {
      LOG.warn("Dropped a global dead letter for {}: the pipeline is closing.", record.topic());
      return;
    }
    if (producer == null) {
      producer =
          new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    }
    try {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // The reference record is skipped either way: a failed DLQ write must not stop the app.
      LOG.error("Could not write a global dead letter to {}: {}", record.topic(), e.toString());
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (producer != null) {
      producer.close(java.time.Duration.ofSeconds(5));
    }
  }
}
