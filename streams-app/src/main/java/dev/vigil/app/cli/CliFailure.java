package dev.vigil.app.cli;

/** A failure the CLI reports in one sentence and turns into an exit code. */
public final class CliFailure extends RuntimeException {

  private final int exitCode;

  /**
   * @param exitCode the process exit code
   * @param message one sentence for people
   */
  public CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** The process exit code. */
  public int exitCode() {
    return exitCode;
  }
}
