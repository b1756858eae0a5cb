package dev.vigil.it;

import static dev.vigil.it.PipelineIntegrationTest.berlin;
import static dev.vigil.it.PipelineIntegrationTest.login;
import static dev.vigil.it.PipelineIntegrationTest.sydney;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same sign-ins produced once as Java's client places them (murmur2 of the key) and once as
 * librdkafka's default places them (CRC32 of the key) give the same findings and the same command
 * ids: the topology re-keys signals itself instead of trusting the producer's partitioner.
 */
@Tag("integration")
@Timeout(400)
class PartitionerIndependenceIntegrationTest {

  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  private static final int PARTITIONS = 3;
  private static final int SUBJECTS = 8;

  @TempDir Path stateDir;

  @Test
  void shouldGiveTheSameFindingsAndCommandIdsWhateverThePartitioner() throws Exception {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));

    Outcome java = run("java", t0, null);
    Outcome crc32 = run("crc32", t0, key -> crc32Partition(key));

    assertThat(java.commands()).as("command ids").isNotEmpty();
    assertThat(crc32.commands()).as("command ids").isEqualTo(java.commands());
    assertThat(crc32.findings()).as("findings").isEqualTo(java.findings());
  }

  /** librdkafka's "consistent" partitioner: CRC32 of the key bytes, modulo the partition count. */
  private static int crc32Partition(String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return (int) (crc.getValue() % PARTITIONS);
  }

  private record Outcome(Set<String> findings, Set<String> commands) {}

  private Outcome run(String name, Instant t0, Function<String, Integer> partitioner)
      throws Exception {
    String unique = name + UUID.randomUUID().toString().substring(0, 6);
    VigilConfig config =
        VigilConfig.defaults()
            .with("bootstrap.servers", CLUSTER.bootstrapServers(), "test")
            .with("schema.registry.url", CLUSTER.registryUrl(), "test")
            .with("topic.prefix", "itpart" + unique, "test")
            .with("application.id", "vigil-it-part-" + unique, "test")
            .with("state.dir", stateDir.resolve(name).toString(), "test")
            .with("commit.interval.ms", "100", "test")
            .with("http.port", "-1", "test")
            .with("replication.factor", "1", "test")
            .with("ingest.raw.formats", "", "test");
    Topics topics = VigilApplication.topics(config);
    try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
      admin.createAll(topics, PARTITIONS, (short) 1);
    }
    List<LoginEvent> events = new ArrayList<>();
    for (int i = 0; i < SUBJECTS; i++) {
      String subject = "user" + i + "@corp.example";
      events.add(login("a" + i, subject, t0.plusSeconds(i), berlin(), "s-a" + i));
      events.add(login("b" + i, subject, t0.plusSeconds(1800 + i), sydney(), "s-b" + i));
    }
    try (VigilApplication app = new VigilApplication(config)) {
      app.start(Duration.ofSeconds(90));
      produce(config, topics.login(), events, partitioner);
      Set<String> commands = new TreeSet<>();
      Set<String> findings = new TreeSet<>();
      try (KafkaConsumer<String, EnforcementCommand> c = consumer(config, topics.commands());
          KafkaConsumer<String, RiskFinding> f = consumer(config, topics.findings())) {
        await()
            .alias(name + ": a revocation and an impossible-travel finding for every subject")
            .atMost(Duration.ofSeconds(150))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  c.poll(Duration.ofMillis(300))
                      .forEach(r -> commands.add(r.value().getCommandId()));
                  f.poll(Duration.ofMillis(300))
                      .forEach(
                          r ->
                              findings.add(
                                  r.value().getDetectorId()
                                      + "|"
                                      + r.value().getSubjectId()
                                      + "|"
                                      + r.value().getFindingId()));
                  // Commands and findings are committed together but fetched by two consumers.
                  return commands.size() >= SUBJECTS
                      && findings.stream()
                              .filter(x -> x.startsWith("login.impossible-travel|"))
                              .count()
                          >= SUBJECTS;
                });
      }
      // Both runs use the same event ids, on separate topics and applications.
      return new Outcome(findings, commands);
    }
  }

  private static void produce(
      VigilConfig config,
      Topic<String, LoginEvent> topic,
      List<LoginEvent> events,
      Function<String, Integer> partitioner) {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, LoginEvent> producer =
        new KafkaProducer<>(
            props, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      for (LoginEvent e : events) {
        String key = e.getSubjectId();
        Integer partition = partitioner == null ? null : partitioner.apply(key);
        producer.send(
            new ProducerRecord<>(topic.name(), partition, e.getTimestamp().toEpochMilli(), key, e));
      }
      producer.flush();
    }
  }

  private static <V> KafkaConsumer<String, V> consumer(VigilConfig config, Topic<String, V> topic) {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-part-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, V> c =
        new KafkaConsumer<>(
            props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    c.subscribe(List.of(topic.name()));
    return c;
  }
}
