package dev.vigil.app.cli;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Where the CLI finds the code behind {@code vigil run} and {@code vigil demo}: a runner set here
 * wins, otherwise the first {@link ServiceLoader} service found.
 */
public final class Runners {

  private static volatile PipelineRunner pipeline;
  private static volatile DemoRunner demo;

  private Runners() {}

  /** Sets the pipeline runner; null clears it. */
  public static void pipeline(PipelineRunner runner) {
    pipeline = runner;
  }

  /** Sets the demo runner; null clears it. */
  public static void demo(DemoRunner runner) {
    demo = runner;
  }

  /** The pipeline runner, if one is set or registered as a service. */
  public static Optional<PipelineRunner> pipeline() {
    PipelineRunner set = pipeline;
    return set != null ? Optional.of(set) : ServiceLoader.load(PipelineRunner.class).findFirst();
  }

  /** The demo runner, if one is set or registered as a service. */
  public static Optional<DemoRunner> demo() {
    DemoRunner set = demo;
    return set != null ? Optional.of(set) : ServiceLoader.load(DemoRunner.class).findFirst();
  }
}
