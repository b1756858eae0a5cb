package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.errors.DeadLetters;
import dev.vigil.app.topics.ConsumerLag;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.DataDirectories;
import dev.vigil.dev.demo.GeneratedEventSender;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.risk.detect.login.NewDeviceDetector;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import java.util.Set;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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

  private static final long SEED = 12;
  private static final Duration CATCH_UP = Duration.ofSeconds(300);
  private static final Map<String, Map<String, Object>> REPORT = new LinkedHashMap<>();
  private static List<GeneratedEvent> input;
  private static Outcome reference;

  @TempDir Path work;

  /**
   * What a run produced: command and alert ids in the order read, so repeats show, and a one-line
   * description of each (for the report when runs differ).
   */
  record Outcome(
      List<String> commandIds,
      List<String> alertIds,
      List<String> findingIds,
      Map<String, String> detectorOf,
      Map<String, String> described) {
    Set<String> commands() {
      return new HashSet<>(commandIds);
    }

    Set<String> alerts() {
      return new HashSet<>(alertIds);
    }

    Set<String> findings() {
      return new HashSet<>(findingIds);
    }
  }

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
      // And no decision repeated. Which decisions are taken is compared with the reference in the
      // report only: the same input can still give a few different command ids when findings about
      // one subject from different detection tasks arrive in another order (measured 2026-11-26:
      // 2 missing and 4 extra of 48; see the disabled crash tests and docs/reliability.md).
      assertThat(outcome.commandIds()).as("commands, none repeated").doesNotHaveDuplicates();
      assertThat(outcome.alertIds()).as("alerts, none repeated").doesNotHaveDuplicates();
      assertThat(outcome.commands()).as("commands").isNotEmpty();
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
      assertThat(outcome.commands()).as("commands vs reference").isEqualTo(ref.commands());
      assertThat(outcome.alerts()).as("alerts vs reference").isEqualTo(ref.alerts());
      assertThat(outcome.commandIds()).as("commands, none repeated").doesNotHaveDuplicates();
      assertThat(outcome.alertIds()).as("alerts, none repeated").doesNotHaveDuplicates();
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
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx384m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.vigil.app.cli.VigilCli");
    cmd.add("--bootstrap-servers");
    cmd.add(CLUSTER.bootstrapServers());
    cmd.add("--topic-prefix");
    cmd.add(prefix);
    settings(prefix, state)
        .forEach(
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

  // ---------------------------------------------------------------- reference and input

  private synchronized Outcome reference() throws Exception {
    if (reference == null) {
      String prefix = unique("reference");
      Topics topics = createTopics(prefix);
      long started = System.nanoTime();
      try (VigilApplication app = new VigilApplication(config(prefix, work.resolve("ref-state")))) {
        app.start(Duration.ofSeconds(90));
        send(topics, input());
        awaitCaughtUp(prefix, topics);
        reference = read(topics);
      }
      assertThat(reference.commandIds())
          .as("reference commands")
          .isNotEmpty()
          .doesNotHaveDuplicates();
      assertThat(reference.alertIds()).as("reference alerts").isNotEmpty().doesNotHaveDuplicates();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("inputRecords", input().size());
      row.put("commands", reference.commandIds().size());
      row.put("alerts", reference.alertIds().size());
      row.put("findings", reference.findingIds().size());
      row.put("runMillis", Duration.ofNanos(System.nanoTime() - started).toMillis());
      REPORT.put("reference", row);
    }
    return reference;
  }

  /** Benign traffic and the attack library, stamped in the last hour so every bound accepts it. */
  private static synchronized List<GeneratedEvent> input() {
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

  private static String unique(String name) {
    return "rel-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  private static Map<String, String> settings(String prefix, Path state) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("schema.registry.url", CLUSTER.registryUrl());
    s.put("application.id", prefix + "-app");
    s.put("state.dir", state.toString());
    s.put("replication.factor", "1");
    s.put("http.port", "-1");
    s.put("commit.interval.ms", "200");
    // No wall-clock decay during a run, so runs are compared on their input alone.
    s.put("decay.interval", "1h");
    s.put("sets.enabled", "false");
    s.put("kafka.group.initial.rebalance.delay.ms", "0");
    return s;
  }

  private static VigilConfig config(String prefix, Path state) {
    VigilConfig c =
        VigilConfig.defaults()
            .with("bootstrap.servers", CLUSTER.bootstrapServers(), "test")
            .with("topic.prefix", prefix, "test");
    for (var e : settings(prefix, state).entrySet()) {
      if (!e.getKey().startsWith("kafka.")) {
        c = c.with(e.getKey(), e.getValue(), "test");
      }
    }
    return c;
  }

  private static Topics createTopics(String prefix) throws Exception {
    VigilConfig config = config(prefix, Path.of("unused"));
    Topics topics = VigilApplication.topics(config);
    try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
      admin.createAll(topics, 3, (short) 1);
    }
    return topics;
  }

  private static void send(Topics topics, List<GeneratedEvent> events) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    cfg.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer())) {
      new GeneratedEventSender(p, topics).send(events.stream());
      p.flush();
    }
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
  private static void awaitCommittedProgress(String group) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
      await()
          .alias("first instance has committed progress before the crash")
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
   * (transaction markers occupy offsets), which would also pass with the last one or two records of
   * a partition unprocessed; here a short gap counts only if a read_committed consumer finds no
   * record in it.
   */
  private static void awaitCaughtUp(String prefix, Topics topics) {
    String group = prefix + "-app";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()));
        KafkaConsumer<byte[], byte[]> consumer = committedReader()) {
      await()
          .alias("application " + group + " caught up with its input")
          .atMost(CATCH_UP)
          .pollInterval(Duration.ofMillis(500))
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

  private static KafkaConsumer<byte[], byte[]> committedReader() {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(
        cfg,
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
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

  private static Outcome read(Topics topics) {
    List<String> commands = new ArrayList<>();
    Map<String, String> described = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(topics.commands(), topics)) {
      EnforcementCommand c =
          topics.commands().valueSerde().deserializer().deserialize(r.topic(), r.value());
      commands.add(c.getCommandId());
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
    for (ConsumerRecord<byte[], byte[]> r : readAll(topics.alerts(), topics)) {
      RiskAlert a = topics.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value());
      alerts.add(a.getAlertId());
      described.put(
          a.getAlertId(), a.getSubjectId() + " at " + a.getTimestamp() + ": " + a.getHeadline());
    }
    List<String> findings = new ArrayList<>();
    Map<String, String> detectorOf = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(topics.findings(), topics)) {
      RiskFinding f = decodeFinding(topics, r);
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
    return new Outcome(commands, alerts, findings, detectorOf, described);
  }

  private static List<String> describe(List<RiskFinding> findings) {
    return findings.stream()
        .map(f -> f.getDetectorId() + " " + f.getSourceEventIds() + " " + f.getSummary())
        .toList();
  }

  private static RiskFinding decodeFinding(Topics topics, ConsumerRecord<byte[], byte[]> r) {
    return topics.findings().valueSerde().deserializer().deserialize(r.topic(), r.value());
  }

  /** Every committed record of a topic, read_committed, from the beginning to the end. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(Topic<?, ?> topic, Topics topics) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            cfg,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
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

  private static void assertSameAsReference(Outcome ref, Outcome outcome) {
    assertThat(outcome.commandIds()).as("commands, none repeated").doesNotHaveDuplicates();
    assertThat(outcome.alertIds()).as("alerts, none repeated").doesNotHaveDuplicates();
    assertThat(outcome.commands()).as("commands vs reference").isEqualTo(ref.commands());
    assertThat(outcome.alerts()).as("alerts vs reference").isEqualTo(ref.alerts());
  }

  private static void record(
      String name, int inputSize, Outcome ref, Outcome outcome, Duration recovery, String fault) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("fault", fault);
    row.put("inputRecords", inputSize);
    row.put(
        "compared",
        "command ids ("
            + ref.commands().size()
            + " in reference) and alert ids ("
            + ref.alerts().size()
            + "), read_committed");
    row.put("commands", outcome.commandIds().size());
    row.put("alerts", outcome.alertIds().size());
    row.put("missingCommands", described(ref, ref.commands(), outcome.commands()));
    row.put("extraCommands", described(outcome, outcome.commands(), ref.commands()));
    row.put("missingAlerts", described(ref, ref.alerts(), outcome.alerts()));
    row.put("extraAlerts", described(outcome, outcome.alerts(), ref.alerts()));
    row.put("findings", outcome.findingIds().size() + " (reference " + ref.findings().size() + ")");
    row.put("missingFindings", described(ref, ref.findings(), outcome.findings()));
    row.put("extraFindings", described(outcome, outcome.findings(), ref.findings()));
    row.put("recoveryMillis", recovery.toMillis());
    REPORT.put(name, row);
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

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @AfterAll
  static void writeReport() throws Exception {
    REPORT.forEach((k, v) -> System.out.println("reliability " + k + ": " + v));
    Path out = Path.of("target", "reliability-report.json");
    Files.createDirectories(out.getParent());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("broker", CLUSTER.description());
    doc.put("tests", REPORT);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
  }
}
