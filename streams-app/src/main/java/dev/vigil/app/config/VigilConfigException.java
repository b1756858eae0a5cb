package dev.vigil.app.config;

/**
 * A configuration mistake. The message is one sentence naming the setting, where it was set (file,
 * environment variable or flag) and what is allowed.
 */
public final class VigilConfigException extends RuntimeException {

  /**
   * @param message one sentence for people
   */
  public VigilConfigException(String message) {
    super(message);
  }

  /**
   * @param message one sentence for people
   * @param cause the underlying failure, e.g. a YAML parse error
   */
  public VigilConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
