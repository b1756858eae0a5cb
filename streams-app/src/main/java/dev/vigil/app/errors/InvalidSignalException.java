package dev.vigil.app.errors;

/** A decoded signal whose values are out of range; it goes to the dead-letter topic. */
public final class InvalidSignalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with one sentence naming the field and the problem. */
  public InvalidSignalException(String message) {
    super(message);
  }
}
