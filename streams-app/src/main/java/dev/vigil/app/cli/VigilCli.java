package dev.vigil.app.cli;

import dev.vigil.app.config.DevSandboxFile;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.config.VigilConfigException;
import dev.vigil.app.logging.LogFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code vigil} command line. Exit codes: 0 success, 1 runtime failure, 2 usage or
 * configuration mistake. Errors are one sentence on standard error; {@code --verbose} adds the
 * stack trace.
 */
@Command(
    name = "vigil",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = VersionCommand.Provider.class,
    description = "Continuous verification and risk scoring for Zero Trust on Kafka Streams.",
    subcommands = {
      TopicsCommand.class,
      RunCommand.class,
      PolicyCommand.class,
      FollowCommand.Alerts.class,
      FollowCommand.Commands.class,
      FollowCommand.Audit.class,
      ConfigCommand.class,
      SetCommand.class,
      IngestCommand.class,
      VersionCommand.class
    })
public final class VigilCli implements java.util.concurrent.Callable<Integer> {

  /** Exit code for success. */
  public static final int OK = 0;

  /** Exit code for a failure while running. */
  public static final int FAILED = 1;

  /** Exit code for a usage or configuration mistake. */
  public static final int USAGE = 2;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "Config file (.yaml, .yml or .properties); default: $VIGIL_CONFIG.")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      scope = ScopeType.INHERIT,
      description = "Set one setting (repeatable); kafka.* keys go to Kafka clients.")
  List<String> sets = new ArrayList<>();

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      scope = ScopeType.INHERIT,
      description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      scope = ScopeType.INHERIT,
      description = "Prefix of every topic name.")
  String topicPrefix;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      description = "Log format: text or json (setting 'log.format').")
  String logFormat;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;

  @Spec CommandLine.Model.CommandSpec spec;

  private final Map<String, String> environment;

  /**
   * A CLI reading the given environment.
   *
   * @param environment the environment ({@code VIGIL_*}, {@code KAFKA_*}, {@code VIGIL_CONFIG})
   */
  public VigilCli(Map<String, String> environment) {
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
  }

  /** Runs the CLI and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(
        execute(
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true),
            args));
  }

  /**
   * Runs the CLI without exiting the JVM.
   *
   * @param environment the environment to read settings from
   * @param out standard output
   * @param err standard error
   * @param args command-line arguments
   * @return the exit code
   */
  public static int execute(
      Map<String, String> environment, PrintWriter out, PrintWriter err, String... args) {
    return execute(environment, List.of(), out, err, args);
  }

  /**
   * Runs the CLI with more subcommands (the development tools add {@code demo}, {@code dev} and
   * {@code bench} this way, so the production artifact carries none of them).
   *
   * @param environment the environment to read settings from
   * @param extraSubcommands picocli command objects added under {@code vigil}
   * @param out standard output
   * @param err standard error
   * @param args command-line arguments
   * @return the exit code
   */
  public static int execute(
      Map<String, String> environment,
      List<Object> extraSubcommands,
      PrintWriter out,
      PrintWriter err,
      String... args) {
    VigilCli cli = new VigilCli(environment);
    CommandLine commandLine = new CommandLine(cli);
    extraSubcommands.forEach(commandLine::addSubcommand);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(
        (ex, arguments) -> {
          String command = ex.getCommandLine().getCommandSpec().qualifiedName();
          err.println(sentence(ex.getMessage()) + " See '" + command + " --help'.");
          if (cli.verbose) {
            ex.printStackTrace(err);
          }
          err.flush();
          return USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> {
          int code = FAILED;
          String message;
          if (ex instanceof VigilConfigException) {
            code = USAGE;
            message = ex.getMessage();
          } else if (ex instanceof CliFailure failure) {
            code = failure.exitCode();
            message = ex.getMessage();
          } else {
            message = describe(ex);
          }
          err.println(sentence(message));
          if (cli.verbose) {
            ex.printStackTrace(err);
          }
          err.flush();
          return code;
        });
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** With no subcommand: print usage on standard error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** The effective configuration from the file, the environment and the top-level flags. */
  public VigilConfig config() {
    return config(loader -> {});
  }

  /**
   * The effective configuration, with a subcommand's own flags added to the flag layer.
   *
   * @param moreFlags adds the subcommand's flags to the loader
   */
  public VigilConfig config(Consumer<VigilConfig.Loader> moreFlags) {
    VigilConfig.Loader loader =
        VigilConfig.loader().environment(environment).sandbox(Path.of(DevSandboxFile.DEFAULT_PATH));
    if (configFile != null) {
      loader.configFile(configFile);
    }
    sets.forEach(loader::set);
    loader.flag("bootstrap.servers", bootstrapServers, "--bootstrap-servers");
    loader.flag("topic.prefix", topicPrefix, "--topic-prefix");
    loader.flag("log.format", logFormat, "--log-format");
    moreFlags.accept(loader);
    VigilConfig config = loader.load();
    LogFormat.use(config.get(Settings.LOG_FORMAT));
    return config;
  }

  private static String describe(Throwable ex) {
    String message = ex.getMessage();
    if (message == null || message.isBlank()) {
      message = ex.getClass().getSimpleName() + " (run with --verbose for details)";
    }
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String rootMessage = root.getMessage();
    if (root != ex && rootMessage != null && !message.contains(rootMessage)) {
      message = sentence(message).replaceAll("\\.$", "") + ": " + rootMessage;
    }
    return message;
  }

  /** The first line of a message, ending with a full stop. */
  static String sentence(String message) {
    String m = message == null ? "Failed" : message.strip();
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl).strip();
    }
    if (!m.endsWith(".") && !m.endsWith("?") && !m.endsWith("!")) {
      m = m + ".";
    }
    return m;
  }
}
