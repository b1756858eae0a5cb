package dev.vigil.app.cli;

import dev.vigil.app.config.VigilConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vigil run}: runs the pipeline against the configured cluster until stopped. */
@Command(
    name = "run",
    description = "Run the pipeline against the configured Kafka cluster until stopped.")
public final class RunCommand implements Callable<Integer> {

  @ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Creates the command. */
  public RunCommand() {}

  @Override
  public Integer call() throws Exception {
    VigilConfig config = root.config();
    PipelineRunner runner =
        Runners.pipeline()
            .orElseThrow(
                () ->
                    new CliFailure(
                        VigilCli.FAILED,
                        "vigil run is not wired yet: no PipelineRunner is registered."));
    return runner.run(config, spec.commandLine().getOut());
  }
}
