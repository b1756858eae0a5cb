package dev.vigil.app.topics;

/** A topic could not be created or described; the message is one sentence for people. */
public final class TopicAdminException extends RuntimeException {

  /**
   * @param message one sentence saying what failed
   * @param cause the underlying failure
   */
  public TopicAdminException(String message, Throwable cause) {
    super(message, cause);
  }
}
