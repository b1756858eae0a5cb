package dev.vigil.dev.cli;

import dev.vigil.app.cli.VigilCli;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The {@code vigil} command line of a development checkout: the production commands plus {@code
 * demo}, {@code dev}, {@code generate} and {@code bench}, which need the embedded broker and the
 * traffic generator. What {@code ./vigil} runs; the production image runs {@link VigilCli} alone.
 */
public final class DevCli {

  private DevCli() {}

  /** Runs the CLI and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(
        execute(
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true),
            args));
  }

  /**
   * Runs the development CLI without exiting the JVM.
   *
   * @param environment the environment to read settings from
   * @param out standard output
   * @param err standard error
   * @param args command-line arguments
   * @return the exit code
   */
  public static int execute(
      Map<String, String> environment, PrintWriter out, PrintWriter err, String... args) {
    return VigilCli.execute(
        environment,
        List.of(new DemoCommand(), new DevCommand(), new BenchCommand(), new GenerateCommand()),
        out,
        err,
        args);
  }
}
