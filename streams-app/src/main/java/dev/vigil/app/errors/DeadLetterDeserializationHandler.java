package dev.vigil.app.errors;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be decoded to the dead-letter topic and carries on; records of global
 * (reference data) topics go through Vigil's own writer, since Kafka Streams cannot send them.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

  private String topic;
  private DeadLetterCounter metrics;
  private int maxBytes;
  private Set<String> globalTopics;
  private Consumer<ProducerRecord<byte[], byte[]>> globalWriter;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = DeadLetters.topic(configs);
    metrics = DeadLetters.metrics(configs);
    maxBytes = DeadLetters.maxValueBytes(configs);
    globalTopics = DeadLetters.globalTopics(configs);
    globalWriter = DeadLetters.globalWriter(configs, LOG);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    String reason = DeadLetters.reasonOf(exception);
    DeadLetters.log(LOG, context, reason, exception);
    metrics.deadLetterUndecoded(reason, context.topic());
    return Response.resume(
        DeadLetters.route(
            DeadLetters.record(
                topic, record.key(), record.value(), context, "deserializer", exception, maxBytes),
            context,
            globalTopics,
            globalWriter));
  }
}
