package dev.vigil.app.cli;

import dev.vigil.app.config.VigilConfig;
import java.io.PrintWriter;

/**
 * Runs the Vigil pipeline against an existing cluster until stopped; what {@code vigil run} calls.
 * Registered with {@link Runners#pipeline(PipelineRunner)} or as a {@link java.util.ServiceLoader}
 * service ({@code META-INF/services/dev.vigil.app.cli.PipelineRunner}).
 */
@FunctionalInterface
public interface PipelineRunner {

  /**
   * Runs until stopped (e.g. Ctrl-C) and returns the process exit code.
   *
   * @param config the effective configuration
   * @param out standard output, for people or machines
   * @return exit code: 0 for a clean stop
   * @throws Exception on failure; the CLI prints its message in one sentence and exits 1
   */
  int run(VigilConfig config, PrintWriter out) throws Exception;
}
