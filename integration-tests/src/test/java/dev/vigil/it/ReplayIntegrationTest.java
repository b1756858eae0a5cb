package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.topics.ConsumerLag;
import dev.vigil.dev.demo.GeneratedEventSender;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.schema.Contribution;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schemas.topic.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One notion of time in scoring, on a real broker: the same generated traffic (benign users and the
 * attack library) scored once live, stamped so its last event is now and sent at once, and once as
 * a history replay a week in the past, fed in three batches with pauses between them while the
 * wall-clock decay timer runs (every 2 s in the harness). Alerts and commands must be the same once
 * their times are moved by the week.
 */
@Tag("integration")
@Timeout(600)
class ReplayIntegrationTest {

  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  private static final long SEED = 23;
  private static final Duration HISTORY = Duration.ofHours(6);
  private static final Duration LIVE = Duration.ofMinutes(15);

  /** A whole week, so times of day and weekdays (which detectors learn) are the same. */
  private static final Duration SHIFT = Duration.ofDays(7);

  /** The allowed lateness (300 s) and a minute: decay after that depends on how long one waits. */
  private static final Duration HORIZON = Duration.ofMinutes(6);

  private static final Duration CATCH_UP = Duration.ofSeconds(240);
  private static final Pattern INSTANT =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?Z");

  /**
   * Detectors whose finding time depends on the order records from several partitions arrive in,
   * whatever the clock (issue 10 item 1): a password spray's finding on the source address is
   * stamped with the attempt that crossed the threshold as they arrived. An alert made of these
   * alone is compared without its time (level change, score and action still count).
   */
  private static final Set<String> ORDER_DEPENDENT_TIME = Set.of("login.password-spray");

  /**
   * Subjects allowed to be decided differently between any two runs because of the order in which
   * findings from different tasks reach scoring (measured 0, 0, 0 and 1 of about 50 in four runs).
   */
  private static final int MAX_ORDER_DEPENDENT = 2;

  @TempDir Path stateDir;

  @Test
  void shouldGiveTheSameAlertsAndCommandsInAHistoryReplayAsLive() throws Exception {
    // Given the same traffic stamped up to now (live) and a week earlier (replay)
    Instant liveStart = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(LIVE);
    List<GeneratedEvent> live = input(liveStart);
    List<GeneratedEvent> replay = input(liveStart.minus(SHIFT));
    assertThat(replay).hasSameSizeAs(live);
    for (int i = 0; i < live.size(); i++) {
      assertThat(replay.get(i).timestamp().plus(SHIFT)).isEqualTo(live.get(i).timestamp());
      assertThat(replay.get(i).key()).isEqualTo(live.get(i).key());
    }
    Instant horizon = last(live).minus(HORIZON);

    // When it is scored live, event times close to the wall clock, and replayed a week later,
    // each fed the same way: the history, then the live period in chunks shorter than the allowed
    // lateness, the pipeline left with nothing to read for three decay intervals after each
    Outcome liveOut = run("live", live, liveStart, Duration.ZERO, horizon);
    Outcome replayOut = run("replay", replay, liveStart.minus(SHIFT), SHIFT, horizon);

    // Then both decided the same: alerts (subject, time, level change, score, action, contributing
    // detectors) and commands (subject, time, action, rule, level, score, sessions), times moved
    // by the week. (Headline and reason texts are printed when they differ, not compared: the
    // counts in a password-spray sentence depend on the order attempts from three partitions
    // reach the source address's task, issue 10 item 1, not on time.)
    System.out.println(
        "replay vs live: live "
            + liveOut.alerts().size()
            + " alerts, "
            + liveOut.commands().size()
            + " commands up to "
            + horizon
            + "; alerts only live "
            + minus(liveOut.alerts(), replayOut.alerts())
            + ", only replayed "
            + minus(replayOut.alerts(), liveOut.alerts())
            + "; commands only live "
            + minus(liveOut.commands(), replayOut.commands())
            + ", only replayed "
            + minus(replayOut.commands(), liveOut.commands())
            + "; texts only live "
            + minus(liveOut.texts(), replayOut.texts())
            + ", only replayed "
            + minus(replayOut.texts(), liveOut.texts()));
    assertThat(liveOut.alerts()).as("live alerts").hasSizeGreaterThan(5);
    assertThat(liveOut.commands()).as("live commands").isNotEmpty();
    // Every subject decided exactly alike, but for at most MAX_ORDER_DEPENDENT: two findings
    // about one subject raised by different tasks a second apart can reach scoring in either
    // order, the later one first (docs/reliability.md, "Still order dependent"), in any two runs.
    Set<String> differing = new java.util.TreeSet<>();
    for (List<String> diff :
        List.of(
            minus(liveOut.alerts(), replayOut.alerts()),
            minus(replayOut.alerts(), liveOut.alerts()),
            minus(liveOut.commands(), replayOut.commands()),
            minus(replayOut.commands(), liveOut.commands()))) {
      diff.forEach(d -> differing.add(d.substring(0, d.indexOf(" | "))));
    }
    assertThat(subjects(replayOut))
        .as("subjects alerted or commanded")
        .isEqualTo(subjects(liveOut));
    assertThat(differing)
        .as("subjects decided differently (order of findings, not time)")
        .hasSizeLessThanOrEqualTo(MAX_ORDER_DEPENDENT);
    assertThat(without(replayOut.alerts(), differing))
        .as("replayed alerts of every other subject")
        .isEqualTo(without(liveOut.alerts(), differing))
        .hasSizeGreaterThan(liveOut.alerts().size() * 9 / 10);
    assertThat(without(replayOut.commands(), differing))
        .as("replayed commands of every other subject")
        .isEqualTo(without(liveOut.commands(), differing))
        .hasSizeGreaterThan(liveOut.commands().size() * 9 / 10);
  }

  /**
   * Feeds the input in batches and reads what the pipeline decided. During each pause, no score may
   * go past the time of the last event sent: the wall clock moves subjects on only at its own pace
   * from there (less the allowed lateness), never to the wall clock itself.
   */
  private Outcome run(
      String name, List<GeneratedEvent> input, Instant start, Duration shift, Instant horizon)
      throws Exception {
    List<Instant> cuts =
        List.of(
            start,
            start.plus(Duration.ofMinutes(2)),
            start.plus(Duration.ofMinutes(6)),
            start.plus(Duration.ofMinutes(10)));
    List<List<GeneratedEvent>> batches = new ArrayList<>();
    for (int i = 0; i <= cuts.size(); i++) {
      Instant from = i == 0 ? Instant.MIN : cuts.get(i - 1);
      Instant to = i == cuts.size() ? Instant.MAX : cuts.get(i);
      batches.add(
          input.stream()
              .filter(e -> !e.timestamp().isBefore(from) && e.timestamp().isBefore(to))
              .toList());
    }
    assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(input.size());
    try (PipelineHarness vigil = CLUSTER.harness(stateDir.resolve(name)).start();
        KafkaConsumer<byte[], byte[]> scores = committedReader(vigil)) {
      List<TopicPartition> parts =
          scores.partitionsFor(vigil.topics.scores().name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      scores.assign(parts);
      scores.seekToBeginning(parts);
      List<ConsumerRecord<byte[], byte[]>> scored = new ArrayList<>();
      for (List<GeneratedEvent> batch : batches) {
        send(vigil, batch);
        awaitCaughtUp(vigil);
        Instant sentUpTo = last(batch);
        await()
            .alias(name + ": no score later than the last event sent (" + sentUpTo + ") in a pause")
            .during(Duration.ofSeconds(6))
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  scores.poll(Duration.ofMillis(200)).forEach(scored::add);
                  return scored.stream().allMatch(r -> r.timestamp() <= sentUpTo.toEpochMilli());
                });
      }
      assertThat(scored).as(name + " scores").isNotEmpty();
      return read(vigil, shift, horizon);
    }
  }

  /** What a run decided, each output described with its times moved back by the shift. */
  record Outcome(List<String> alerts, List<String> commands, List<String> texts) {}

  private static List<GeneratedEvent> input(Instant start) {
    TrafficGenerator generator =
        new TrafficGenerator(
            new GeneratorSettings(
                SEED, 50, 12, start, 4.0, Duration.ofSeconds(20), Duration.ofSeconds(20)));
    return Stream.concat(
            Stream.concat(generator.referenceData().stream(), generator.history(HISTORY)),
            generator.events(LIVE))
        .toList();
  }

  private static Instant last(List<GeneratedEvent> events) {
    return events.stream().map(GeneratedEvent::timestamp).max(Instant::compareTo).orElseThrow();
  }

  private static void send(PipelineHarness vigil, List<GeneratedEvent> events) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, vigil.bootstrap);
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    cfg.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer())) {
      new GeneratedEventSender(p, vigil.topics).send(events.stream());
      p.flush();
    }
  }

  /**
   * The outputs stamped up to the horizon (after the shift), sorted: Kafka orders records per key
   * only, so the sequence per subject is what must match, and sorting compares that.
   */
  private static Outcome read(PipelineHarness vigil, Duration shift, Instant horizon) {
    List<String> alerts = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(vigil, vigil.topics.alerts())) {
      RiskAlert a =
          vigil.topics.alerts().valueSerde().deserializer().deserialize(r.topic(), r.value());
      Instant at = a.getTimestamp().plus(shift);
      if (at.isAfter(horizon)) {
        continue;
      }
      List<String> detectors =
          a.getContributions().stream().map(Contribution::getDetectorId).sorted().toList();
      String alert =
          String.join(
              " | ",
              a.getSubjectId(),
              ORDER_DEPENDENT_TIME.containsAll(detectors) ? "order-dependent time" : at.toString(),
              a.getPreviousLevel() + ">" + a.getLevel(),
              String.valueOf(Math.round(a.getScore())),
              a.getAction().name(),
              detectors.toString());
      alerts.add(alert);
      texts.add(alert + " :: " + shifted(a.getHeadline(), shift));
    }
    List<String> commands = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(vigil, vigil.topics.commands())) {
      EnforcementCommand c =
          vigil.topics.commands().valueSerde().deserializer().deserialize(r.topic(), r.value());
      Instant at = c.getIssuedAt().plus(shift);
      if (at.isAfter(horizon)) {
        continue;
      }
      String command =
          String.join(
              " | ",
              c.getSubjectId(),
              at.toString(),
              c.getAction().name(),
              c.getRuleId(),
              String.valueOf(c.getRiskLevel()),
              String.valueOf(Math.round(c.getRiskScore())),
              c.getSessionIds().toString());
      commands.add(command);
      texts.add(command + " :: " + shifted(c.getReason(), shift));
    }
    alerts.sort(null);
    commands.sort(null);
    texts.sort(null);
    return new Outcome(alerts, commands, texts);
  }

  /** The text with every instant in it moved forward by the shift. */
  private static String shifted(String text, Duration shift) {
    if (text == null) {
      return "";
    }
    Matcher m = INSTANT.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String moved;
      try {
        moved = Instant.parse(m.group()).plus(shift).toString();
      } catch (DateTimeParseException e) {
        moved = m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(moved));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Set<String> subjects(Outcome outcome) {
    Set<String> out = new java.util.TreeSet<>();
    Stream.concat(outcome.alerts().stream(), outcome.commands().stream())
        .forEach(d -> out.add(d.substring(0, d.indexOf(" | "))));
    return out;
  }

  private static List<String> without(List<String> outputs, Set<String> subjects) {
    return outputs.stream()
        .filter(d -> !subjects.contains(d.substring(0, d.indexOf(" | "))))
        .toList();
  }

  private static List<String> minus(List<String> a, List<String> b) {
    Set<String> other = new HashSet<>(b);
    return a.stream().filter(s -> !other.contains(s)).toList();
  }

  /** Every committed record of a topic, read_committed, from the beginning to the end. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(
      PipelineHarness vigil, Topic<?, ?> topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = committedReader(vigil)) {
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
    return out;
  }

  private static KafkaConsumer<byte[], byte[]> committedReader(PipelineHarness vigil) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, vigil.bootstrap);
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    return new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Waits until the application has processed every record of its inputs and internal topics.
   * Exact: {@link ConsumerLag} counts a partition up to two offsets short as caught up (transaction
   * markers occupy offsets); here a short gap counts only if a read_committed consumer finds no
   * record in it.
   */
  private static void awaitCaughtUp(PipelineHarness vigil) {
    String group = vigil.applicationId;
    List<String> inputs =
        List.of(
            vigil.topics.login().name(),
            vigil.topics.access().name(),
            vigil.topics.devicePosture().name(),
            vigil.topics.networkFlow().name(),
            vigil.topics.external().name(),
            vigil.topics.grants().name());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", vigil.bootstrap));
        KafkaConsumer<byte[], byte[]> consumer = committedReader(vigil)) {
      await()
          .alias("application " + group + " caught up with its input")
          .atMost(CATCH_UP)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                Set<String> all = new HashSet<>(inputs);
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
}
