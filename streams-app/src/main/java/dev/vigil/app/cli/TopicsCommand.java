package dev.vigil.app.cli;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.NamesOnlyAvroSerdeFactory;
import dev.vigil.app.topics.SchemaRegistration;
import dev.vigil.app.topics.SchemaRegistration.Registered;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.app.topics.TopicAdmin.Outcome;
import dev.vigil.app.topics.TopicAdmin.TopicStatus;
import dev.vigil.app.topics.TopicAdminException;
import dev.vigil.schemas.registry.SchemaRegistryException;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vigil topics}: create and list the Vigil topics. */
@Command(
    name = "topics",
    description = "Create or list the Vigil topics.",
    subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
public final class TopicsCommand implements Callable<Integer> {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Creates the command. */
  public TopicsCommand() {}

  /** With no subcommand: print usage on standard error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return VigilCli.USAGE;
  }

  static Topics registry(VigilConfig config) {
    // Only names and specs are needed here, so the value serdes are never used. The raw topics of
    // configured mapping files are listed too: the pipeline reads them.
    return VigilApplication.withMappedRawTopics(
        Topics.create(config.topicPrefix(), NamesOnlyAvroSerdeFactory.INSTANCE), config);
  }

  private static TopicAdmin admin(VigilConfig config) {
    Map<String, Object> props = config.clientProperties();
    Duration timeout = timeout(config);
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    // The client refuses a request timeout longer than the API timeout.
    props.putIfAbsent(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(10_000, timeout.toMillis()));
    return new TopicAdmin(props, timeout);
  }

  private static Duration timeout(VigilConfig config) {
    String ms = config.kafkaProperties().get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    try {
      return ms == null ? TIMEOUT : Duration.ofMillis(Long.parseLong(ms.trim()));
    } catch (NumberFormatException e) {
      return TIMEOUT;
    }
  }

  private static CliFailure unreachable(VigilConfig config, TopicAdminException e) {
    if (e.getCause() instanceof TimeoutException
        || e.getCause() instanceof java.util.concurrent.TimeoutException) {
      return new CliFailure(
          VigilCli.FAILED,
          "Kafka at "
              + config.bootstrapServers()
              + " did not answer within "
              + Math.max(1, timeout(config).toSeconds())
              + " s; is it running?");
    }
    return new CliFailure(VigilCli.FAILED, e.getMessage());
  }

  /** {@code vigil topics create}. */
  @Command(
      name = "create",
      description =
          "Create every Vigil topic that does not exist yet (existing ones are kept) and register"
              + " the published value schemas.")
  public static final class Create implements Callable<Integer> {

    @ParentCommand TopicsCommand topics;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--partitions",
        paramLabel = "N",
        description = "Partitions per topic; default: setting 'partitions' (6).")
    String partitions;

    @Option(
        names = "--replication-factor",
        paramLabel = "N",
        description = "Replication factor; default: setting 'replication.factor' (3).")
    String replicationFactor;

    @Option(
        names = "--skip-schemas",
        description =
            "Create the topics only; do not register the published value schemas in the schema"
                + " registry.")
    boolean skipSchemas;

    /** Creates the command. */
    public Create() {}

    @Override
    public Integer call() {
      VigilConfig config =
          topics.root.config(
              loader ->
                  loader
                      .flag("partitions", partitions, "--partitions")
                      .flag("replication.factor", replicationFactor, "--replication-factor"));
      List<TopicStatus> statuses;
      try (TopicAdmin admin = admin(config)) {
        statuses =
            admin.createAll(registry(config), config.partitions(), config.replicationFactor());
      } catch (TopicAdminException e) {
        throw unreachable(config, e);
      }
      PrintWriter out = spec.commandLine().getOut();
      statuses.forEach(s -> out.println(s.describe()));
      if (!skipSchemas) {
        registerSchemas(config).forEach(r -> out.println(r.describe()));
      }
      long mismatched =
          statuses.stream().filter(s -> s.outcome() == Outcome.PARTITION_MISMATCH).count();
      if (mismatched > 0) {
        throw new CliFailure(
            VigilCli.FAILED,
            mismatched
                + " existing topic(s) have a different partition count than "
                + config.partitions()
                + "; recreate them or set 'partitions' to match.");
      }
      return VigilCli.OK;
    }
  }

  private static List<Registered> registerSchemas(VigilConfig config) {
    try {
      return SchemaRegistration.registerValueSchemas(VigilApplication.topics(config));
    } catch (SchemaRegistryException e) {
      throw new CliFailure(
          VigilCli.FAILED,
          "Could not register the value schemas at "
              + config.schemaRegistryUrl()
              + ": "
              + e.getMessage()
              + (e.getMessage().endsWith(".") ? "" : "."));
    }
  }

  /** {@code vigil topics list}. */
  @Command(name = "list", description = "List the Vigil topics as they are on the cluster.")
  public static final class ListTopics implements Callable<Integer> {

    @ParentCommand TopicsCommand topics;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    /** Creates the command. */
    public ListTopics() {}

    @Override
    public Integer call() {
      VigilConfig config = topics.root.config();
      List<TopicStatus> statuses;
      try (TopicAdmin admin = admin(config)) {
        statuses = admin.describeAll(registry(config), config.partitions());
      } catch (TopicAdminException e) {
        throw unreachable(config, e);
      }
      PrintWriter out = spec.commandLine().getOut();
      int width = statuses.stream().mapToInt(s -> s.name().length()).max().orElse(5);
      String format = "%-" + width + "s  %10s  %11s  %-14s  %s%n";
      out.printf(format, "TOPIC", "PARTITIONS", "REPLICATION", "CLEANUP", "STATUS");
      for (TopicStatus s : statuses) {
        boolean missing = s.outcome() == Outcome.MISSING;
        out.printf(
            format,
            s.name(),
            missing ? "-" : Integer.toString(s.partitions()),
            missing ? "-" : Integer.toString(s.replicationFactor()),
            s.configs().getOrDefault("cleanup.policy", "-"),
            switch (s.outcome()) {
              case MISSING -> "missing";
              case PARTITION_MISMATCH -> "expected " + s.expectedPartitions() + " partitions";
              default -> "ok";
            });
      }
      return VigilCli.OK;
    }
  }
}
