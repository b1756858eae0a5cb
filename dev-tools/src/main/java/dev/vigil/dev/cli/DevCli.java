package dev.vigil.dev.cli;

import dev.vigil.app.cli.VigilCli;
import java.io.PrintWriter;
import java.util.List;

/**
 * The {@code vigil} command line of a development checkout: the production commands plus {@code
 * demo}, {@code dev} and {@code bench}, which need the embedded broker and the traffic generator.
 * What {@code ./vigil} runs; the production image runs {@link VigilCli} alone.
 */
public final class DevCli {

  private DevCli() {}

  /** Runs the CLI and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(
        VigilCli.execute(
            System.getenv(),
            List.of(new DemoCommand(), new DevCommand(), new BenchCommand(), new GenerateCommand()),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true),
            args));
  }
}
