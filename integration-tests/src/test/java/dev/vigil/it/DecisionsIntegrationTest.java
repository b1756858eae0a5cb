package dev.vigil.it;

import static dev.vigil.it.PipelineIntegrationTest.berlin;
import static dev.vigil.it.PipelineIntegrationTest.login;
import static dev.vigil.it.PipelineIntegrationTest.sydney;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.cli.VigilCli;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.SubjectType;
import dev.vigil.schemas.topic.Topic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Decisions on a real broker: live policy changes, audit mode, replays and JIT grant expiry. */
@Tag("integration")
@Timeout(240)
class DecisionsIntegrationTest {

  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  @TempDir Path stateDir;
  @TempDir Path otherStateDir;
  @TempDir Path files;

  private PipelineHarness harness() throws Exception {
    return new PipelineHarness(CLUSTER.bootstrapServers(), CLUSTER.registryUrl(), stateDir)
        .createTopics();
  }

  @Test
  void shouldApplyAPolicyPublishedWithTheCliWhileRunningAndKeepAuditDecisionsOffTheCommands()
      throws Exception {
    try (PipelineHarness vigil = harness().start()) {
      // Given a running pipeline that revokes a takeover under policy version 1
      takeover(vigil, "alice@corp.example", "p1");
      EnforcementCommand first =
          awaitRecord(vigil, vigil.topics.commands(), c -> c.getSubjectId().startsWith("alice"));
      assertThat(first.getPolicyVersion()).isEqualTo(1);

      // When version 2, with session revocation in audit mode, is published by the CLI
      Path v2 = files.resolve("policy-v2.yaml");
      Files.writeString(
          v2,
          PolicyParser.defaultPolicyText()
              .replace("version: 1", "version: 2")
              .replace(
                  "    action: revoke_sessions\n  - id: step-up",
                  "    action: revoke_sessions\n    mode: audit\n  - id: step-up"));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          VigilCli.execute(
              Map.of(),
              new PrintWriter(out),
              new PrintWriter(err),
              cli(vigil, "policy", "apply", v2.toString()));
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).contains("Published policy 'vigil-default' version 2");
      await()
          .alias("policy version 2 in force")
          .atMost(Duration.ofSeconds(30))
          .until(() -> vigil.policy.current().version() == 2);

      // And another account is taken over
      takeover(vigil, "bob@corp.example", "p2");

      // Then the decision is recorded under version 2 in audit mode
      EnforcementCommand audited =
          awaitRecord(vigil, vigil.topics.audit(), c -> c.getSubjectId().startsWith("bob"));
      assertThat(audited.getPolicyVersion()).isEqualTo(2);
      assertThat(audited.getMode()).isEqualTo(DecisionMode.AUDIT);
      assertThat(audited.getAction()).isEqualTo(EnforcementAction.REVOKE_SESSIONS);

      // And nothing about bob ever reaches enforcement points (same transaction as the audit)
      List<EnforcementCommand> commands = readAll(vigil, vigil.topics.commands());
      assertThat(commands)
          .extracting(EnforcementCommand::getSubjectId)
          .doesNotContain("bob@corp.example");
      assertThat(commands)
          .extracting(EnforcementCommand::getMode)
          .containsOnly(DecisionMode.ENFORCE);

      // And republishing the same version is refused in one sentence
      StringWriter err2 = new StringWriter();
      Files.writeString(v2, Files.readString(v2) + "\n# edited\n");
      int again =
          VigilCli.execute(
              Map.of(),
              new PrintWriter(new StringWriter()),
              new PrintWriter(err2),
              cli(vigil, "policy", "apply", v2.toString()));
      assertThat(again).isEqualTo(1);
      assertThat(err2.toString().strip())
          .contains("is not newer than the published version 2")
          .doesNotContain("\n");
    }
  }

  @Test
  void shouldNeverIssueADuplicateCommandIdWhenInputIsResentOrReplayed() throws Exception {
    Set<String> firstIds;
    PipelineHarness first = harness();
    try (PipelineHarness vigil = first.start()) {
      // Given takeovers of two accounts, each revoked once
      takeover(vigil, "carol@corp.example", "r1");
      takeover(vigil, "dan@corp.example", "r2");
      awaitCount(vigil, vigil.topics.commands(), 2);

      // When the same events are delivered again (an upstream retry)
      takeover(vigil, "carol@corp.example", "r1");
      takeover(vigil, "dan@corp.example", "r2");
      // and a marker takeover after them has been processed
      takeover(vigil, "erin@corp.example", "r3");
      awaitCount(vigil, vigil.topics.commands(), 3);

      // Then the duplicates produced no new command
      List<EnforcementCommand> commands = readAll(vigil, vigil.topics.commands());
      assertThat(commands).hasSize(3);
      firstIds = ids(commands);
    }

    // When a fresh instance with empty state reprocesses every input from the beginning
    try (PipelineHarness replay = first.replay(otherStateDir).start()) {
      awaitCount(replay, replay.topics.commands(), 6);

      // Then it decided exactly the same commands, with the same ids
      List<EnforcementCommand> all = readAll(replay, replay.topics.commands());
      assertThat(all).hasSize(6);
      assertThat(ids(all)).isEqualTo(firstIds);
    }
  }

  @Test
  void shouldRevokeAJitGrantWhenItExpiresAndShowItOnTheCli() throws Exception {
    try (PipelineHarness vigil = harness().start()) {
      // Given a grant that expires three seconds from now
      Instant now = Instant.now();
      AccessGrant grant =
          AccessGrant.newBuilder()
              .setGrantId("jit-42")
              .setEventId("ev-jit-42")
              .setSubjectId("frank@corp.example")
              .setSubjectType(SubjectType.HUMAN)
              .setResource("k8s/prod/payments")
              .setPrivilege("cluster-admin")
              .setGrantedAt(now)
              .setExpiresAt(now.plusSeconds(3))
              .build();
      vigil.send(
          vigil.topics.grants(),
          List.of(
              new ProducerRecord<>(
                  vigil.topics.grants().name(),
                  null,
                  now.toEpochMilli(),
                  grant.getSubjectId(),
                  grant)));

      // When nothing else happens, then a REVOKE_GRANT naming it arrives after its expiry
      EnforcementCommand revoke =
          awaitRecord(vigil, vigil.topics.commands(), c -> "jit-42".equals(c.getGrantId()));
      assertThat(revoke.getAction()).isEqualTo(EnforcementAction.REVOKE_GRANT);
      assertThat(revoke.getIssuedAt()).isAfterOrEqualTo(grant.getExpiresAt());
      assertThat(revoke.getSourceEventIds()).containsExactly("ev-jit-42");

      // And `vigil commands` shows it to an operator
      StringWriter out = new StringWriter();
      int code =
          VigilCli.execute(
              Map.of(),
              new PrintWriter(out),
              new PrintWriter(new StringWriter()),
              cli(vigil, "commands", "--subject", "frank@corp.example"));
      assertThat(code).isZero();
      assertThat(out.toString())
          .contains("COMMAND", "REVOKE_GRANT", "frank@corp.example", "grant jit-42");

      // And `vigil alerts --output json` prints machine-readable alerts (none for a grant)
      StringWriter json = new StringWriter();
      takeover(vigil, "gina@corp.example", "g1");
      awaitRecord(vigil, vigil.topics.alerts(), a -> a.getSubjectId().startsWith("gina"));
      assertThat(
              VigilCli.execute(
                  Map.of(),
                  new PrintWriter(json),
                  new PrintWriter(new StringWriter()),
                  cli(vigil, "alerts", "--output", "json")))
          .isZero();
      assertThat(json.toString().lines())
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l).startsWith("{\"type\":\"alert\""))
          .anySatisfy(l -> assertThat(l).contains("gina@corp.example", "login.impossible-travel"));
    }
  }

  private static String[] cli(PipelineHarness vigil, String... args) {
    return Stream.concat(Stream.of(vigil.cliFlags()), Stream.of(args)).toArray(String[]::new);
  }

  /** Recent enough that risk does not decay away during a test; fixed so resends are equal. */
  private final Instant t0 =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  private void takeover(PipelineHarness vigil, String subject, String prefix) throws Exception {
    vigil.send(
        vigil.topics.login(),
        List.of(
            record(vigil, login(prefix + "-1", subject, t0, berlin(), prefix + "-s1")),
            record(
                vigil,
                login(prefix + "-2", subject, t0.plusSeconds(1800), sydney(), prefix + "-s2"))));
  }

  private static ProducerRecord<String, LoginEvent> record(PipelineHarness vigil, LoginEvent e) {
    return new ProducerRecord<>(
        vigil.topics.login().name(), null, e.getTimestamp().toEpochMilli(), e.getSubjectId(), e);
  }

  private static Set<String> ids(List<EnforcementCommand> commands) {
    return commands.stream().map(EnforcementCommand::getCommandId).collect(Collectors.toSet());
  }

  private static <V> V awaitRecord(
      PipelineHarness vigil, Topic<String, V> topic, Predicate<V> match) {
    List<V> seen = new ArrayList<>();
    await()
        .alias("matching record on " + topic.name())
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              seen.clear();
              seen.addAll(readAll(vigil, topic));
              return seen.stream().anyMatch(match);
            });
    return seen.stream().filter(match).findFirst().orElseThrow();
  }

  private static void awaitCount(PipelineHarness vigil, Topic<String, ?> topic, int count) {
    await()
        .alias(count + " records on " + topic.name())
        .atMost(Duration.ofSeconds(90))
        .until(() -> readAll(vigil, topic).size() >= count);
  }

  /** Every committed record on a topic, read to the end offsets as of now. */
  private static <V> List<V> readAll(PipelineHarness vigil, Topic<String, V> topic) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, vigil.bootstrap);
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<V> values = new ArrayList<>();
    try (KafkaConsumer<String, V> c =
        new KafkaConsumer<>(
            cfg, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic.name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (!parts.stream().allMatch(p -> c.position(p) >= end.get(p))) {
        for (ConsumerRecord<String, V> r : c.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }
}
