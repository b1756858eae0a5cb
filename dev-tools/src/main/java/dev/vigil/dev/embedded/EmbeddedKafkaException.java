package dev.vigil.dev.embedded;

/** The embedded Kafka broker could not be formatted, started or reached. */
public final class EmbeddedKafkaException extends RuntimeException {

  /**
   * @param message one sentence saying what failed
   * @param cause the underlying failure, or null
   */
  public EmbeddedKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
