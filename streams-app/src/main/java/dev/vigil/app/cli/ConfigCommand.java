package dev.vigil.app.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vigil config}: the effective settings and where each one came from. */
@Command(
    name = "config",
    description = "Print the effective settings and where each one came from.")
public final class ConfigCommand implements Callable<Integer> {

  @ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Creates the command. */
  public ConfigCommand() {}

  @Override
  public Integer call() {
    root.config().describe().forEach(spec.commandLine().getOut()::println);
    return VigilCli.OK;
  }
}
