package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.errors.DeadLetters;
import dev.vigil.dev.DataDirectories;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.it.ReliabilityRuns.Outcome;
import dev.vigil.risk.detect.login.NewDeviceDetector;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once and bad-input behaviour on a real broker, each fault against a reference run fed the
 * same labelled input (benign traffic and attack scenarios from the demo generator): the sets of
 * command ids and alert ids read with read_committed must be equal, with no id repeated. Each test
 * records its input size, what it compared and its recovery time in {@code
 * target/reliability-report.json}.
 */
@Tag("reliability")
// A test that computes the reference run first takes it too (about 5 min on a loaded 2-core box).
@Timeout(1200)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIntegrationTest {

  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  private static final Map<String, Map<String, Object>> REPORT = new LinkedHashMap<>();

  @TempDir Path work;

  // ---------------------------------------------------------------- tests

  @Test
  @Order(1)
  void shouldProduceTheSameDecisionsAfterAKill9MidStreamAndARestartOnTheSameState()
      throws Exception {
    crashAndRestart("crash-keep-state", false);
  }

  @Test
  @Order(2)
  void shouldProduceTheSameDecisionsAfterAKill9AndARestartWithTheLocalStateLost() throws Exception {
    crashAndRestart("crash-lost-state", true);
  }

  @Test
  @Order(3)
  void shouldDeadLetterEveryPoisonPillAndMissNoDecision() throws Exception {
    Outcome ref = reference();
    // Given the labelled input with poison pills interleaved, and a bad reference record
    String prefix = unique("poison");
    Topics topics = createTopics(prefix);
    try (VigilApplication app = new VigilApplication(config(prefix, work.resolve("state")))) {
      app.start(Duration.ofSeconds(90));
      long started = System.nanoTime();
      List<GeneratedEvent> events = input();
      int half = events.size() / 2;
      send(topics, events.subList(0, half));
      int pills = sendPoisonPills(topics);
      send(topics, events.subList(half, events.size()));

      // When the application has caught up
      awaitCaughtUp(prefix, topics);
      Outcome outcome = read(topics);
      List<ConsumerRecord<byte[], byte[]>> dead = readAll(topics.deadLetters(), topics);

      // Then every pill is in the dead-letter topic with topic, partition, offset, class, reason
      assertThat(dead).hasSize(pills);
      for (ConsumerRecord<byte[], byte[]> d : dead) {
        for (String h :
            List.of(
                DeadLetters.HEADER_TOPIC,
                DeadLetters.HEADER_PARTITION,
                DeadLetters.HEADER_OFFSET,
                DeadLetters.HEADER_EXCEPTION,
                DeadLetters.HEADER_REASON)) {
          assertThat(d.headers().lastHeader(h)).as(h).isNotNull();
        }
      }
      assertThat(dead)
          .extracting(d -> header(d, DeadLetters.HEADER_REASON))
          .contains(
              "MALFORMED",
              "UNKNOWN_SCHEMA",
              "OUT_OF_RANGE",
              "OVERSIZED",
              DeadLetters.TIMESTAMP_OUT_OF_RANGE);
      assertThat(dead)
          .extracting(d -> header(d, DeadLetters.HEADER_TOPIC))
          .contains(topics.threatIntel().name());
      assertThat(dead)
          .filteredOn(d -> "OVERSIZED".equals(header(d, DeadLetters.HEADER_REASON)))
          .allSatisfy(d -> assertThat(header(d, DeadLetters.HEADER_TRUNCATED)).isEqualTo("true"));
      // And counted in metrics
      assertThat(app.metrics().total("vigil.dlq.records")).isEqualTo(pills);
      // And the application never stopped and decided exactly as the reference run
      assertThat(app.pipeline().streams().state().isRunningOrRebalancing()).isTrue();
      record(
          "poison-pills",
          events.size() + pills,
          ref,
          outcome,
          Duration.ofNanos(System.nanoTime() - started),
          "7 pills on the login topic and 1 on the threat-intel (global) topic; DLQ headers,"
              + " vigil.dlq.records and the decisions around them");
      // And no decision repeated or changed: the pills cost nothing but themselves
      assertSameAsReference(ref, outcome);
    }
  }

  @Test
  @Order(4)
  void shouldKeepBaselinesAcrossARestart() throws Exception {
    // Given a user who signed in from one laptop in Germany twelve times over four days
    String prefix = unique("baseline");
    Topics topics = createTopics(prefix);
    Path state = work.resolve("state");
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(5));
    List<ProducerRecord<String, LoginEvent>> history = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      history.add(login(topics, "b-" + i, t0.plus(Duration.ofHours(8L * i)), "laptop-1"));
    }
    try (VigilApplication app = new VigilApplication(config(prefix, state))) {
      app.start(Duration.ofSeconds(90));
      sendTyped(topics.login(), history);
      awaitCaughtUp(prefix, topics);
    }

    // When the application restarts on the same state and she signs in from the same laptop, then
    // from a phone never seen
    long restarted = System.nanoTime();
    try (VigilApplication app = new VigilApplication(config(prefix, state))) {
      app.start(Duration.ofSeconds(90));
      Duration recovery = Duration.ofNanos(System.nanoTime() - restarted);
      Instant t1 = t0.plus(Duration.ofDays(4));
      sendTyped(
          topics.login(),
          List.of(
              login(topics, "b-known", t1, "laptop-1"),
              login(topics, "b-new", t1.plusSeconds(60), "phone-9")));
      awaitCaughtUp(prefix, topics);

      // Then the laptop is not new, and the phone is: the learned baseline survived the restart
      List<RiskFinding> findings = new ArrayList<>();
      readAll(topics.findings(), topics).forEach(r -> findings.add(decodeFinding(topics, r)));
      assertThat(findings)
          .filteredOn(f -> f.getSourceEventIds().contains("b-known"))
          .extracting(RiskFinding::getDetectorId)
          .doesNotContain(NewDeviceDetector.ID);
      assertThat(findings)
          .as("findings after the restart: %s", describe(findings))
          .filteredOn(f -> f.getSourceEventIds().contains("b-new"))
          .extracting(RiskFinding::getDetectorId)
          .contains(NewDeviceDetector.ID);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("inputRecords", history.size() + 2);
      row.put(
          "compared",
          "findings for a known and an unknown device after restart (new-device absent/present)");
      row.put("recoveryMillis", recovery.toMillis());
      REPORT.put("restart-keeps-baselines", row);
    }
  }

  @Test
  @Order(5)
  void shouldRaiseTheSameFindingsAfterAGracefulRestartMidStream() throws Exception {
    Outcome ref = reference();
    String prefix = unique("graceful-restart");
    Topics topics = createTopics(prefix);
    Path state = work.resolve("state");
    List<GeneratedEvent> events = input();
    int half = events.size() / 2;

    // Given an instance that has processed part of the input and is closed while the rest arrives
    try (VigilApplication app = new VigilApplication(config(prefix, state))) {
      app.start(Duration.ofSeconds(90));
      send(topics, events.subList(0, half));
      awaitCommittedProgress(prefix + "-app");
      send(topics, events.subList(half, events.size()));
    }

    // When a new instance starts on the same state and catches up
    long restarted = System.nanoTime();
    try (VigilApplication app = new VigilApplication(config(prefix, state))) {
      app.start(Duration.ofSeconds(90));
      awaitCaughtUp(prefix, topics);
      Duration recovery = Duration.ofNanos(System.nanoTime() - restarted);
      Outcome outcome = read(topics);

      // Then the detectors, whose baselines and population statistics were restored from the
      // state, raised exactly the findings of the reference run (a finding id may repeat: a
      // windowed detector re-emits its finding under the same id when its content grows)
      record(
          "graceful-restart",
          events.size(),
          ref,
          outcome,
          recovery,
          "graceful close mid-stream (after the first commits, the second half in flight),"
              + " restart on the same state directory");
      assertThat(outcome.findings()).as("findings vs reference").isEqualTo(ref.findings());
      assertSameAsReference(ref, outcome);
    }
  }

  @Test
  @Order(6)
  void shouldProduceTheSameDecisionsWhenOneOfTwoInstancesIsKilledMidStream() throws Exception {
    Outcome ref = reference();
    String prefix = unique("two-one-killed");
    Topics topics = createTopics(prefix);
    List<GeneratedEvent> events = input();
    int half = events.size() / 2;
    Map<String, String> first = settings(prefix, work.resolve("first-state"));
    Map<String, String> second = settings(prefix, work.resolve("second-state"));
    first.put("num.standby.replicas", "1");
    second.put("num.standby.replicas", "1");

    // Given two instances in their own JVMs sharing the work (a standby of each store on the other)
    Process killed = ReliabilityRuns.startChild(CLUSTER.bootstrapServers(), first, log("a"));
    Process survivor = ReliabilityRuns.startChild(CLUSTER.bootstrapServers(), second, log("b"));
    try {
      awaitMembers(prefix + "-app", 2);
      send(topics, events.subList(0, half));
      awaitCommittedProgress(prefix + "-app");
      // When the rest arrives and one of them is killed with SIGKILL mid-stream
      send(topics, events.subList(half, events.size()));
      killed.destroyForcibly().waitFor();
      long kill = System.nanoTime();

      // Then the other takes over its tasks and decides exactly what the reference run decided
      awaitCaughtUp(prefix, topics);
      Duration recovery = Duration.ofNanos(System.nanoTime() - kill);
      Outcome outcome = read(topics);
      record(
          "two-instances-one-killed",
          events.size(),
          ref,
          outcome,
          recovery,
          "two child JVMs share the partitions (num.standby.replicas=1); one is killed with"
              + " SIGKILL mid-stream (second half in flight); recovery = kill to caught up");
      assertSameAsReference(ref, outcome);
    } finally {
      killed.destroyForcibly().waitFor();
      survivor.destroy();
      survivor.waitFor();
    }
  }

  private Path log(String name) {
    return work.resolve(name + ".log");
  }

  /** Waits until the application's group has this many members, each with partitions. */
  private static void awaitMembers(String group, int members) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
      await()
          .alias(group + " has " + members + " members with partitions")
          .atMost(Duration.ofSeconds(180))
          .ignoreExceptions()
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                var description =
                    admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                return description.members().size() == members
                    && description.members().stream()
                        .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
              });
    }
  }

  // ---------------------------------------------------------------- crash runs

  private void crashAndRestart(String name, boolean loseState) throws Exception {
    Outcome ref = reference();
    String prefix = unique(name);
    Topics topics = createTopics(prefix);
    Path state = work.resolve("state");
    List<GeneratedEvent> events = input();
    int half = events.size() / 2;

    // Given an instance in its own JVM that has processed part of the input
    Process first = startChild(prefix, state, work.resolve("first.log"));
    try {
      send(topics, events.subList(0, half));
      awaitCommittedProgress(prefix + "-app");
      // When the rest arrives and the instance is killed with SIGKILL mid-stream
      send(topics, events.subList(half, events.size()));
    } finally {
      first.destroyForcibly().waitFor();
    }
    if (loseState) {
      DataDirectories.deleteRecursively(state);
    }
    // And a new instance starts on the same application id
    long restarted = System.nanoTime();
    Process second = startChild(prefix, state, work.resolve("second.log"));
    try {
      awaitCaughtUp(prefix, topics);
      Duration recovery = Duration.ofNanos(System.nanoTime() - restarted);
      Outcome outcome = read(topics);

      // Then it decided exactly what the reference run decided, each once
      record(
          name,
          events.size(),
          ref,
          outcome,
          recovery,
          "kill -9 of a child JVM after its first commits, restart "
              + (loseState ? "with the state directory deleted" : "on the same state directory"));
      assertSameAsReference(ref, outcome);
    } finally {
      second.destroy();
      second.waitFor();
    }
  }

  private Process startChild(String prefix, Path state, Path log) throws Exception {
    return ReliabilityRuns.startChild(CLUSTER.bootstrapServers(), settings(prefix, state), log);
  }

  // ---------------------------------------------------------------- reference and input

  private Outcome reference() throws Exception {
    Outcome ref = ReliabilityRuns.reference(runs(), work.resolve("ref-state"));
    REPORT.put("reference", ReliabilityRuns.referenceRow());
    return ref;
  }

  private static List<GeneratedEvent> input() {
    return ReliabilityRuns.input();
  }

  // ---------------------------------------------------------------- poison pills

  /** Sends the pills; returns how many. */
  private int sendPoisonPills(Topics topics) throws Exception {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    cfg.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    cfg.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
    String login = topics.login().name();
    byte[] key = "mallory@corp.example".getBytes(StandardCharsets.UTF_8);
    LoginEvent valid =
        login(topics, "pill-base", Instant.now().minusSeconds(60), "laptop-x").value();
    byte[] validBytes = topics.login().valueSerde().serializer().serialize(login, valid);
    byte[] badMagic = validBytes.clone();
    badMagic[0] = 7;
    byte[] unknownId = validBytes.clone();
    ByteBuffer.wrap(unknownId, 1, 4).putInt(987_654);
    LoginEvent noSubject =
        LoginEvent.newBuilder(valid).setEventId("pill-nosubject").setSubjectId("").build();
    LoginEvent future =
        LoginEvent.newBuilder(valid)
            .setEventId("pill-future")
            .setTimestamp(Instant.now().plus(Duration.ofDays(3650)))
            .build();
    LoginEvent past =
        LoginEvent.newBuilder(valid)
            .setEventId("pill-past")
            .setTimestamp(Instant.now().minus(Duration.ofDays(3650)))
            .build();
    byte[] huge = new byte[2 * 1024 * 1024];
    List<ProducerRecord<byte[], byte[]>> pills =
        List.of(
            new ProducerRecord<>(login, key, "garbage, not avro".getBytes(StandardCharsets.UTF_8)),
            new ProducerRecord<>(login, key, badMagic),
            new ProducerRecord<>(login, key, unknownId),
            new ProducerRecord<>(
                login, key, topics.login().valueSerde().serializer().serialize(login, noSubject)),
            new ProducerRecord<>(login, key, huge),
            // Stamped now: brokers refuse record timestamps over an hour ahead (KIP-1030).
            new ProducerRecord<>(
                login, key, topics.login().valueSerde().serializer().serialize(login, future)),
            new ProducerRecord<>(
                login,
                null,
                past.getTimestamp().toEpochMilli(),
                key,
                topics.login().valueSerde().serializer().serialize(login, past)),
            new ProducerRecord<>(
                topics.threatIntel().name(),
                "203.0.113.9".getBytes(StandardCharsets.UTF_8),
                "not a threat indicator".getBytes(StandardCharsets.UTF_8)));
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : pills) {
        p.send(r).get();
      }
    }
    return pills.size();
  }

  // ---------------------------------------------------------------- helpers

  /** The shared steps of a run, on the shared broker. */
  private static ReliabilityRuns runs() {
    return new ReliabilityRuns(CLUSTER.bootstrapServers(), CLUSTER.registryUrl(), (short) 1);
  }

  private static String unique(String name) {
    return ReliabilityRuns.unique(name);
  }

  private static Map<String, String> settings(String prefix, Path state) {
    return runs().settings(prefix, state);
  }

  private static VigilConfig config(String prefix, Path state) {
    return runs().config(prefix, settings(prefix, state));
  }

  private static Topics createTopics(String prefix) throws Exception {
    return runs().createTopics(prefix);
  }

  private static void send(Topics topics, List<GeneratedEvent> events) {
    runs().send(topics, events);
  }

  private static <V> void sendTyped(Topic<String, V> topic, List<ProducerRecord<String, V>> records)
      throws Exception {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    try (KafkaProducer<String, V> p =
        new KafkaProducer<>(cfg, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      for (ProducerRecord<String, V> r : records) {
        p.send(r).get();
      }
    }
  }

  private static ProducerRecord<String, LoginEvent> login(
      Topics topics, String id, Instant at, String device) {
    LoginEvent e =
        PipelineIntegrationTest.login(
            id, "bea@corp.example", at, PipelineIntegrationTest.berlin(), "s-" + id);
    e.setDeviceId(device);
    e.setIp("198.51.100.20");
    return new ProducerRecord<>(
        topics.login().name(), null, at.toEpochMilli(), e.getSubjectId(), e);
  }

  private static void awaitCommittedProgress(String group) {
    runs().awaitCommittedProgress(group);
  }

  private static void awaitCaughtUp(String prefix, Topics topics) {
    runs().awaitCaughtUp(prefix, topics);
  }

  private static Outcome read(Topics topics) {
    return runs().read(topics);
  }

  private static List<String> describe(List<RiskFinding> findings) {
    return findings.stream()
        .map(f -> f.getDetectorId() + " " + f.getSourceEventIds() + " " + f.getSummary())
        .toList();
  }

  private static RiskFinding decodeFinding(Topics topics, ConsumerRecord<byte[], byte[]> r) {
    return topics.findings().valueSerde().deserializer().deserialize(r.topic(), r.value());
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(Topic<?, ?> topic, Topics topics) {
    return runs().readAll(topic);
  }

  private static void assertSameAsReference(Outcome ref, Outcome outcome) {
    ReliabilityRuns.assertSameAsReference(ref, outcome);
  }

  private static void record(
      String name, int inputSize, Outcome ref, Outcome outcome, Duration recovery, String fault) {
    REPORT.put(name, ReliabilityRuns.comparison(inputSize, ref, outcome, recovery, fault));
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @AfterAll
  static void writeReport() throws Exception {
    ReliabilityRuns.writeReport(
        Path.of("target", "reliability-report.json"), CLUSTER.description(), REPORT);
  }
}
