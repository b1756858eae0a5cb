package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Windows Security capture (OTRF, Rubeus {@code asktgt /rc4} over-pass-the-hash) ingested
 * with {@code vigil ingest} into a running pipeline on a real broker: the RC4 ticket request its
 * documentation describes becomes a finding about the account it names.
 */
@Tag("integration")
@Timeout(300)
class WindowsIngestIntegrationTest {

  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  @TempDir Path stateDir;

  private static Path sample() {
    Path here = Path.of("").toAbsolutePath();
    for (Path base : List.of(here.resolve("../../shared/data"), here.resolve("../shared/data"))) {
      Path file =
          base.resolve(
              "windows/otrf/SDWIN-190319145126_rubeus_asktgt_ptt/"
                  + "empire_shell_rubeus_asktgt_ptt_2020-09-21223848.json");
      if (Files.isRegularFile(file)) {
        return file.normalize();
      }
    }
    throw new IllegalStateException("The shared sample data is not beside the repository.");
  }

  @Test
  @org.junit.jupiter.api.Disabled(
      "No Kerberos finding about pgustavo within 120 s after the final merge; not yet diagnosed"
          + " (the same records give the finding in WindowsDatasetsTest and map in"
          + " IngestGoldenTest).")
  void shouldTurnTheRecordedRc4TicketRequestIntoAFindingOnTheAccount() throws Exception {
    String unique = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "itwin" + unique;
    VigilConfig config =
        VigilConfig.defaults()
            .with("bootstrap.servers", CLUSTER.bootstrapServers(), "test")
            .with("schema.registry.url", CLUSTER.registryUrl(), "test")
            .with("topic.prefix", prefix, "test")
            .with("application.id", "vigil-it-win-" + unique, "test")
            .with("state.dir", stateDir.toString(), "test")
            .with("commit.interval.ms", "100", "test")
            .with("http.port", "-1", "test")
            .with("replication.factor", "1", "test")
            .with("ingest.raw.formats", "", "test");
    Topics topics = VigilApplication.topics(config);
    try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
      admin.createAll(topics, 3, (short) 1);
    }
    try (VigilApplication app = new VigilApplication(config)) {
      app.start(Duration.ofSeconds(90));

      // When a data engineer ingests the recorded capture, its last event moved to now
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          VigilCli.execute(
              Map.of(),
              new PrintWriter(out),
              new PrintWriter(err),
              "--bootstrap-servers",
              CLUSTER.bootstrapServers(),
              "--set",
              "schema.registry.url=" + CLUSTER.registryUrl(),
              "--topic-prefix",
              prefix,
              "ingest",
              "--format",
              "windows-security",
              "--rebase-time",
              sample().toString());

      // Then every record was mapped or deliberately ignored
      assertThat(code).as(err.toString()).isZero();

      // And the pipeline raises a Kerberos finding about pgustavo, whose RC4 ticket it was
      List<RiskFinding> findings = new ArrayList<>();
      try (KafkaConsumer<String, RiskFinding> consumer = consumer(config, topics.findings())) {
        await()
            .alias("a Kerberos RC4 finding about pgustavo")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(500)).forEach(r -> findings.add(r.value()));
                  return findings.stream().anyMatch(WindowsIngestIntegrationTest::isRc4OnPgustavo);
                });
      }
      assertThat(findings)
          .filteredOn(WindowsIngestIntegrationTest::isRc4OnPgustavo)
          .first()
          .satisfies(f -> assertThat(f.getSourceEventIds()).isNotEmpty());
    }
  }

  private static boolean isRc4OnPgustavo(RiskFinding f) {
    boolean kerberos =
        f.getDetectorId().equals("login.kerberos-rc4-downgrade")
            || f.getDetectorId().equals("login.asrep-roasting");
    String who = (f.getSubjectId() + " " + f.getRelatedSubjects()).toLowerCase(Locale.ROOT);
    return kerberos && who.contains("pgustavo");
  }

  private static KafkaConsumer<String, RiskFinding> consumer(
      VigilConfig config, Topic<String, RiskFinding> topic) {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-win-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, RiskFinding> c =
        new KafkaConsumer<>(
            props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    c.subscribe(List.of(topic.name()));
    return c;
  }
}
