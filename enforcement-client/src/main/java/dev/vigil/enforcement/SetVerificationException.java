package dev.vigil.enforcement;

/** A SET was rejected; the message is one sentence saying why, the kind says what failed. */
public final class SetVerificationException extends Exception {

  private static final long serialVersionUID = 1L;

  /** What part of the SET failed, so receivers can answer with the RFC 8935 §2.3 error code. */
  public enum Kind {
    /** Not a well-formed signed SET, or a claim is missing or wrong. */
    MALFORMED,
    /** No key of the JWKS verifies the signature. */
    SIGNATURE,
    /** The issuer is not the one expected. */
    ISSUER,
    /** The audience does not include the one expected. */
    AUDIENCE
  }

  private final Kind kind;

  /**
   * @param message one sentence for people
   */
  public SetVerificationException(String message) {
    this(Kind.MALFORMED, message, null);
  }

  /**
   * @param message one sentence for people
   * @param cause the underlying failure
   */
  public SetVerificationException(String message, Throwable cause) {
    this(Kind.MALFORMED, message, cause);
  }

  /**
   * @param kind what failed
   * @param message one sentence for people
   * @param cause the underlying failure, or null
   */
  public SetVerificationException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** What failed. */
  public Kind kind() {
    return kind;
  }
}
