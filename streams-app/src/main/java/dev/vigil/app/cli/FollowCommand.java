package dev.vigil.app.cli;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Prints one of Vigil's output topics readably: what is there, then with {@code --follow} what
 * arrives. Reads committed records only (what enforcement points see), without a consumer group, so
 * it never moves anyone's offsets.
 */
abstract class FollowCommand implements Callable<Integer> {

  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);

  @ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new records until interrupted.")
  boolean follow;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Only records from this far back, e.g. 30m or 2h; default: everything.")
  Duration since;

  @Option(names = "--subject", paramLabel = "ID", description = "Only records about this subject.")
  String subject;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description = "text (default) or json (one object per line).")
  OutputFormat output = OutputFormat.TEXT;

  /** The topic to read. */
  abstract Topic<String, ? extends SpecificRecord> topic(Topics topics);

  /** How records of this topic are shown. */
  abstract Observation.Kind kind();

  @Override
  public Integer call() {
    VigilConfig config = root.config();
    Topics topics = VigilApplication.topics(config);
    @SuppressWarnings("unchecked")
    Topic<String, SpecificRecord> topic = (Topic<String, SpecificRecord>) topic(topics);
    PrintWriter out = spec.commandLine().getOut();
    OutputPrinter printer = new OutputPrinter(out, output);
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    try (KafkaConsumer<String, SpecificRecord> consumer =
        new KafkaConsumer<>(
            props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = partitions(consumer, topic.name(), config);
      consumer.assign(partitions);
      seek(consumer, partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      // Ctrl-C ends --follow cleanly: wake the poll, then close the consumer.
      Thread hook = new Thread(consumer::wakeup);
      if (follow) {
        Runtime.getRuntime().addShutdownHook(hook);
      }
      long printed = 0;
      try {
        while (follow || !caughtUp(consumer, end)) {
          for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.value() != null && (subject == null || subject.equals(r.key()))) {
              printer.print(new Observation(kind(), r.key(), r.value(), r.timestamp()));
              printed++;
            }
          }
        }
      } catch (org.apache.kafka.common.errors.WakeupException e) {
        return VigilCli.OK;
      } finally {
        if (follow) {
          removeHook(hook);
        }
      }
      if (printed == 0) {
        // Standard output stays empty (scripts, --output json); people learn where we looked.
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "Nothing on "
                + topic.name()
                + " at "
                + config.bootstrapServers()
                + (subject == null ? "" : " about " + subject)
                + (since == null ? "" : " within --since")
                + " yet.");
        err.flush();
      }
    }
    out.flush();
    return VigilCli.OK;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down.
    }
  }

  private void seek(KafkaConsumer<String, SpecificRecord> consumer, List<TopicPartition> parts) {
    if (since == null) {
      consumer.seekToBeginning(parts);
      return;
    }
    long from = Instant.now().minus(since).toEpochMilli();
    Map<TopicPartition, Long> query = new HashMap<>();
    parts.forEach(p -> query.put(p, from));
    var offsets = consumer.offsetsForTimes(query);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    for (TopicPartition p : parts) {
      var o = offsets.get(p);
      consumer.seek(p, o == null ? end.get(p) : o.offset());
    }
  }

  private static boolean caughtUp(
      KafkaConsumer<String, SpecificRecord> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<?, ?> consumer, String topic, VigilConfig config) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
    } catch (TimeoutException e) {
      throw new CliFailure(
          VigilCli.FAILED,
          "Kafka at "
              + config.bootstrapServers()
              + " did not answer within "
              + METADATA_TIMEOUT.toSeconds()
              + " s; is it running?");
    }
    if (infos == null || infos.isEmpty()) {
      throw new CliFailure(
          VigilCli.FAILED,
          "Topic '" + topic + "' does not exist; run 'vigil topics create' or start the pipeline.");
    }
    List<TopicPartition> partitions = new ArrayList<>();
    infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
    return partitions;
  }

  /** {@code vigil alerts}. */
  @Command(
      name = "alerts",
      description = "Print risk alerts: level changes with their explanation and evidence.")
  public static final class Alerts extends FollowCommand {
    /** Creates the command. */
    public Alerts() {}

    @Override
    Topic<String, ? extends SpecificRecord> topic(Topics topics) {
      return topics.alerts();
    }

    @Override
    Observation.Kind kind() {
      return Observation.Kind.ALERT;
    }
  }

  /** {@code vigil commands}. */
  @Command(
      name = "commands",
      description = "Print enforcement commands as enforcement points receive them.")
  public static final class Commands extends FollowCommand {
    /** Creates the command. */
    public Commands() {}

    @Override
    Topic<String, ? extends SpecificRecord> topic(Topics topics) {
      return topics.commands();
    }

    @Override
    Observation.Kind kind() {
      return Observation.Kind.COMMAND;
    }
  }

  /** {@code vigil audit}. */
  @Command(
      name = "audit",
      description = "Print every decision, enforced or audit-only, with its policy and rule.")
  public static final class Audit extends FollowCommand {
    /** Creates the command. */
    public Audit() {}

    @Override
    Topic<String, ? extends SpecificRecord> topic(Topics topics) {
      return topics.audit();
    }

    @Override
    Observation.Kind kind() {
      return Observation.Kind.AUDIT;
    }
  }
}
