package dev.vigil.enforcement;

/** A SET was rejected; the message is one sentence saying why. */
public final class SetVerificationException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * @param message one sentence for people
   */
  public SetVerificationException(String message) {
    super(message);
  }

  /**
   * @param message one sentence for people
   * @param cause the underlying failure
   */
  public SetVerificationException(String message, Throwable cause) {
    super(message, cause);
  }
}
