package dev.vigil.app.errors;

import dev.vigil.schemas.serde.RecordRejectedException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;

/**
 * Builds dead-letter records: the original key and value bytes, unchanged, with headers saying what
 * and why. Kafka Streams' own header names ({@code __streams.errors.*}) are kept so standard
 * tooling reads them, and Vigil adds a machine-readable reason.
 */
public final class DeadLetters {

  /** Header: why, one of {@link #reasons()}. */
  public static final String HEADER_REASON = "vigil.dlq.reason";

  /** Header: one sentence for people. */
  public static final String HEADER_DETAIL = "vigil.dlq.detail";

  /** Header: the ingest mapping's reason for an unmappable raw record, e.g. bad-timestamp. */
  public static final String HEADER_INGEST_REASON = "vigil.dlq.ingest-reason";

  /** Reason for raw source records an ingest mapping rejects. */
  public static final String UNMAPPABLE = "UNMAPPABLE";

  /** Header: the processor node that failed, or "deserializer". */
  public static final String HEADER_NODE = "vigil.dlq.node";

  /** Header: Kafka Streams task id. */
  public static final String HEADER_TASK = "vigil.dlq.task";

  /** Kafka Streams' exception class header. */
  public static final String HEADER_EXCEPTION = "__streams.errors.exception";

  /** Kafka Streams' exception message header. */
  public static final String HEADER_MESSAGE = "__streams.errors.message";

  /** Kafka Streams' stack trace header. */
  public static final String HEADER_STACKTRACE = "__streams.errors.stacktrace";

  /** Kafka Streams' source topic header. */
  public static final String HEADER_TOPIC = "__streams.errors.topic";

  /** Kafka Streams' source partition header. */
  public static final String HEADER_PARTITION = "__streams.errors.partition";

  /** Kafka Streams' source offset header. */
  public static final String HEADER_OFFSET = "__streams.errors.offset";

  /** Config key under which the metrics object is handed to the handlers. */
  public static final String METRICS_CONFIG = "vigil.metrics";

  /** Reason for failures that are not a rejected record: a bug or an unexpected value. */
  public static final String PROCESSING_ERROR = "PROCESSING_ERROR";

  /** Reason for an event time beyond the accepted future skew or older than the accepted age. */
  public static final String TIMESTAMP_OUT_OF_RANGE = "TIMESTAMP_OUT_OF_RANGE";

  /** Header: "true" when the key or value was cut to fit the dead-letter topic. */
  public static final String HEADER_TRUNCATED = "vigil.dlq.truncated";

  /** Header: the original value size in bytes, present when truncated. */
  public static final String HEADER_ORIGINAL_SIZE = "vigil.dlq.original.size";

  /** Header: the original key size in bytes, present when the key was truncated. */
  public static final String HEADER_ORIGINAL_KEY_SIZE = "vigil.dlq.original.key.size";

  /** Config key: largest key or value copied into a dead letter; longer ones are truncated. */
  public static final String MAX_VALUE_BYTES_CONFIG = "vigil.dlq.max.value.bytes";

  /** Default of {@link #MAX_VALUE_BYTES_CONFIG}: well under any broker's message size limit. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 64 * 1024;

  /** Config key: comma-separated topics read by the global (reference data) thread. */
  public static final String GLOBAL_TOPICS_CONFIG = "vigil.dlq.global.topics";

  /** Config key: the {@link GlobalDeadLetterWriter} (or any consumer) for global dead letters. */
  public static final String GLOBAL_WRITER_CONFIG = "vigil.dlq.global.writer";

  private DeadLetters() {}

  /** Every reason a record can carry. */
  public static List<String> reasons() {
    List<String> out = new ArrayList<>();
    for (RecordRejectedException.Reason r : RecordRejectedException.Reason.values()) {
      out.add(r.name());
    }
    out.add(TIMESTAMP_OUT_OF_RANGE);
    out.add(UNMAPPABLE);
    out.add(PROCESSING_ERROR);
    return out;
  }

  /** The reason code for an exception, looking through its causes. */
  public static String reasonOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RecordRejectedException r) {
        return r.reason().name();
      }
      if (t instanceof InvalidSignalException) {
        return RecordRejectedException.Reason.OUT_OF_RANGE.name();
      }
      if (t instanceof TimestampOutOfRangeException) {
        return TIMESTAMP_OUT_OF_RANGE;
      }
      if (t instanceof UnmappableRecordException) {
        return UNMAPPABLE;
      }
    }
    return PROCESSING_ERROR;
  }

  /** The innermost useful message. */
  static String detailOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RecordRejectedException
          || t instanceof InvalidSignalException
          || t instanceof TimestampOutOfRangeException
          || t instanceof UnmappableRecordException) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /**
   * The dead-letter record for a failure.
   *
   * @param dlqTopic the dead-letter topic
   * @param key the original key bytes
   * @param value the original value bytes
   * @param context where it failed
   * @param node the processor node, or "deserializer"
   * @param e the failure
   */
  public static ProducerRecord<byte[], byte[]> record(
      String dlqTopic,
      byte[] key,
      byte[] value,
      ErrorHandlerContext context,
      String node,
      Exception e) {
    return record(dlqTopic, key, value, context, node, e, DEFAULT_MAX_VALUE_BYTES);
  }

  /**
   * The dead-letter record for a failure, with key and value cut to {@code maxBytes} so that a
   * record the input topic could hold (compressed) always fits the dead-letter topic.
   *
   * @param dlqTopic the dead-letter topic
   * @param key the original key bytes
   * @param value the original value bytes
   * @param context where it failed
   * @param node the processor node, or "deserializer"
   * @param e the failure
   * @param maxBytes the largest key or value copied
   */
  public static ProducerRecord<byte[], byte[]> record(
      String dlqTopic,
      byte[] key,
      byte[] value,
      ErrorHandlerContext context,
      String node,
      Exception e,
      int maxBytes) {
    Headers h = new RecordHeaders();
    boolean truncated = false;
    if (value != null && value.length > maxBytes) {
      put(h, HEADER_ORIGINAL_SIZE, Integer.toString(value.length));
      value = Arrays.copyOf(value, maxBytes);
      truncated = true;
    }
    if (key != null && key.length > maxBytes) {
      put(h, HEADER_ORIGINAL_KEY_SIZE, Integer.toString(key.length));
      key = Arrays.copyOf(key, maxBytes);
      truncated = true;
    }
    if (truncated) {
      put(h, HEADER_TRUNCATED, "true");
    }
    put(h, HEADER_REASON, reasonOf(e));
    put(h, HEADER_DETAIL, detailOf(e));
    if (e instanceof UnmappableRecordException u) {
      put(h, HEADER_INGEST_REASON, u.ingestReason());
    }
    put(h, HEADER_NODE, node);
    put(h, HEADER_TASK, String.valueOf(context.taskId()));
    put(h, HEADER_EXCEPTION, e.getClass().getName());
    put(h, HEADER_MESSAGE, String.valueOf(e.getMessage()));
    put(h, HEADER_STACKTRACE, stackTrace(e));
    put(h, HEADER_TOPIC, context.topic());
    put(h, HEADER_PARTITION, Integer.toString(context.partition()));
    put(h, HEADER_OFFSET, Long.toString(context.offset()));
    return new ProducerRecord<>(dlqTopic, null, key, value, h);
  }

  private static void put(Headers h, String name, String value) {
    if (value != null) {
      h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String stackTrace(Throwable e) {
    StringWriter sw = new StringWriter();
    e.printStackTrace(new PrintWriter(sw));
    String s = sw.toString();
    return s.length() > 8192 ? s.substring(0, 8192) : s;
  }

  /** The dead-letter topic from the handler's config; Vigil always sets it. */
  static String topic(Map<String, ?> configs) {
    Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    if (t == null) {
      throw new IllegalStateException(
          StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " must be set for Vigil.");
    }
    return t.toString();
  }

  /** The largest key or value copied into a dead letter, from the handler's config. */
  static int maxValueBytes(Map<String, ?> configs) {
    Object v = configs.get(MAX_VALUE_BYTES_CONFIG);
    return v == null ? DEFAULT_MAX_VALUE_BYTES : Integer.parseInt(v.toString());
  }

  /** The topics read by the global thread, from the handler's config. */
  static Set<String> globalTopics(Map<String, ?> configs) {
    Object v = configs.get(GLOBAL_TOPICS_CONFIG);
    if (v == null || v.toString().isBlank()) {
      return Set.of();
    }
    return Set.of(v.toString().split(","));
  }

  /**
   * Where global dead letters go: the configured writer, or a log line when none is configured (a
   * test driver without a broker).
   */
  @SuppressWarnings("unchecked")
  static Consumer<ProducerRecord<byte[], byte[]>> globalWriter(Map<String, ?> configs, Logger log) {
    Object w = configs.get(GLOBAL_WRITER_CONFIG);
    if (w instanceof Consumer<?> c) {
      return (Consumer<ProducerRecord<byte[], byte[]>>) c;
    }
    return r -> log.warn("No writer for global dead letters; skipped a record of {}.", r.topic());
  }

  /**
   * What a handler returns for a dead letter: the record itself in a stream task; in the global
   * thread, where Kafka Streams cannot send handler records, nothing, after writing it through
   * {@code globalWriter}.
   */
  static List<ProducerRecord<byte[], byte[]>> route(
      ProducerRecord<byte[], byte[]> deadLetter,
      ErrorHandlerContext context,
      Set<String> globalTopics,
      Consumer<ProducerRecord<byte[], byte[]>> globalWriter) {
    if (context.topic() != null && globalTopics.contains(context.topic())) {
      globalWriter.accept(deadLetter);
      return List.of();
    }
    return List.of(deadLetter);
  }

  /** The metrics object handed over in the config, or in-memory meters when absent. */
  static DeadLetterCounter metrics(Map<String, ?> configs) {
    return configs.get(METRICS_CONFIG) instanceof DeadLetterCounter m ? m : DeadLetterCounter.NONE;
  }

  /** Logs one line: task, topic, partition, offset and the cause. */
  static void log(Logger log, ErrorHandlerContext c, String reason, Throwable e) {
    log.warn(
        "Sent record to the dead-letter topic: reason={} task={} topic={} partition={} offset={}"
            + " cause={}",
        reason,
        c.taskId(),
        c.topic(),
        c.partition(),
        c.offset(),
        detailOf(e));
  }
}
