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
        "Benchmark Vigil against a pass-through Kafka Streams app on an embedded broker: steady-state"
            + " throughput on pre-loaded input, latency under a fixed load, CPU, heap and state;"
            + " or, with --subjects, the scale figures and a timed restore.")
public final class BenchCommand implements Callable<Integer> {

  /** Default population: about 208,000 events over 3 days of history. */
  static final int DEFAULT_USERS = 3_000;

  /** Population of {@code --quick}: about 26,000 events. */
  static final int QUICK_USERS = 300;

  static final int DEFAULT_SAMPLES = 1_000;
  static final int QUICK_SAMPLES = 200;

  @picocli.CommandLine.ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--quick",
      description =
          "Small preset for regular use (300 people, 3 d of history, 200 latency probes); explicit"
              + " options still apply.")
  boolean quick;

  @Option(
      names = "--samples",
      paramLabel = "N",
      description = "Latency probes per application (default: 1000; --quick: 200).")
  Integer samples;

  @Option(
      names = "--probe-rate",
      paramLabel = "PER_SECOND",
      description = "Latency probes per second (default: ${DEFAULT-VALUE}).")
  double probeRate = 20;

  @Option(
      names = "--load",
      paramLabel = "EVENTS_PER_SECOND",
      description =
          "Offered load of the latency run, probes included (default: half of Vigil's measured"
              + " steady throughput).")
  double load;

  @Option(
      names = "--users",
      paramLabel = "N",
      description = "People in the generated population (default: 3000; --quick: 300).")
  Integer users;

  @Option(
      names = "--history",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Simulated history pre-loaded as the input (default: 3d).")
  Duration history = Duration.ofDays(3);

  @Option(
      names = "--events",
      paramLabel = "N",
      description =
          "Input size: grows the population so the history has about N events and stops at N"
              + " (e.g. 1000000).")
  long events;

  @Option(
      names = "--subjects",
      paramLabel = "N",
      description =
          "Scale mode instead: one login for each of N distinct subjects through Vigil; reports heap"
              + " after GC and state per subject, then deletes the local state and times the"
              + " restore from the changelogs.")
  long subjects;

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
    int people = users != null ? users : quick ? QUICK_USERS : DEFAULT_USERS;
    int probes = samples != null ? samples : quick ? QUICK_SAMPLES : DEFAULT_SAMPLES;
    if (people < 50) {
      throw new CliFailure(
          VigilCli.USAGE, "--users must be at least 50 (the attack library needs victims).");
    }
    if (probes < 1) {
      throw new CliFailure(VigilCli.USAGE, "--samples must be at least 1.");
    }
    if (probeRate <= 0 || load < 0 || events < 0 || subjects < 0) {
      throw new CliFailure(
          VigilCli.USAGE,
          "--probe-rate must be positive; --load, --events and --subjects not negative.");
    }
    String preset = subjects > 0 ? "scale" : quick ? "quick" : "default";
    new Benchmark(
            root.config(),
            new BenchOptions(
                people,
                history,
                events,
                seed,
                probes,
                probeRate,
                load,
                subjects,
                preset,
                workDir.toAbsolutePath(),
                report),
            spec.commandLine().getOut())
        .run();
    return VigilCli.OK;
  }
}
