package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectRisk;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * with {@code vigil ingest} into a running pipeline on a real broker. The capture lasts two minutes
 * and carries no history, and Vigil's identity detectors compare with a learned baseline (an RC4
 * TGT is a downgrade only for an account whose TGTs were AES), so two weeks of the account's
 * ordinary Kerberos and logon activity, in the same Windows Security JSON lines, are ingested
 * first, as a deployment that has been running would have seen them.
 */
@Tag("integration")
@Timeout(480) // a safety net on a loaded machine: broker, pipeline start, two ingests, awaits
class WindowsIngestIntegrationTest {

  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  /** The account Rubeus asked an RC4 TGT for, and the host it ran on (from the OTRF metadata). */
  private static final String ACCOUNT = "pgustavo";

  private static final String ATTACKER_HOST = "172.18.39.6";

  @TempDir Path dir;

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

  /**
   * Fourteen days of pgustavo's ordinary activity before {@code end}, as NXLog JSON lines: an AES
   * TGT from WORKSTATION5 and a network logon to the domain controller, at changing hours.
   */
  private static String baseline(Instant end) {
    StringBuilder out = new StringBuilder();
    int record = 1;
    for (int day = 14; day >= 1; day--) {
      for (int k = 0; k < 2; k++) {
        Instant t =
            end.minus(day, ChronoUnit.DAYS)
                .truncatedTo(ChronoUnit.DAYS)
                .plus((day * 5L + k * 11L) % 24, ChronoUnit.HOURS);
        out.append(
            String.format(
                "{\"EventID\":4768,\"Channel\":\"Security\",\"Hostname\":\"MORDORDC.theshire.local\","
                    + "\"RecordNumber\":%d,\"@timestamp\":\"%s\",\"TargetUserName\":\"pgustavo\","
                    + "\"TargetDomainName\":\"THESHIRE\",\"IpAddress\":\"::ffff:172.18.39.5\","
                    + "\"Status\":\"0x0\",\"ServiceName\":\"krbtgt\",\"TicketEncryptionType\":\"0x12\","
                    + "\"PreAuthType\":\"2\"}%n",
                record++, t));
        out.append(
            String.format(
                "{\"EventID\":4624,\"Channel\":\"Security\",\"Hostname\":\"MORDORDC.theshire.local\","
                    + "\"RecordNumber\":%d,\"@timestamp\":\"%s\",\"TargetUserName\":\"pgustavo\","
                    + "\"TargetDomainName\":\"THESHIRE\",\"IpAddress\":\"172.18.39.5\","
                    + "\"WorkstationName\":\"WORKSTATION5\",\"LogonType\":\"3\","
                    + "\"AuthenticationPackageName\":\"Kerberos\",\"TargetLogonId\":\"0x%x\"}%n",
                record++, t.plusSeconds(1), 0x10000 + record));
      }
    }
    return out.toString();
  }

  @Test
  void shouldPutTheAccountWhoseHashRubeusUsedAtMediumWithACommandAndAlertNoOneElse()
      throws Exception {
    String unique = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "itwin" + unique;
    VigilConfig config =
        VigilConfig.defaults()
            .with("bootstrap.servers", CLUSTER.bootstrapServers(), "test")
            .with("schema.registry.url", CLUSTER.registryUrl(), "test")
            .with("topic.prefix", prefix, "test")
            .with("application.id", "vigil-it-win-" + unique, "test")
            .with("state.dir", dir.resolve("state").toString(), "test")
            .with("commit.interval.ms", "100", "test")
            .with("http.port", "-1", "test")
            .with("replication.factor", "1", "test")
            .with("ingest.raw.formats", "", "test");
    Topics topics = VigilApplication.topics(config);
    try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
      admin.createAll(topics, 3, (short) 1);
    }
    Path history = dir.resolve("pgustavo-two-weeks.json");
    Files.writeString(history, baseline(Instant.now().minus(Duration.ofHours(1))));
    try (VigilApplication app = new VigilApplication(config)) {
      app.start(Duration.ofSeconds(90));

      // Given a pipeline that has alerted nobody yet, as vigil alerts says on standard error
      StringWriter out = new StringWriter();
      StringWriter none = new StringWriter();
      assertThat(
              VigilCli.execute(
                  Map.of(),
                  new PrintWriter(out, true),
                  new PrintWriter(none, true),
                  "--bootstrap-servers",
                  CLUSTER.bootstrapServers(),
                  "--set",
                  "schema.registry.url=" + CLUSTER.registryUrl(),
                  "--topic-prefix",
                  prefix,
                  "alerts"))
          .isZero();
      assertThat(out.toString()).isEmpty();
      assertThat(none.toString().strip())
          .isEqualTo(
              "Nothing on "
                  + topics.alerts().name()
                  + " at "
                  + CLUSTER.bootstrapServers()
                  + " yet.");

      // And two weeks of the account's AES TGTs and logons, ingested as recorded
      StringWriter err = new StringWriter();
      assertThat(ingest(prefix, err, history.toString())).as(err.toString()).isZero();

      // When a data engineer ingests the Rubeus capture, its last event moved to now
      assertThat(ingest(prefix, err, "--rebase-time", sample().toString()))
          .as(err.toString())
          .isZero();

      // Then the account and the host that asked the RC4 TGT are actors at medium or above
      Outputs seen = new Outputs(config, topics);
      try (seen) {
        await()
            .alias("pgustavo at medium with a command, 172.18.39.6 at medium")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  seen.poll();
                  return seen.level(ACCOUNT).compareTo(RiskLevel.MEDIUM) >= 0
                      && seen.level(ATTACKER_HOST).compareTo(RiskLevel.MEDIUM) >= 0
                      && seen.commands.stream().anyMatch(c -> c.getSubjectId().equals(ACCOUNT));
                });
        // and everything the pipeline had to say about this input has been said
        seen.pollUntilQuiet();
      }
      assertThat(seen.findings)
          .filteredOn(f -> f.getDetectorId().equals("login.kerberos-rc4-downgrade"))
          .extracting(RiskFinding::getSubjectId, RiskFinding::getRole)
          .contains(
              org.assertj.core.groups.Tuple.tuple(ACCOUNT, FindingRole.ACTOR),
              org.assertj.core.groups.Tuple.tuple(ATTACKER_HOST, FindingRole.ACTOR));
      assertThat(seen.findings)
          .filteredOn(f -> f.getSubjectId().equals(ACCOUNT))
          .allSatisfy(f -> assertThat(f.getSourceEventIds()).isNotEmpty());
      // And a command acts on the account
      assertThat(seen.commands)
          .filteredOn(c -> c.getSubjectId().equals(ACCOUNT))
          .extracting(EnforcementCommand::getAction)
          .isNotEmpty()
          .doesNotContain(EnforcementAction.NONE);
      // And no other account or host of the capture (machine accounts, the DC, the collector)
      // is alerted or acted on
      assertThat(seen.alerts)
          .extracting(RiskAlert::getSubjectId)
          .isSubsetOf(ACCOUNT, ATTACKER_HOST);
      assertThat(seen.commands)
          .extracting(EnforcementCommand::getSubjectId)
          .isSubsetOf(ACCOUNT, ATTACKER_HOST);
    }
  }

  private static int ingest(String prefix, StringWriter err, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers",
                CLUSTER.bootstrapServers(),
                "--set",
                "schema.registry.url=" + CLUSTER.registryUrl(),
                "--topic-prefix",
                prefix,
                "ingest",
                "--format",
                "windows-security"));
    all.addAll(List.of(args));
    return VigilCli.execute(
        Map.of(),
        new PrintWriter(new StringWriter()),
        new PrintWriter(err, true),
        all.toArray(String[]::new));
  }

  /** What the pipeline wrote to the findings, scores, alerts and commands topics. */
  private static final class Outputs implements AutoCloseable {
    final List<RiskFinding> findings = new ArrayList<>();
    final Map<String, RiskLevel> levels = new HashMap<>();
    final List<RiskAlert> alerts = new ArrayList<>();
    final List<EnforcementCommand> commands = new ArrayList<>();
    private final KafkaConsumer<String, RiskFinding> findingConsumer;
    private final KafkaConsumer<String, SubjectRisk> scoreConsumer;
    private final KafkaConsumer<String, RiskAlert> alertConsumer;
    private final KafkaConsumer<String, EnforcementCommand> commandConsumer;

    Outputs(VigilConfig config, Topics topics) {
      findingConsumer = consumer(config, topics.findings());
      scoreConsumer = consumer(config, topics.scores());
      alertConsumer = consumer(config, topics.alerts());
      commandConsumer = consumer(config, topics.commands());
    }

    /** The highest level a subject's score reached. */
    RiskLevel level(String subject) {
      return levels.getOrDefault(subject, RiskLevel.NONE);
    }

    /** Reads what is there; true when anything new arrived. */
    boolean poll() {
      int before = findings.size() + levels.size() + alerts.size() + commands.size();
      findingConsumer.poll(Duration.ofMillis(100)).forEach(r -> findings.add(r.value()));
      scoreConsumer
          .poll(Duration.ofMillis(100))
          .forEach(
              r ->
                  levels.merge(
                      r.value().getSubjectId(),
                      r.value().getLevel(),
                      (a, b) -> a.compareTo(b) >= 0 ? a : b));
      alertConsumer.poll(Duration.ofMillis(100)).forEach(r -> alerts.add(r.value()));
      commandConsumer.poll(Duration.ofMillis(100)).forEach(r -> commands.add(r.value()));
      return findings.size() + levels.size() + alerts.size() + commands.size() > before;
    }

    /** Polls until three polls in a row bring nothing new (so late extra alerts are seen too). */
    void pollUntilQuiet() {
      int[] quiet = {0};
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> (quiet[0] = poll() ? 0 : quiet[0] + 1) >= 3);
    }

    @Override
    public void close() {
      findingConsumer.close();
      scoreConsumer.close();
      alertConsumer.close();
      commandConsumer.close();
    }
  }

  private static <V> KafkaConsumer<String, V> consumer(VigilConfig config, Topic<String, V> topic) {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-win-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, V> c =
        new KafkaConsumer<>(
            props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    c.subscribe(List.of(topic.name()));
    return c;
  }
}
