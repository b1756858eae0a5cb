package dev.vigil.app.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.schemas.serde.RecordRejectedException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class DeadLetterHandlersTest {

  private static final String GLOBAL = "vigil.reference.threat-intel.v1";
  private static final String SIGNALS = "vigil.signals.login.v1";

  private final List<ProducerRecord<byte[], byte[]>> written = new CopyOnWriteArrayList<>();
  private final VigilMetrics metrics = VigilMetrics.inMemory();

  private Map<String, Object> configs() {
    return Map.of(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
        "vigil.dlq.v1",
        DeadLetters.METRICS_CONFIG,
        metrics,
        DeadLetters.GLOBAL_TOPICS_CONFIG,
        GLOBAL + ",vigil.reference.policy.v1",
        DeadLetters.GLOBAL_WRITER_CONFIG,
        (Consumer<ProducerRecord<byte[], byte[]>>) written::add);
  }

  private static ErrorHandlerContext at(String topic, byte[] value) {
    return new ErrorHandlerContext() {
      @Override
      public String topic() {
        return topic;
      }

      @Override
      public int partition() {
        return 0;
      }

      @Override
      public long offset() {
        return 41;
      }

      @Override
      public Headers headers() {
        return new RecordHeaders();
      }

      @Override
      public String processorNodeId() {
        return "threat-intel-source";
      }

      @Override
      public TaskId taskId() {
        return null; // As in the global thread, which runs no task.
      }

      @Override
      public long timestamp() {
        return 0;
      }

      @Override
      public byte[] sourceRawKey() {
        return null;
      }

      @Override
      public byte[] sourceRawValue() {
        return value;
      }
    };
  }

  private static final byte[] GARBAGE = "not avro".getBytes(StandardCharsets.UTF_8);

  private static RecordRejectedException malformed(String topic) {
    return new RecordRejectedException(RecordRejectedException.Reason.MALFORMED, topic, "bad");
  }

  @Test
  void shouldWriteADeadLetterFromTheGlobalThreadItselfAndReturnNoneToKafkaStreams() {
    // Given the deserialization handler configured as Vigil's pipeline does
    DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
    handler.configure(configs());

    // When a reference record cannot be decoded
    DeserializationExceptionHandler.Response response =
        handler.handleError(
            at(GLOBAL, GARBAGE),
            new ConsumerRecord<>(GLOBAL, 0, 41, "k".getBytes(StandardCharsets.UTF_8), GARBAGE),
            malformed(GLOBAL));

    // Then it resumes, hands Kafka Streams nothing to send (it cannot from that thread)
    assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
    // And the dead letter went through Vigil's writer with where and why
    assertThat(written).hasSize(1);
    assertThat(written.get(0).value()).isEqualTo(GARBAGE);
    assertThat(header(written.get(0), DeadLetters.HEADER_TOPIC)).isEqualTo(GLOBAL);
    assertThat(header(written.get(0), DeadLetters.HEADER_OFFSET)).isEqualTo("41");
    assertThat(header(written.get(0), DeadLetters.HEADER_REASON)).isEqualTo("MALFORMED");
    assertThat(metrics.total("vigil.dlq.records")).isEqualTo(1);
  }

  @Test
  void shouldDoTheSameForAProcessingFailureInTheGlobalThread() {
    // Given the processing handler configured as Vigil's pipeline does
    DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
    handler.configure(configs());

    // When indexing a reference record fails
    ProcessingExceptionHandler.Response response =
        handler.handleError(
            at(GLOBAL, GARBAGE), new Record<>("k", "v", 0L), new IllegalStateException("boom"));

    // Then it resumes with nothing for Kafka Streams, and the writer got the record
    assertThat(response.deadLetterQueueRecords()).isEmpty();
    assertThat(written).hasSize(1);
    assertThat(header(written.get(0), DeadLetters.HEADER_REASON))
        .isEqualTo(DeadLetters.PROCESSING_ERROR);
  }

  @Test
  void shouldLeaveStreamTaskDeadLettersToKafkaStreams() {
    // Given the deserialization handler
    DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
    handler.configure(configs());

    // When a signal record cannot be decoded in a stream task
    DeserializationExceptionHandler.Response response =
        handler.handleError(
            at(SIGNALS, GARBAGE),
            new ConsumerRecord<>(SIGNALS, 0, 41, null, GARBAGE),
            malformed(SIGNALS));

    // Then Kafka Streams sends it inside the task's transaction; the global writer is unused
    assertThat(response.deadLetterQueueRecords()).hasSize(1);
    assertThat(written).isEmpty();
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    assertThat(r.headers().lastHeader(name)).as(name).isNotNull();
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
