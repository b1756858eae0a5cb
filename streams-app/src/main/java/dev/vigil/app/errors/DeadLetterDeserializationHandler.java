package dev.vigil.app.errors;

import dev.vigil.app.metrics.VigilMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends records that cannot be decoded to the dead-letter topic and carries on. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

  private String topic;
  private VigilMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = DeadLetters.topic(configs);
    metrics = DeadLetters.metrics(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    String reason = DeadLetters.reasonOf(exception);
    DeadLetters.log(LOG, context, reason, exception);
    metrics.deadLetterUndecoded(reason, context.topic());
    return Response.resume(
        List.of(
            DeadLetters.record(
                topic, record.key(), record.value(), context, "deserializer", exception)));
  }
}
