package dev.vigil.app.ingest;

/** A mapping file that cannot be used; the message is one sentence naming the place. */
public final class MappingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public MappingException(String message) {
    super(message);
  }

  /** Creates the exception with its cause. */
  public MappingException(String message, Throwable cause) {
    super(message, cause);
  }
}
