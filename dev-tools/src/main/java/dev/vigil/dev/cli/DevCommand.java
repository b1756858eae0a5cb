package dev.vigil.dev.cli;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.app.config.DevSandboxFile;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.DataDirectories;
import dev.vigil.dev.embedded.EmbeddedKafkaBroker;
import dev.vigil.dev.registry.InProcessSchemaRegistry;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code vigil dev}: a sandbox for one's own data. The embedded broker, schema registry and the
 * pipeline with no generated traffic; their addresses are printed and written to {@value
 * DevSandboxFile#DEFAULT_PATH}, which {@code vigil ingest}, {@code alerts}, {@code commands} and
 * {@code audit} read while it runs.
 */
@Command(
    name = "dev",
    description =
        "Run a sandbox: embedded Kafka, schema registry and the pipeline, no generated traffic;"
            + " other vigil commands find it through .vigil/dev.env.")
public final class DevCommand implements Callable<Integer> {

  @ParentCommand VigilCli root;

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "9092",
      description = "Kafka port, 0 for any free one; default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--registry-port",
      paramLabel = "PORT",
      defaultValue = "8081",
      description = "Schema registry port, 0 for any free one; default: ${DEFAULT-VALUE}.")
  int registryPort;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "HTTP API port, 0 for any free one; default: ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = ".vigil",
      description = "Broker data and state, wiped at start; default: ${DEFAULT-VALUE}.")
  Path dataDir;

  /** Creates the command. */
  public DevCommand() {}

  @Override
  public Integer call() throws Exception {
    for (int[] p : new int[][] {{port}, {registryPort}, {httpPort}}) {
      if (p[0] < 0 || p[0] > 65_535) {
        throw new ParameterException(
            spec.commandLine(), "Ports must be from 0 to 65535, not " + p[0]);
      }
    }
    VigilConfig base = root.config();
    PrintWriter out = spec.commandLine().getOut();
    Path dir = dataDir.toAbsolutePath();
    DataDirectories.deleteRecursively(dir.resolve("kafka"));
    DataDirectories.deleteRecursively(dir.resolve("state"));
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "vigil-dev-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Path envFile = dir.resolve(DevSandboxFile.FILE_NAME);
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder().port(port).dataDir(dir.resolve("kafka")).build().start();
        InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(registryPort)) {
      VigilConfig config =
          base.with("bootstrap.servers", broker.bootstrapServers(), "by vigil dev")
              .with("schema.registry.url", registry.url(), "by vigil dev")
              .with("state.dir", dir.resolve("state").toString(), "by vigil dev")
              .with("application.id", "vigil-dev", "by vigil dev")
              .with("http.port", Integer.toString(httpPort), "by vigil dev")
              .with("commit.interval.ms", "200", "by vigil dev")
              .with("replication.factor", "1", "by vigil dev")
              // A sandbox on loopback for one person: the API needs no token here.
              .with("http.auth.mode", "none", "by vigil dev");
      Topics topics = VigilApplication.withMappedRawTopics(VigilApplication.topics(config), config);
      try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
        admin.createAll(topics, config.partitions(), (short) 1);
      }
      try (VigilApplication app = new VigilApplication(config)) {
        app.start(Duration.ofSeconds(90));
        String http = app.httpPort() < 0 ? "" : "http://localhost:" + app.httpPort();
        Files.createDirectories(dir);
        DevSandboxFile.write(envFile, broker.bootstrapServers(), registry.url(), http);
        out.println("Vigil sandbox running (no generated traffic).");
        out.println("  Kafka bootstrap   " + broker.bootstrapServers());
        out.println("  Schema registry   " + registry.url());
        out.println("  HTTP API          " + (http.isEmpty() ? "off" : http));
        out.println("  Settings for other vigil commands: " + envFile);
        if (!dir.equals(Path.of(DevSandboxFile.DEFAULT_PATH).toAbsolutePath().getParent())) {
          // Other commands look only in ./.vigil/dev.env; the file is sourceable shell.
          out.println(
              "  Other vigil commands read ./"
                  + DevSandboxFile.DEFAULT_PATH
                  + "; with --data-dir, first run: set -a; . "
                  + envFile
                  + "; set +a");
        }
        out.println(
            "Try: ./vigil ingest --format windows-security --rebase-time FILE (recorded"
                + " files are older than timestamp.max.age), then ./vigil alerts --follow."
                + " Ctrl-C stops.");
        out.flush();
        stop.await();
        return VigilCli.OK;
      }
    } finally {
      Files.deleteIfExists(envFile);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already stopping (Ctrl-C): the hook has run.
      }
    }
  }
}
