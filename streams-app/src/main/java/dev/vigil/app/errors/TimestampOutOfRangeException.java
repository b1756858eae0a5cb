package dev.vigil.app.errors;

/**
 * A signal whose event time lies beyond the accepted future skew or before the oldest accepted
 * time; it goes to the dead-letter topic with reason {@link DeadLetters#TIMESTAMP_OUT_OF_RANGE}.
 */
public final class TimestampOutOfRangeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with one sentence naming the field, the time and the bound. */
  public TimestampOutOfRangeException(String message) {
    super(message);
  }
}
