package dev.vigil.dev.cli;

import dev.vigil.app.cli.DurationConverter;
import dev.vigil.app.cli.OutputFormat;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.dev.demo.DemoOptions;
import dev.vigil.dev.demo.VigilDemo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vigil demo}: the whole stack in one process (embedded broker and registry, generated
 * traffic, the pipeline), delegated to the registered {@link DemoRunner}.
 */
@Command(
    name = "demo",
    description =
        "Run the self-contained demo: embedded Kafka and schema registry, simulated users and"
            + " attacks, the pipeline, live results.")
public final class DemoCommand implements Callable<Integer> {

  @ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long to run, e.g. 60s, 2m or PT1M; default: until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES}; default: ${DEFAULT-VALUE}.")
  OutputFormat output;

  @Option(
      names = "--users",
      paramLabel = "N",
      defaultValue = "300",
      description = "Simulated users; default: ${DEFAULT-VALUE}.")
  int users;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Random seed for reproducible traffic; default: random.")
  Long seed;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".vigil",
      description = "Directory for the demo's broker data and state; default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "9092",
      description =
          "Port of the embedded Kafka broker, 0 for any free one; default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--scorecard",
      paramLabel = "FILE",
      description = "Write the detection scorecard to this file at the end.")
  Path scorecard;

  @Option(
      names = "--rate",
      paramLabel = "N",
      defaultValue = "200",
      description = "Generated events per second; default: ${DEFAULT-VALUE}.")
  int rate;

  /** Creates the command. */
  public DemoCommand() {}

  /** The parsed options, validated. */
  DemoOptions options() {
    if (users < 1) {
      throw new ParameterException(spec.commandLine(), "--users must be at least 1, not " + users);
    }
    if (rate < 1) {
      throw new ParameterException(spec.commandLine(), "--rate must be at least 1, not " + rate);
    }
    if (port < 0 || port > 65_535) {
      throw new ParameterException(
          spec.commandLine(), "--port must be from 0 to 65535, not " + port);
    }
    return new DemoOptions(
        Optional.ofNullable(duration),
        output,
        users,
        seed == null ? OptionalLong.empty() : OptionalLong.of(seed),
        dataDir,
        port,
        Optional.ofNullable(scorecard),
        rate);
  }

  @Override
  public Integer call() throws Exception {
    DemoOptions options = options();
    VigilConfig config = root.config();
    return new VigilDemo().run(config, options, spec.commandLine().getOut());
  }
}
