package dev.vigil.app.cli;

import dev.vigil.app.StartupProbe;
import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "vigil-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      // Before the application is assembled: its topology depends on the signal topics'
      // partition counts, read from the brokers.
      StartupProbe.awaitDependencies(
          config.clientProperties(),
          config.schemaRegistryUrl(),
          config.get(Settings.STARTUP_MAX_WAIT));
    } catch (IllegalStateException e) {
      throw new CliFailure(VigilCli.FAILED, e.getMessage());
    }
    try (VigilApplication app = new VigilApplication(config)) {
      try {
        app.start(Duration.ofMinutes(2));
      } catch (IllegalStateException e) {
        throw new CliFailure(VigilCli.FAILED, e.getMessage());
      }
      out.println(
          "Vigil is running as '"
              + config.applicationId()
              + "' against "
              + config.bootstrapServers()
              + "; Ctrl-C stops it.");
      out.flush();
      stop.await();
      return VigilCli.OK;
    }
  }
}
