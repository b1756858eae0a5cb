package dev.vigil.dev.cli;

import dev.vigil.app.cli.CliFailure;
import dev.vigil.app.cli.DurationConverter;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.dev.bench.Benchmark;
import dev.vigil.dev.bench.Benchmark.BenchOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil bench}: Vigil against a pass-through baseline, measured in the same run. */
@Command(
    name = "bench",
    description =
        "Benchmark Vigil against a pass-through Kafka Streams app on an embedded broker; reports"
            + " throughput, latency and memory as ratios to the baseline.")
public final class BenchCommand implements Callable<Integer> {

  @picocli.CommandLine.ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--samples",
      paramLabel = "N",
      description = "Single events timed for latency (default: ${DEFAULT-VALUE}).")
  int samples = 30;

  @Option(
      names = "--users",
      paramLabel = "N",
      description = "People in the generated population (default: ${DEFAULT-VALUE}).")
  int users = 300;

  @Option(
      names = "--history",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Simulated history replayed through both apps (default: 3d).")
  Duration history = Duration.ofDays(3);

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Traffic seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Also write the report as JSON to FILE.")
  Path report;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Scratch directory, wiped before and after (default: ${DEFAULT-VALUE}).")
  Path workDir = Path.of(".vigil", "bench");

  /** Creates the command. */
  public BenchCommand() {}

  @Override
  public Integer call() throws Exception {
    if (users < 50) {
      throw new CliFailure(
          VigilCli.USAGE, "--users must be at least 50 (the attack library needs victims).");
    }
    if (samples < 1) {
      throw new CliFailure(VigilCli.USAGE, "--samples must be at least 1.");
    }
    new Benchmark(
            root.config(),
            new BenchOptions(users, history, seed, samples, workDir.toAbsolutePath(), report),
            spec.commandLine().getOut())
        .run();
    return VigilCli.OK;
  }
}
