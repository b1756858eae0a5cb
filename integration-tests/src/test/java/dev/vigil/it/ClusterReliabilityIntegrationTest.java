package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.VigilApplication;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.it.ReliabilityRuns.Outcome;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.TaskId;
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
 * Reliability with more than one of each: instances that leave and join mid-stream, a broker of
 * three lost mid-stream, and a broker and registry that come up after Vigil. Each run is fed the
 * labelled input of {@link ReliabilityRuns} and, where it says so, compared with a clean
 * single-instance reference run by command and alert ids (read_committed). Figures go to {@code
 * target/reliability-cluster-report.json}.
 */
@Tag("reliability")
@Timeout(1200)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterReliabilityIntegrationTest {

  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  private static final Map<String, Map<String, Object>> REPORT = new LinkedHashMap<>();

  @TempDir Path work;

  private static ReliabilityRuns runs() {
    return new ReliabilityRuns(CLUSTER.bootstrapServers(), CLUSTER.registryUrl(), (short) 1);
  }

  // ---------------------------------------------------------------- start-up

  @Test
  @Order(1)
  void shouldWaitForALateBrokerAndRegistryThenProcessTheWholeInput() throws Exception {
    // Given the labelled input's first half already on the topics
    ReliabilityRuns runs = runs();
    String prefix = ReliabilityRuns.unique("late-start");
    Topics topics = runs.createTopics(prefix);
    List<GeneratedEvent> events = ReliabilityRuns.input();
    int half = events.size() / 2;
    runs.send(topics, events.subList(0, half));

    // When vigil run starts while neither the broker nor the registry can be reached
    Path log = work.resolve("late.log");
    try (LatePort broker = new LatePort(CLUSTER.bootstrapServers());
        LatePort registry = new LatePort(CLUSTER.registryUrl())) {
      Map<String, String> settings = runs.settings(prefix, work.resolve("state"));
      settings.put("schema.registry.url", "http://" + registry.address());
      Process vigil = ReliabilityRuns.startChild(broker.address(), settings, log);
      try {
        // Then it says it is waiting for the brokers, and keeps running
        awaitLine(
            log, vigil, "Waiting for the Kafka brokers at " + broker.address() + " (attempt 2)");
        assertThat(vigil.isAlive()).as("vigil run still running while it waits").isTrue();
        // And, the brokers up, it waits for the registry
        long brokerUp = System.nanoTime();
        broker.open();
        awaitLine(log, vigil, "Waiting for the schema registry at http://" + registry.address());
        assertThat(vigil.isAlive()).isTrue();
        // And, the registry up, it runs
        long registryUp = System.nanoTime();
        registry.open();
        awaitLine(log, vigil, "Vigil is running as '" + prefix + "-app'");
        Duration toRunning = Duration.ofNanos(System.nanoTime() - registryUp);
        runs.send(topics, events.subList(half, events.size()));

        // And it processes the whole input, what was sent before it could connect included
        runs.awaitCaughtUp(prefix, topics);
        Duration toCaughtUp = Duration.ofNanos(System.nanoTime() - brokerUp);
        Outcome outcome = runs.read(topics);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(vigil.isAlive()).as("vigil run after the input").isTrue();
        assertThat(output)
            .as("the topology was built knowing the signal topics' partition counts")
            .doesNotContain("Could not read the partition counts");
        assertThat(outcome.commandIds()).as("commands, none repeated").doesNotHaveDuplicates();
        assertThat(outcome.alertIds()).as("alerts, none repeated").doesNotHaveDuplicates();
        assertThat(outcome.commands()).as("commands").isNotEmpty();
        assertThat(outcome.alerts()).as("alerts").isNotEmpty();

        Map<String, Object> row = new LinkedHashMap<>();
        row.put(
            "fault",
            "vigil run (child JVM) started with the broker's and the registry's ports closed;"
                + " broker opened after the 2nd wait line, registry after its first; half the"
                + " input sent before the start, half after");
        row.put("inputRecords", events.size());
        row.put(
            "compared",
            "group caught up on every input partition (exact, read_committed); command and alert"
                + " ids not repeated");
        row.put("brokerWaitLines", count(output, "Waiting for the Kafka brokers"));
        row.put("registryWaitLines", count(output, "Waiting for the schema registry"));
        row.put("commands", outcome.commandIds().size());
        row.put("alerts", outcome.alertIds().size());
        row.put("findings", outcome.findingIds().size());
        row.put("registryUpToRunningMillis", toRunning.toMillis());
        row.put("brokerUpToCaughtUpMillis", toCaughtUp.toMillis());
        REPORT.put("late-broker-and-registry", row);
      } finally {
        vigil.destroy();
        vigil.waitFor();
      }
    }
  }

  // ---------------------------------------------------------------- scale-out and scale-in

  @Test
  @Order(2)
  void shouldDecideAsTheReferenceWhenAnInstanceLeavesMidStreamAndAThirdJoins() throws Exception {
    Outcome ref = reference();
    ReliabilityRuns runs = runs();
    String prefix = ReliabilityRuns.unique("scale");
    Topics topics = runs.createTopics(prefix);
    List<GeneratedEvent> events = ReliabilityRuns.input();
    int half = events.size() / 2;

    // Given two instances sharing the partitions, each store with a standby on the other
    VigilApplication first = instance(runs, prefix, "first");
    VigilApplication second = instance(runs, prefix, "second");
    VigilApplication third = null;
    try {
      first.start(Duration.ofSeconds(90));
      second.start(Duration.ofSeconds(90));
      Set<TaskId> all = awaitTasksShared(first.pipeline().streams(), second.pipeline().streams());
      runs.send(topics, events.subList(0, half));
      runs.awaitCommittedProgress(prefix + "-app");
      runs.send(topics, events.subList(half, events.size()));

      // When the first leaves mid-stream (graceful close)
      long left = System.nanoTime();
      Set<TaskId> handedOver = activeTasks(first.pipeline().streams());
      first.close();
      first = null;

      // Then the second takes over its tasks and their state
      KafkaStreams survivor = second.pipeline().streams();
      await()
          .alias("the remaining instance runs every task")
          .atMost(ReliabilityRuns.CATCH_UP)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  survivor.state() == KafkaStreams.State.RUNNING
                      && activeTasks(survivor).containsAll(all));
      Duration takeOver = Duration.ofNanos(System.nanoTime() - left);

      // And when a third instance joins
      third = instance(runs, prefix, "third");
      third.start(Duration.ofSeconds(90));
      runs.awaitCaughtUp(prefix, topics);
      Duration recovery = Duration.ofNanos(System.nanoTime() - left);
      Outcome outcome = runs.read(topics);

      // Then the decisions are the reference's, each once
      Map<String, Object> row =
          ReliabilityRuns.comparison(
              events.size(),
              ref,
              outcome,
              recovery,
              "two in-process instances (num.standby.replicas=1) share the partitions; the first"
                  + " is closed mid-stream (second half in flight), the second takes over, a"
                  + " third joins; recovery = first closed to all caught up");
      row.put("tasks", all.size());
      row.put("tasksHandedOver", handedOver.size());
      row.put("takeOverMillis", takeOver.toMillis());
      row.put("thirdActiveTasks", activeTasks(third.pipeline().streams()).size());
      row.put("thirdStandbyTasks", standbyTasks(third.pipeline().streams()).size());
      REPORT.put("scale-in-and-out", row);
      assertThat(handedOver).as("tasks the first instance ran").isNotEmpty();
      ReliabilityRuns.assertSameAsReference(ref, outcome);
    } finally {
      for (VigilApplication app : new VigilApplication[] {third, second, first}) {
        if (app != null) {
          app.close();
        }
      }
    }
  }

  private VigilApplication instance(ReliabilityRuns runs, String prefix, String name) {
    Map<String, String> settings = runs.settings(prefix, work.resolve(name));
    settings.put("num.standby.replicas", "1");
    return new VigilApplication(runs.config(prefix, settings));
  }

  /** Waits until both instances run active tasks; returns all active tasks. */
  private static Set<TaskId> awaitTasksShared(KafkaStreams a, KafkaStreams b) {
    await()
        .alias("both instances run tasks")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                a.state() == KafkaStreams.State.RUNNING
                    && b.state() == KafkaStreams.State.RUNNING
                    && !activeTasks(a).isEmpty()
                    && !activeTasks(b).isEmpty());
    Set<TaskId> all = new HashSet<>(activeTasks(a));
    all.addAll(activeTasks(b));
    return all;
  }

  private static Set<TaskId> activeTasks(KafkaStreams streams) {
    Set<TaskId> out = new HashSet<>();
    for (ThreadMetadata t : streams.metadataForLocalThreads()) {
      t.activeTasks().forEach(task -> out.add(task.taskId()));
    }
    return out;
  }

  private static Set<TaskId> standbyTasks(KafkaStreams streams) {
    Set<TaskId> out = new HashSet<>();
    for (ThreadMetadata t : streams.metadataForLocalThreads()) {
      t.standbyTasks().forEach(task -> out.add(task.taskId()));
    }
    return out;
  }

  // ---------------------------------------------------------------- broker loss

  @Test
  @Order(3)
  void shouldDecideAsTheReferenceWhenOneOfThreeBrokersStopsMidStreamAndRestarts() throws Exception {
    Outcome ref = reference();
    List<GeneratedEvent> events = ReliabilityRuns.input();
    int half = events.size() / 2;
    // Given three brokers, replication factor 3 and min.insync.replicas=2 everywhere
    try (ThreeBrokerCluster brokers = ThreeBrokerCluster.start()) {
      ReliabilityRuns runs =
          new ReliabilityRuns(brokers.bootstrapServers(), CLUSTER.registryUrl(), (short) 3);
      String prefix = ReliabilityRuns.unique("broker-loss");
      Topics topics = runs.createTopics(prefix);
      Map<String, String> settings = runs.settings(prefix, work.resolve("state"));
      try (VigilApplication app = new VigilApplication(runs.config(prefix, settings))) {
        app.start(Duration.ofSeconds(120));
        runs.send(topics, events.subList(0, half));
        runs.awaitCommittedProgress(prefix + "-app");

        // When one broker is stopped while the rest of the input arrives
        int victim = brokers.brokerIds().iterator().next();
        long stopped = System.nanoTime();
        brokers.stopBroker(victim);
        runs.send(topics, events.subList(half, events.size()));
        // And started again once the application has committed past the stop
        long committedAtStop = committedTotal(runs, prefix);
        await()
            .alias("progress with a broker down")
            .atMost(ReliabilityRuns.CATCH_UP)
            .pollInterval(Duration.ofMillis(500))
            .until(() -> committedTotal(runs, prefix) > committedAtStop);
        Duration down = Duration.ofNanos(System.nanoTime() - stopped);
        brokers.startBroker(victim);
        runs.awaitCaughtUp(prefix, topics);
        Duration recovery = Duration.ofNanos(System.nanoTime() - stopped);
        Outcome outcome = runs.read(topics);

        // Then the decisions are the reference's, each once, and the application kept running
        Map<String, Object> row =
            ReliabilityRuns.comparison(
                events.size(),
                ref,
                outcome,
                recovery,
                "3 brokers + 1 controller (in-JVM KRaft), replication factor 3,"
                    + " min.insync.replicas=2; broker "
                    + victim
                    + " stopped (controlled shutdown) after the first commits, second half sent"
                    + " while it was down, restarted after further commits; recovery = stop to"
                    + " caught up");
        row.put("brokerDownMillis", down.toMillis());
        REPORT.put("broker-loss", row);
        assertThat(app.pipeline().streams().state().isRunningOrRebalancing()).isTrue();
        ReliabilityRuns.assertSameAsReference(ref, outcome);
      }
    }
  }

  private static long committedTotal(ReliabilityRuns runs, String prefix) throws Exception {
    try (var admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", runs.bootstrapServers()))) {
      return admin
          .listConsumerGroupOffsets(prefix + "-app")
          .partitionsToOffsetAndMetadata()
          .get()
          .values()
          .stream()
          .filter(o -> o != null)
          .mapToLong(o -> o.offset())
          .sum();
    }
  }

  // ---------------------------------------------------------------- reference and helpers

  /** The clean single-instance run on the shared broker, computed once per JVM. */
  private Outcome reference() throws Exception {
    Outcome ref = ReliabilityRuns.reference(runs(), work.resolve("ref-state"));
    REPORT.put("reference", ReliabilityRuns.referenceRow());
    return ref;
  }

  /** Waits until the child's output holds {@code line}; fails early if the child exits. */
  private static void awaitLine(Path log, Process child, String line) {
    await()
        .alias("vigil run logs: " + line)
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String out = Files.readString(log, StandardCharsets.UTF_8);
              if (!child.isAlive()) {
                throw new AssertionError("vigil run exited " + child.exitValue() + ":\n" + out);
              }
              return out.contains(line);
            });
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  @AfterAll
  static void writeReport() throws Exception {
    ReliabilityRuns.writeReport(
        Path.of("target", "reliability-cluster-report.json"),
        CLUSTER.description() + "; broker loss on 3 in-JVM KRaft brokers",
        REPORT);
  }
}
