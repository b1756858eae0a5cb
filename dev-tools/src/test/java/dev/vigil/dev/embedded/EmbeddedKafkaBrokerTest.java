package dev.vigil.dev.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.cli.VigilCli;
import dev.vigil.app.topics.NamesOnlyAvroSerdeFactory;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.app.topics.TopicAdmin.Outcome;
import dev.vigil.app.topics.TopicAdmin.TopicStatus;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one test class that runs a real broker: the embedded broker itself, transactions on it, and
 * {@link TopicAdmin} against it. One broker at a time; the last test restarts it on the same data.
 */
@Tag("integration")
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class EmbeddedKafkaBrokerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir static Path dataDir;

  private EmbeddedKafkaBroker broker;
  private Admin admin;

  @BeforeAll
  void startBroker() {
    broker = EmbeddedKafkaBroker.builder().port(0).dataDir(dataDir).build().start();
    admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
  }

  @AfterAll
  void stopBroker() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Order(1)
  void shouldBeReadyOnAnEphemeralLoopbackPort() throws Exception {
    // Given the broker started in @BeforeAll on port 0

    // When the cluster is described
    var nodes = admin.describeCluster().nodes().get();

    // Then it is one node on the reported loopback port, formatted in the data directory
    assertThat(broker.port()).isPositive();
    assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
    assertThat(nodes).singleElement().satisfies(n -> assertThat(n.port()).isEqualTo(broker.port()));
    assertThat(broker.startDuration()).isPositive(); // Start-up time belongs in the benchmark.
    assertThat(dataDir.resolve("meta.properties")).isRegularFile();
    assertThat(broker.clusterId()).isNotBlank();
  }

  @Test
  @Order(2)
  void shouldShowOnlyCommittedTransactionsToReadCommittedConsumers() throws Exception {
    // Given a topic
    String topic = "eos-check";
    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();

    // When one transaction is committed, one aborted, and another committed
    try (KafkaProducer<String, String> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed-1"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "aborted"));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "k", "committed-2"));
      producer.commitTransaction();
    }

    // Then a read_committed consumer sees the committed records only, in order
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = readCommittedConsumer()) {
      consumer.subscribe(List.of(topic));
      await()
          .alias("both committed records are read")
          .atMost(TIMEOUT)
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                  seen.add(r.value());
                }
                return seen.contains("committed-2");
              });
    }
    assertThat(seen).containsExactly("committed-1", "committed-2");
  }

  @Test
  @Order(3)
  void shouldCreateEveryRegistryTopicWithItsSpecConfigs() {
    // Given a registry with its own prefix
    Topics topics = Topics.create("create", NamesOnlyAvroSerdeFactory.INSTANCE);

    // When every topic is created with 3 partitions
    List<TopicStatus> statuses;
    try (TopicAdmin topicAdmin = new TopicAdmin(admin, TIMEOUT)) {
      statuses = topicAdmin.createAll(topics, 3, (short) 1);
    }

    // Then each was created as specified, with compaction or retention from the spec
    assertThat(statuses).hasSize(topics.all().size());
    assertThat(statuses)
        .allSatisfy(
            s -> {
              assertThat(s.outcome()).isEqualTo(Outcome.CREATED);
              assertThat(s.partitions()).isEqualTo(3);
              assertThat(s.replicationFactor()).isEqualTo(1);
            });
    assertThat(status(statuses, topics.scores().name()).configs())
        .containsEntry("cleanup.policy", "compact");
    assertThat(status(statuses, topics.login().name()).configs())
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", Long.toString(Duration.ofDays(7).toMillis()));
  }

  @Test
  @Order(4)
  void shouldReportExistingTopicsAndPartitionMismatchesOnSecondCreate() {
    // Given the topics created by the previous test, with 3 partitions
    Topics topics = Topics.create("create", NamesOnlyAvroSerdeFactory.INSTANCE);

    try (TopicAdmin topicAdmin = new TopicAdmin(admin, TIMEOUT)) {
      // When they are created again with the same count, and then with another count
      List<TopicStatus> same = topicAdmin.createAll(topics, 3, (short) 1);
      List<TopicStatus> other = topicAdmin.createAll(topics, 4, (short) 1);

      // Then nothing is created: first all exist, then all are reported as mismatched
      assertThat(same).extracting(TopicStatus::outcome).containsOnly(Outcome.EXISTS);
      assertThat(status(same, topics.scores().name()).configs())
          .containsEntry("cleanup.policy", "compact");
      assertThat(other)
          .allSatisfy(
              s -> {
                assertThat(s.outcome()).isEqualTo(Outcome.PARTITION_MISMATCH);
                assertThat(s.partitions()).isEqualTo(3);
                assertThat(s.expectedPartitions()).isEqualTo(4);
                assertThat(s.describe()).contains("3 partitions but 4 are expected");
              });
    }
  }

  @Test
  @Order(5)
  void shouldListMissingAndExistingTopics() throws Exception {
    // Given one topic of a fresh registry created by hand
    Topics topics = Topics.create("listing", NamesOnlyAvroSerdeFactory.INSTANCE);
    admin.createTopics(List.of(new NewTopic(topics.alerts().name(), 6, (short) 1))).all().get();
    await()
        .alias("the new topic is in the broker's metadata")
        .atMost(TIMEOUT)
        .until(() -> admin.listTopics().names().get().contains(topics.alerts().name()));

    // When the registry is described
    List<TopicStatus> statuses;
    try (TopicAdmin topicAdmin = new TopicAdmin(admin, TIMEOUT)) {
      statuses = topicAdmin.describeAll(topics, 0);
    }

    // Then that one exists and every other one is missing
    assertThat(status(statuses, topics.alerts().name()).outcome()).isEqualTo(Outcome.EXISTS);
    assertThat(statuses)
        .filteredOn(s -> !s.name().equals(topics.alerts().name()))
        .extracting(TopicStatus::outcome)
        .containsOnly(Outcome.MISSING);
  }

  @Test
  @Order(6)
  void shouldCreateAndListTopicsFromTheCommandLine() {
    // Given the CLI pointed at the broker with its own prefix
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] common = {"--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", "cli"};

    // When topics are created twice, the second time with another partition count, then listed
    int created =
        cli(
            out,
            err,
            common,
            "topics",
            "create",
            "--partitions",
            "2",
            "--replication-factor",
            "1",
            "--skip-schemas");
    int mismatch =
        cli(
            out,
            err,
            common,
            "topics",
            "create",
            "--partitions",
            "3",
            "--replication-factor",
            "1",
            "--skip-schemas");
    await()
        .alias("created topics are in the broker's metadata")
        .atMost(TIMEOUT)
        .until(() -> admin.listTopics().names().get().contains("cli.dlq.v1"));
    StringWriter listing = new StringWriter();
    int listed = cli(listing, err, common, "--set", "partitions=2", "topics", "list");

    // Then the first run creates, the second reports mismatches and fails, and the list shows all
    assertThat(created).isZero();
    assertThat(out.toString()).contains("cli.signals.login.v1: created with 2 partitions");
    assertThat(mismatch).isEqualTo(1);
    assertThat(out.toString())
        .contains("cli.signals.login.v1: exists with 2 partitions but 3 are expected");
    assertThat(err.toString())
        .containsPattern("\\d+ existing topic\\(s\\) have a different partition count than 3");
    assertThat(listed).isZero();
    assertThat(listing.toString().lines())
        .hasSize(1 + Topics.create("cli", NamesOnlyAvroSerdeFactory.INSTANCE).all().size())
        .anySatisfy(l -> assertThat(l).contains("cli.risk.scores.v1", "compact", "ok"));
  }

  private static int cli(StringWriter out, StringWriter err, String[] common, String... args) {
    String[] all = new String[common.length + args.length];
    System.arraycopy(common, 0, all, 0, common.length);
    System.arraycopy(args, 0, all, common.length, args.length);
    return VigilCli.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), all);
  }

  @Test
  @Order(7)
  void shouldReuseTheFormattedDataDirectoryAfterRestart() throws Exception {
    // Given a stopped broker (closing twice is harmless) that had created topics
    String clusterId = broker.clusterId();
    admin.close(Duration.ofSeconds(5));
    broker.close();
    broker.close();
    assertThat(broker.isRunning()).isFalse();
    assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);

    // When a new broker starts on the same data directory
    broker = EmbeddedKafkaBroker.builder().port(0).dataDir(dataDir).build().start();
    admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));

    // Then it is the same cluster with the same topics
    assertThat(broker.clusterId()).isEqualTo(clusterId);
    Set<String> names = admin.listTopics().names().get();
    assertThat(names).contains("eos-check", "create.risk.scores.v1");
  }

  private static TopicStatus status(List<TopicStatus> statuses, String name) {
    return statuses.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private KafkaProducer<String, String> transactionalProducer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "eos-check-tx",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new StringSerializer(),
        new StringSerializer());
  }

  private KafkaConsumer<String, String> readCommittedConsumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "eos-check-reader",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(),
        new StringDeserializer());
  }
}
