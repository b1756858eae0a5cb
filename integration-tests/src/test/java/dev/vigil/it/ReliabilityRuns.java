package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.ConsumerLag;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.demo.GeneratedEventSender;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Runs of the labelled reliability input (reference data, 12 h of history and 25 min of live
 * traffic with the attack library, from the demo generator) against one Kafka cluster: topics,
 * configuration, sending, an exact "caught up" wait, reading the decisions with read_committed,
 * child JVMs for {@code vigil run}, and the comparison with a reference run written to a report.
 * One instance per cluster, so the same steps run against the shared single broker and against a
 * multi-broker cluster.
 */
final class ReliabilityRuns {

  /** The seed of the labelled input. */
  static final long SEED = 12;

  /** How long an application may take to catch up with the whole input. */
  static final Duration CATCH_UP = Duration.ofSeconds(300);

  private static List<GeneratedEvent> input;
  private static Outcome reference;
  private static Map<String, Object> referenceRow;

  private final String bootstrapServers;
  private final String registryUrl;
  private final short replicationFactor;

  /**
   * Runs against one cluster.
   *
   * @param replicationFactor of the topics the test creates and of Vigil's internal topics
   */
  ReliabilityRuns(String bootstrapServers, String registryUrl, short replicationFactor) {
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
    this.replicationFactor = replicationFactor;
  }

  /**
   * What a run produced: command and alert ids in the order read, so repeats show, and a one-line
   * description of each (for the report when runs differ).
   */
  record Outcome(
      List<String> commandIds,
      List<String> alertIds,
      List<String> findingIds,
      Map<String, String> detectorOf,
      Map<String, String> described,
      Map<String, EnforcementCommand> commandsById,
      Map<String, RiskLevel> highestLevel) {
    Set<String> commands() {
      return new HashSet<>(commandIds);
    }

    Set<String> alerts() {
      return new HashSet<>(alertIds);
    }

    Set<String> findings() {
      return new HashSet<>(findingIds);
    }

    /** The sessions of {@code subject} that some session revocation of this run names. */
    Set<String> revokedSessions(String subject) {
      Set<String> out = new HashSet<>();
      for (EnforcementCommand c : commandsById.values()) {
        if (c.getAction() == EnforcementAction.REVOKE_SESSIONS
            && subject.equals(c.getSubjectId())) {
          out.addAll(c.getSessionIds());
        }
      }
      return out;
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** A fresh topic prefix (and so application id). */
  static String unique(String name) {
    return "rel-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** Benign traffic and the attack library, stamped in the last hour so every bound accepts it. */
  static synchronized List<GeneratedEvent> input() {
    if (input == null) {
      Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(40));
      TrafficGenerator generator =
          new TrafficGenerator(
              new GeneratorSettings(
                  SEED, 60, 12, start, 4.0, Duration.ofSeconds(20), Duration.ofSeconds(20)));
      input =
          Stream.concat(
                  Stream.concat(
                      generator.referenceData().stream(), generator.history(Duration.ofHours(12))),
                  generator.events(Duration.ofMinutes(25)))
              .toList();
    }
    return input;
  }

  /**
   * The clean single-instance run of the whole input (sent in one go to a running instance),
   * computed once per JVM on the cluster of {@code runs} (the shared broker) and reused by every
   * test class: its commands and alerts are not repeated.
   *
   * @param stateDir the reference instance's state directory (may be deleted after it returns)
   */
  static synchronized Outcome reference(ReliabilityRuns runs, Path stateDir) throws Exception {
    if (reference == null) {
      String prefix = unique("reference");
      Topics topics = runs.createTopics(prefix);
      long started = System.nanoTime();
      Outcome outcome;
      try (VigilApplication app =
          new VigilApplication(runs.config(prefix, runs.settings(prefix, stateDir)))) {
        app.start(Duration.ofSeconds(90));
        runs.send(topics, input());
        runs.awaitCaughtUp(prefix, topics);
        outcome = runs.read(topics);
      }
      assertThat(outcome.commandIds())
          .as("reference commands")
          .isNotEmpty()
          .doesNotHaveDuplicates();
      assertThat(outcome.alertIds()).as("reference alerts").isNotEmpty().doesNotHaveDuplicates();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("inputRecords", input().size());
      row.put("commands", outcome.commandIds().size());
      row.put("alerts", outcome.alertIds().size());
      row.put("findings", outcome.findingIds().size());
      row.put("runMillis", Duration.ofNanos(System.nanoTime() - started).toMillis());
      reference = outcome;
      referenceRow = row;
    }
    return reference;
  }

  /** The reference run's figures for a report, once {@link #reference} has run. */
  static synchronized Map<String, Object> referenceRow() {
    return referenceRow;
  }

  /**
   * The settings of a run, as {@code vigil run --set} would take them (mutable: add to it). No
   * wall-clock decay during a run, so runs are compared on their input alone.
   */
  Map<String, String> settings(String prefix, Path state) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("schema.registry.url", registryUrl);
    s.put("topic.prefix", prefix);
    s.put("application.id", prefix + "-app");
    s.put("state.dir", state.toString());
    s.put("replication.factor", Short.toString(replicationFactor));
    s.put("http.port", "-1");
    s.put("commit.interval.ms", "200");
    s.put("decay.interval", "1h");
    s.put("sets.enabled", "false");
    return s;
  }

  /** The configuration of an in-process instance. */
  VigilConfig config(String prefix, Map<String, String> settings) {
    VigilConfig c =
        VigilConfig.defaults()
            .with("bootstrap.servers", bootstrapServers, "test")
            .with("topic.prefix", prefix, "test");
    for (var e : settings.entrySet()) {
      c = c.with(e.getKey(), e.getValue(), "test");
    }
    return c;
  }

  /** Creates Vigil's topics under the prefix: 3 partitions, this runs' replication factor. */
  Topics createTopics(String prefix) throws Exception {
    VigilConfig config = config(prefix, settings(prefix, Path.of("unused")));
    Topics topics = VigilApplication.topics(config);
    try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
      admin.createAll(topics, 3, replicationFactor);
    }
    return topics;
  }

  /** Sends generated events (acks=all) and flushes. */
  void send(Topics topics, List<GeneratedEvent> events) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    cfg.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer())) {
      new GeneratedEventSender(p, topics).send(events.stream());
      p.flush();
    }
  }

  private static List<String> inputTopics(Topics topics) {
    return List.of(
        topics.login().name(),
        topics.access().name(),
        topics.devicePosture().name(),
        topics.networkFlow().name(),
        topics.external().name(),
        topics.grants().name());
  }

  /** Waits until the group has committed a transaction's worth of progress. */
  void awaitCommittedProgress(String group) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      await()
          .alias(group + " has committed progress")
          .atMost(CATCH_UP)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  admin
                      .listConsumerGroupOffsets(group)
                      .partitionsToOffsetAndMetadata()
                      .get()
                      .values()
                      .stream()
                      .anyMatch(o -> o != null && o.offset() > 0));
    }
  }

  /**
   * Waits until the application's group has processed every record of its inputs and internal
   * topics. Exact: {@link ConsumerLag} counts a partition up to two offsets short as caught up
   * (transaction markers occupy offsets); here a short gap counts only if a read_committed consumer
   * finds no record in it.
   */
  void awaitCaughtUp(String prefix, Topics topics) {
    String group = prefix + "-app";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        KafkaConsumer<byte[], byte[]> consumer = committedReader()) {
      await()
          .alias("application " + group + " caught up with its input")
          .atMost(CATCH_UP)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(
              () -> {
                Set<String> all = new HashSet<>(inputTopics(topics));
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                committed.keySet().forEach(tp -> all.add(tp.topic()));
                if (ConsumerLag.of(admin, group, all) > 0) {
                  return false;
                }
                Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                admin
                    .describeTopics(List.copyOf(all))
                    .allTopicNames()
                    .get()
                    .forEach(
                        (name, d) ->
                            d.partitions()
                                .forEach(
                                    p ->
                                        request.put(
                                            new TopicPartition(name, p.partition()),
                                            OffsetSpec.latest())));
                for (var e : admin.listOffsets(request).all().get().entrySet()) {
                  OffsetAndMetadata c = committed.get(e.getKey());
                  long from = c == null ? 0 : c.offset();
                  if (from < e.getValue().offset()
                      && hasRecords(consumer, e.getKey(), from, e.getValue().offset())) {
                    return false;
                  }
                }
                return true;
              });
    }
  }

  private KafkaConsumer<byte[], byte[]> committedReader() {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    return new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Whether a read_committed consumer finds a record in [from, end) (markers are skipped). */
  private static boolean hasRecords(
      KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long from, long end) {
    consumer.assign(List.of(tp));
    consumer.seek(tp, from);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      var records = consumer.poll(Duration.ofMillis(100));
      if (!records.isEmpty()) {
        return records.records(tp).stream().anyMatch(r -> r.offset() < end);
      }
      if (consumer.position(tp) >= end) {
        return false;
      }
    }
    return true; // An open transaction holds the last stable offset back: not caught up.
  }

  /** The commands, alerts and findings of a run, read_committed. */
  Outcome read(Topics topics) {
    List<String> commands = new ArrayList<>();
    Map<String, EnforcementCommand> commandsById = new HashMap<>();
    Map<String, String> described = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(topics.commands())) {
      EnforcementCommand c =
          topics.commands().valueSerde().deserializer().deserialize(r.topic(), r.value());
      commands.add(c.getCommandId());
      commandsById.put(c.getCommandId(), c);
      described.put(
          c.getCommandId(),
          c.getSubjectId()
              + " "
              + c.getAction()
              + " "
              + c.getRuleId()
              + " at "
              + c.getIssuedAt()
              + " sessions "
              + c.getSessionIds()
              + ": "
              + c.getReason());
    }
    List<String> alerts = new ArrayList<>();
    Map<String, RiskLevel> highest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(topics.alerts())) {
      RiskAlert a = topics.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value());
      alerts.add(a.getAlertId());
      highest.merge(a.getSubjectId(), a.getLevel(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
      described.put(
          a.getAlertId(), a.getSubjectId() + " at " + a.getTimestamp() + ": " + a.getHeadline());
    }
    List<String> findings = new ArrayList<>();
    Map<String, String> detectorOf = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(topics.findings())) {
      RiskFinding f =
          topics.findings().valueSerde().deserializer().deserialize(r.topic(), r.value());
      findings.add(f.getFindingId());
      detectorOf.put(f.getFindingId(), f.getDetectorId());
      described.put(
          f.getFindingId(),
          f.getSubjectId()
              + " "
              + f.getDetectorId()
              + " at "
              + f.getTimestamp()
              + ": "
              + f.getSummary());
    }
    return new Outcome(commands, alerts, findings, detectorOf, described, commandsById, highest);
  }

  /** Every committed record of a topic, read_committed, from the beginning to the end. */
  List<ConsumerRecord<byte[], byte[]>> readAll(Topic<?, ?> topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = committedReader()) {
      List<TopicPartition> parts =
          c.partitionsFor(topic.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    out.sort(Comparator.comparingLong(ConsumerRecord::offset));
    return out;
  }

  /**
   * Starts {@code vigil run} in a child JVM (so it can be killed with SIGKILL), its output in
   * {@code log}.
   */
  static Process startChild(String bootstrapServers, Map<String, String> settings, Path log)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx384m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.vigil.app.cli.VigilCli");
    cmd.add("--bootstrap-servers");
    cmd.add(bootstrapServers);
    settings.forEach(
        (k, v) -> {
          cmd.add("--set");
          cmd.add(k + "=" + v);
        });
    cmd.add("run");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("VIGIL_") || k.startsWith("KAFKA_"));
    return pb.start();
  }

  // ---------------------------------------------------------------- comparison and report

  /**
   * No command or alert repeated, and the same decisions as the reference: per subject, the highest
   * level alerted, the strongest action enforced, and the sessions, grants and devices acted on
   * ({@link #decisions}).
   *
   * <p>Ids are compared too, but reported rather than asserted ({@link #comparison}): a command's
   * or alert's id names the finding on top when the level changed, and findings about one subject
   * raised by different tasks (subject, source IP, device) reach scoring in the order those tasks
   * happen to commit. So a step-up on the way to a revocation, or an alert's previous level, can
   * differ between two clean runs of the same input (docs/reliability.md); what an enforcement
   * point or an analyst acts on cannot.
   */
  static void assertSameAsReference(Outcome ref, Outcome outcome) {
    assertThat(outcome.commandIds()).as("commands, none repeated").doesNotHaveDuplicates();
    assertThat(outcome.alertIds()).as("alerts, none repeated").doesNotHaveDuplicates();
    assertThat(decisions(outcome)).as("decisions vs reference").isEqualTo(decisions(ref));
  }

  /** Restrictive actions, weakest first: a subject's strongest is the one compared. */
  private static final List<EnforcementAction> STRENGTH =
      List.of(
          EnforcementAction.STEP_UP,
          EnforcementAction.REVOKE_GRANT,
          EnforcementAction.REVOKE_SESSIONS,
          EnforcementAction.QUARANTINE_DEVICE,
          EnforcementAction.QUARANTINE_WORKLOAD);

  /**
   * What a run decided, per subject with a command or an alert: highest level alerted, strongest
   * enforced action, and the sessions revoked, grants revoked and devices quarantined.
   */
  static SortedMap<String, String> decisions(Outcome run) {
    SortedMap<String, RiskLevel> level = new TreeMap<>(run.highestLevel());
    SortedMap<String, EnforcementAction> strongest = new TreeMap<>();
    SortedMap<String, SortedSet<String>> actedOn = new TreeMap<>();
    for (EnforcementCommand c : run.commandsById().values()) {
      String subject = c.getSubjectId();
      level.putIfAbsent(subject, RiskLevel.NONE);
      int rank = STRENGTH.indexOf(c.getAction());
      EnforcementAction before = strongest.get(subject);
      if (rank >= 0 && (before == null || rank > STRENGTH.indexOf(before))) {
        strongest.put(subject, c.getAction());
      }
      SortedSet<String> targets = actedOn.computeIfAbsent(subject, k -> new TreeSet<>());
      switch (c.getAction()) {
        case REVOKE_SESSIONS -> c.getSessionIds().forEach(id -> targets.add("session " + id));
        case REVOKE_GRANT -> targets.add("grant " + c.getGrantId());
        case QUARANTINE_DEVICE -> targets.add("device " + c.getDeviceId());
        default -> {}
      }
    }
    SortedMap<String, String> out = new TreeMap<>();
    level.forEach(
        (subject, highest) ->
            out.put(
                subject,
                "highest "
                    + highest
                    + ", strongest "
                    + strongest.getOrDefault(subject, EnforcementAction.NONE)
                    + ", acted on "
                    + actedOn.getOrDefault(subject, new TreeSet<>())));
    return out;
  }

  /**
   * The session revocations of {@code run} that {@code other} lacks by id but whose sessions it
   * revokes all the same, with another command of the same subject. This is the one known way two
   * runs differ without a decision lost: when a new session's sign-in and the finding that takes
   * its subject to a revoking level are scored in the other order (they can come from different
   * tasks, docs/reliability.md), the session is revoked by the level change's command instead of
   * its own.
   */
  static List<String> revokedByAnotherCommand(Outcome run, Outcome other) {
    List<String> out = new ArrayList<>();
    for (String id : run.commands()) {
      EnforcementCommand c = run.commandsById().get(id);
      if (!other.commands().contains(id)
          && c.getAction() == EnforcementAction.REVOKE_SESSIONS
          && !c.getSessionIds().isEmpty()
          && other.revokedSessions(c.getSubjectId()).containsAll(c.getSessionIds())) {
        out.add(id);
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /**
   * A report row comparing a run with the reference: what was compared, the counts, each missing or
   * extra command, alert and finding described, and the recovery time.
   */
  static Map<String, Object> comparison(
      int inputSize, Outcome ref, Outcome outcome, Duration recovery, String fault) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("fault", fault);
    row.put("inputRecords", inputSize);
    row.put(
        "compared",
        "decisions of "
            + ref.highestLevel().size()
            + " alerted subjects (highest level, strongest action, sessions, grants and devices"
            + " acted on) asserted; command ids ("
            + ref.commands().size()
            + " in reference) and alert ids ("
            + ref.alerts().size()
            + ") reported; read_committed");
    SortedMap<String, String> expected = decisions(ref);
    SortedMap<String, String> actual = decisions(outcome);
    List<String> differing = new ArrayList<>();
    for (String subject : union(expected.keySet(), actual.keySet())) {
      if (!Objects.equals(expected.get(subject), actual.get(subject))) {
        differing.add(
            subject + ": reference " + expected.get(subject) + ", run " + actual.get(subject));
      }
    }
    row.put("differingDecisions", differing);
    row.put("commands", outcome.commandIds().size());
    row.put("alerts", outcome.alertIds().size());
    row.put("missingCommands", described(ref, ref.commands(), outcome.commands()));
    row.put("extraCommands", described(outcome, outcome.commands(), ref.commands()));
    List<String> carried = new ArrayList<>(revokedByAnotherCommand(ref, outcome));
    carried.addAll(revokedByAnotherCommand(outcome, ref));
    row.put("sessionsRevokedByAnotherCommand", carried);
    row.put("missingAlerts", described(ref, ref.alerts(), outcome.alerts()));
    row.put("extraAlerts", described(outcome, outcome.alerts(), ref.alerts()));
    row.put("findings", outcome.findingIds().size() + " (reference " + ref.findings().size() + ")");
    row.put("missingFindings", described(ref, ref.findings(), outcome.findings()));
    row.put("extraFindings", described(outcome, outcome.findings(), ref.findings()));
    row.put("recoveryMillis", recovery.toMillis());
    return row;
  }

  private static SortedSet<String> union(Set<String> a, Set<String> b) {
    SortedSet<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  /** The ids in {@code ids} that {@code other} lacks, each with its description. */
  private static List<String> described(Outcome from, Set<String> ids, Set<String> other) {
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      if (!other.contains(id)) {
        out.add(id + " " + from.described().get(id));
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Prints the rows and writes them, with the broker description, as JSON to {@code out}. */
  static void writeReport(Path out, String broker, Map<String, Map<String, Object>> rows)
      throws Exception {
    rows.forEach((k, v) -> System.out.println("reliability " + k + ": " + v));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("broker", broker);
    doc.put("tests", rows);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
  }
}
