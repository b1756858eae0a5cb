package dev.vigil.app.cli;

import dev.vigil.app.config.VigilConfig;
import java.io.PrintWriter;

/**
 * Runs the self-contained demo (embedded broker and registry, generated traffic, the pipeline);
 * what {@code vigil demo} calls. Registered with {@link Runners#demo(DemoRunner)} or as a {@link
 * java.util.ServiceLoader} service ({@code META-INF/services/dev.vigil.app.cli.DemoRunner}).
 */
@FunctionalInterface
public interface DemoRunner {

  /**
   * Runs the demo for the requested duration (or until Ctrl-C) and returns the exit code.
   *
   * @param config the effective configuration; the runner points it at its own broker and registry
   *     with {@link VigilConfig#with}
   * @param options the demo's own options
   * @param out standard output, in {@link DemoOptions#output()} format
   * @return exit code: 0 for a clean stop
   * @throws Exception on failure; the CLI prints its message in one sentence and exits 1
   */
  int run(VigilConfig config, DemoOptions options, PrintWriter out) throws Exception;
}
