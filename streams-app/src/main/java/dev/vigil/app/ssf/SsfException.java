package dev.vigil.app.ssf;

/** A refused SSF management request: the HTTP status and one sentence saying why. */
public final class SsfException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * @param status the HTTP status, e.g. 400 or 404
   * @param message one sentence
   */
  public SsfException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}
