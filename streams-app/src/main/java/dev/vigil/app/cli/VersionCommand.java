package dev.vigil.app.cli;

import java.util.concurrent.Callable;
import org.apache.kafka.common.utils.AppInfoParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Spec;

/** {@code vigil version}: Vigil, Kafka and Java versions. */
@Command(name = "version", description = "Print the Vigil, Kafka and Java versions.")
public final class VersionCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Creates the command. */
  public VersionCommand() {}

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(line());
    return VigilCli.OK;
  }

  /** One line, e.g. {@code vigil 0.1.0 (Kafka 4.3.1, Java 17.0.12)}. */
  public static String line() {
    String vigil = VigilCli.class.getPackage().getImplementationVersion();
    return "vigil "
        + (vigil == null ? "development build" : vigil)
        + " (Kafka "
        + AppInfoParser.getVersion()
        + ", Java "
        + Runtime.version()
        + ")";
  }

  /** Supplies {@code vigil --version}. */
  public static final class Provider implements IVersionProvider {

    /** Creates the provider. */
    public Provider() {}

    @Override
    public String[] getVersion() {
      return new String[] {line()};
    }
  }
}
