package dev.vigil.app.errors;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the source record of a failed processing step (out-of-range values, or a bug in one
 * detector) to the dead-letter topic and carries on, so one bad record never stops the pipeline.
 * Failures in the global (reference data) thread go through Vigil's own writer, since Kafka Streams
 * cannot send dead letters from there.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

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
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    String reason = DeadLetters.reasonOf(exception);
    DeadLetters.log(LOG, context, reason, exception);
    metrics.deadLetter(reason, context.topic());
    return Response.resume(
        DeadLetters.route(
            DeadLetters.record(
                topic,
                context.sourceRawKey(),
                context.sourceRawValue(),
                context,
                context.processorNodeId(),
                exception,
                maxBytes),
            context,
            globalTopics,
            globalWriter));
  }
}
