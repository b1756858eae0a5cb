package dev.vigil.app.cli;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.risk.decision.Policy;
import dev.vigil.risk.decision.PolicyException;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.risk.decision.PolicyRule;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.PolicyDocument;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code vigil policy}: validate a policy file, or publish it to running pipelines. */
@Command(
    name = "policy",
    description = "Validate or publish a decision policy (policy as code).",
    subcommands = {PolicyCommand.Validate.class, PolicyCommand.Apply.class})
public final class PolicyCommand implements Callable<Integer> {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @ParentCommand VigilCli root;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Creates the command. */
  public PolicyCommand() {}

  /** With no subcommand: print usage on standard error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return VigilCli.USAGE;
  }

  /**
   * Reads and validates a policy file: the YAML rules, then that every detector a rule names
   * exists, since a misspelt detector id would silently never match.
   */
  static Policy load(Path file) {
    return load(file, read(file));
  }

  /** Validates policy text read from {@code file}, which is named in errors. */
  static Policy load(Path file, String text) {
    Policy policy;
    try {
      policy = PolicyParser.parse(text);
    } catch (PolicyException e) {
      throw new CliFailure(VigilCli.FAILED, file + ": " + e.getMessage());
    }
    Set<String> known =
        Set.copyOf(SignalFamilies.catalog(DetectorSettings.defaults()).findingIds());
    for (PolicyRule rule : policy.rules()) {
      for (String detector : rule.detectorsAny()) {
        if (!known.contains(detector)) {
          throw new CliFailure(
              VigilCli.FAILED,
              file
                  + ": rule '"
                  + rule.id()
                  + "' names detector '"
                  + detector
                  + "', which no detector raises; see docs/detectors.md for the ids.");
        }
      }
    }
    return policy;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliFailure(VigilCli.USAGE, "Policy file " + file + " does not exist.");
    } catch (IOException e) {
      throw new CliFailure(VigilCli.USAGE, "Policy file " + file + " cannot be read: " + e);
    }
  }

  static String summary(Policy policy) {
    long audit = policy.rules().stream().filter(r -> r.mode() == DecisionMode.AUDIT).count();
    return String.format(
        Locale.ROOT,
        "Policy '%s' version %d is valid: %d rules (%d enforce, %d audit).",
        policy.policyId(),
        policy.version(),
        policy.rules().size(),
        policy.rules().size() - audit,
        audit);
  }

  static void printRules(Policy policy, PrintWriter out) {
    for (PolicyRule r : policy.rules()) {
      out.printf(
          Locale.ROOT,
          "  %-34s %-20s %-7s %s%n",
          r.id(),
          r.action().name().toLowerCase(Locale.ROOT),
          r.mode().name().toLowerCase(Locale.ROOT),
          r.description());
    }
  }

  /** {@code vigil policy validate FILE}. */
  @Command(
      name = "validate",
      description = "Check a policy file; exit 0 if valid, else print the problem in one sentence.")
  public static final class Validate implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Policy YAML file.")
    Path file;

    /** Creates the command. */
    public Validate() {}

    @Override
    public Integer call() {
      Policy policy = load(file);
      PrintWriter out = spec.commandLine().getOut();
      out.println(summary(policy));
      printRules(policy, out);
      return VigilCli.OK;
    }
  }

  /** {@code vigil policy apply FILE}. */
  @Command(
      name = "apply",
      description =
          "Validate a policy file and publish it to the policy topic; running pipelines switch to"
              + " it without a restart.")
  public static final class Apply implements Callable<Integer> {

    @ParentCommand PolicyCommand policyCommand;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Policy YAML file.")
    Path file;

    @Option(
        names = "--published-by",
        paramLabel = "WHO",
        description = "Recorded with the document; default: the user name.")
    String publishedBy = System.getProperty("user.name");

    /** Creates the command. */
    public Apply() {}

    @Override
    public Integer call() {
      String text = read(file);
      Policy policy = load(file, text);
      VigilConfig config = policyCommand.root.config();
      Topics topics = VigilApplication.topics(config);
      Topic<String, PolicyDocument> topic = topics.policy();
      Optional<PolicyDocument> published = latest(config, topic, policy.policyId());
      String sha = sha256(text);
      if (published.isPresent()) {
        PolicyDocument current = published.get();
        if (current.getSha256().equals(sha) && current.getVersion() == policy.version()) {
          spec.commandLine()
              .getOut()
              .printf(
                  "Policy '%s' version %d is already published; nothing to do.%n",
                  policy.policyId(), policy.version());
          return VigilCli.OK;
        }
        if (current.getVersion() >= policy.version()) {
          throw new CliFailure(
              VigilCli.FAILED,
              "Policy '"
                  + policy.policyId()
                  + "' version "
                  + policy.version()
                  + " is not newer than the published version "
                  + current.getVersion()
                  + "; raise 'version' in "
                  + file
                  + ".");
        }
      }
      PolicyDocument doc =
          PolicyDocument.newBuilder()
              .setPolicyId(policy.policyId())
              .setVersion(policy.version())
              .setDocument(text)
              .setSha256(sha)
              .setPublishedAt(Instant.now())
              .setPublishedBy(publishedBy)
              .build();
      Map<String, Object> props = new HashMap<>(config.clientProperties());
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
      try (KafkaProducer<String, PolicyDocument> producer =
          new KafkaProducer<>(
              props, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
        producer.send(new ProducerRecord<>(topic.name(), policy.policyId(), doc)).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliFailure(VigilCli.FAILED, "Interrupted while publishing the policy.");
      } catch (ExecutionException e) {
        throw new CliFailure(
            VigilCli.FAILED,
            "Kafka at "
                + config.bootstrapServers()
                + " did not accept the policy: "
                + e.getCause().getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "Published policy '%s' version %d to %s (sha256 %s).%n",
          policy.policyId(), policy.version(), topic.name(), sha.substring(0, 12));
      return VigilCli.OK;
    }

    /** The newest document for a policy id on the compacted topic, if any. */
    private static Optional<PolicyDocument> latest(
        VigilConfig config, Topic<String, PolicyDocument> topic, String policyId) {
      Map<String, Object> props = new HashMap<>(config.clientProperties());
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      props.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
      try (KafkaConsumer<String, PolicyDocument> consumer =
          new KafkaConsumer<>(
              props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
        List<PartitionInfo> infos;
        try {
          infos = consumer.partitionsFor(topic.name(), TIMEOUT);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
          throw new CliFailure(
              VigilCli.FAILED,
              "Kafka at " + config.bootstrapServers() + " did not answer; is it running?");
        }
        if (infos == null || infos.isEmpty()) {
          throw new CliFailure(
              VigilCli.FAILED,
              "Topic '"
                  + topic.name()
                  + "' does not exist; run 'vigil topics create' or start the pipeline.");
        }
        List<TopicPartition> parts = new ArrayList<>();
        infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        PolicyDocument newest = null;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!parts.stream().allMatch(p -> consumer.position(p) >= end.get(p))
            && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, PolicyDocument> r : consumer.poll(Duration.ofMillis(200))) {
            if (policyId.equals(r.key()) && r.value() != null) {
              if (newest == null || r.value().getVersion() > newest.getVersion()) {
                newest = r.value();
              }
            }
          }
        }
        return Optional.ofNullable(newest);
      }
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
