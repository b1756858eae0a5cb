package dev.vigil.schemas.serde;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes cannot be turned into a value and never will be: retrying does not help, so the
 * pipeline's dead-letter handler sends it to the DLQ with {@link #reason()}. Failures that may pass
 * on retry (registry unreachable) are plain {@link SerializationException}s instead.
 */
public class RecordRejectedException extends SerializationException {

  private static final long serialVersionUID = 1L;

  /** Why a record was rejected. */
  public enum Reason {
    /** Not in the wire format: bad magic byte, truncated, or not decodable with its schema. */
    MALFORMED,
    /** Larger than the configured maximum record size; not decoded at all. */
    OVERSIZED,
    /** The schema id in the record is not in the schema registry. */
    UNKNOWN_SCHEMA,
    /** The writer's schema cannot be resolved to the reader's schema. */
    INCOMPATIBLE_SCHEMA,
    /** Decoded, but a value is outside its allowed range (validation done by the pipeline). */
    OUT_OF_RANGE
  }

  private final Reason reason;
  private final String topic;

  /**
   * Creates the exception.
   *
   * @param reason why the record was rejected
   * @param topic the topic the record came from, may be null
   * @param message one sentence naming the topic and the cause
   * @param cause the underlying failure, may be null
   */
  public RecordRejectedException(Reason reason, String topic, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.topic = topic;
  }

  /**
   * Creates the exception without a cause.
   *
   * @param reason why the record was rejected
   * @param topic the topic the record came from, may be null
   * @param message one sentence naming the topic and the cause
   */
  public RecordRejectedException(Reason reason, String topic, String message) {
    this(reason, topic, message, null);
  }

  /** Why the record was rejected. */
  public Reason reason() {
    return reason;
  }

  /** The topic the record came from, or null if unknown. */
  public String topic() {
    return topic;
  }
}
