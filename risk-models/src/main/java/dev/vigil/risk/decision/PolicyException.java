package dev.vigil.risk.decision;

/** A policy that cannot be used, with one sentence saying why. */
public final class PolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public PolicyException(String message) {
    super(message);
  }
}
