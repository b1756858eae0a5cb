package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.errors.DeadLetters;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.SubjectType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@Timeout(180)
class PipelineIntegrationTest {

  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  @TempDir Path stateDir;

  private PipelineHarness harness() throws Exception {
    return new PipelineHarness(CLUSTER.bootstrapServers(), CLUSTER.registryUrl(), stateDir)
        .createTopics();
  }

  @Test
  void shouldRevokeSessionsOfAnAccountThatTravelsImpossiblyFast() throws Exception {
    try (PipelineHarness vigil = harness().start()) {
      // Given a sign-in from Berlin and, 35 minutes later, one from Sydney
      Instant t0 = Instant.now().minus(Duration.ofHours(1));
      vigil.send(
          vigil.topics.login(),
          List.of(
              record(vigil, login("it-e1", "alice@corp.example", t0, berlin(), "sess-1")),
              record(
                  vigil,
                  login(
                      "it-e2",
                      "alice@corp.example",
                      t0.plusSeconds(35 * 60),
                      sydney(),
                      "sess-2"))));

      // Then a committed REVOKE_SESSIONS command naming both sessions reaches enforcement points
      var commands = vigil.consumer(vigil.topics.commands());
      List<ConsumerRecord<String, EnforcementCommand>> received = new ArrayList<>();
      await()
          .alias("revoke command on the commands topic")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                PipelineHarness.pollInto(commands, received);
                return !received.isEmpty();
              });
      EnforcementCommand command = received.get(0).value();
      assertThat(received.get(0).key()).isEqualTo("alice@corp.example");
      assertThat(command.getAction()).isEqualTo(EnforcementAction.REVOKE_SESSIONS);
      assertThat(command.getSessionIds()).containsExactlyInAnyOrder("sess-1", "sess-2");
      assertThat(command.getSourceEventIds()).containsExactly("it-e1", "it-e2");
      assertThat(command.getPolicyId()).isEqualTo("vigil-default");

      // And the analyst's alert explains it
      var alerts = vigil.consumer(vigil.topics.alerts());
      List<ConsumerRecord<String, RiskAlert>> alerted = new ArrayList<>();
      await()
          .alias("alert on the alerts topic")
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                PipelineHarness.pollInto(alerts, alerted);
                return !alerted.isEmpty();
              });
      assertThat(alerted.get(0).value().getHeadline()).contains("Sydney", "Berlin");
      assertThat(alerted.get(0).value().getCommandId()).isEqualTo(command.getCommandId());
    }
  }

  @Test
  void shouldDeadLetterBadRecordsAndKeepProcessing() throws Exception {
    try (PipelineHarness vigil = harness().start()) {
      // Given a record that is not Avro, and then a valid takeover sequence
      try (KafkaProducer<String, byte[]> raw =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", vigil.bootstrap),
              new StringSerializer(),
              new ByteArraySerializer())) {
        raw.send(
                new ProducerRecord<>(
                    vigil.topics.login().name(),
                    "mallory",
                    "not avro".getBytes(StandardCharsets.UTF_8)))
            .get();
      }
      Instant t0 = Instant.now().minus(Duration.ofHours(1));
      vigil.send(
          vigil.topics.login(),
          List.of(
              record(vigil, login("it-b1", "bob@corp.example", t0, berlin(), "s-1")),
              record(
                  vigil,
                  login("it-b2", "bob@corp.example", t0.plusSeconds(600), sydney(), "s-2"))));

      // Then the bad record is dead-lettered with the reason and its origin
      var dlq = vigil.consumer(vigil.topics.deadLetters());
      List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
      await()
          .alias("record on the dead-letter topic")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                PipelineHarness.pollInto(dlq, dead);
                return !dead.isEmpty();
              });
      var headers = dead.get(0).headers();
      assertThat(
              new String(
                  headers.lastHeader(DeadLetters.HEADER_REASON).value(), StandardCharsets.UTF_8))
          .isEqualTo("MALFORMED");
      assertThat(
              new String(
                  headers.lastHeader(DeadLetters.HEADER_TOPIC).value(), StandardCharsets.UTF_8))
          .isEqualTo(vigil.topics.login().name());
      assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro");

      // And the valid events behind it were still scored
      var commands = vigil.consumer(vigil.topics.commands());
      List<ConsumerRecord<String, EnforcementCommand>> received = new ArrayList<>();
      await()
          .alias("command after the bad record")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                PipelineHarness.pollInto(commands, received);
                return !received.isEmpty();
              });
      assertThat(received.get(0).value().getSubjectId()).isEqualTo("bob@corp.example");
      assertThat(vigil.metrics.total("vigil.dlq.records")).isEqualTo(1);
    }
  }

  private static ProducerRecord<String, LoginEvent> record(PipelineHarness vigil, LoginEvent e) {
    return new ProducerRecord<>(
        vigil.topics.login().name(), null, e.getTimestamp().toEpochMilli(), e.getSubjectId(), e);
  }

  static Geo berlin() {
    return Geo.newBuilder()
        .setCountry("DE")
        .setCity("Berlin")
        .setLatitude(52.52)
        .setLongitude(13.405)
        .setAsn(3320L)
        .build();
  }

  static Geo sydney() {
    return Geo.newBuilder()
        .setCountry("AU")
        .setCity("Sydney")
        .setLatitude(-33.8688)
        .setLongitude(151.2093)
        .setAsn(1221L)
        .build();
  }

  static LoginEvent login(String id, String subject, Instant at, Geo geo, String session) {
    return LoginEvent.newBuilder()
        .setEventId(id)
        .setTimestamp(at)
        .setSubjectId(subject)
        .setSubjectType(SubjectType.HUMAN)
        .setSessionId(session)
        .setIp("203.0.113." + (Math.abs(id.hashCode()) % 250 + 1))
        .setGeo(geo)
        .setAuthMethod(AuthMethod.WEBAUTHN)
        .setOutcome(LoginOutcome.SUCCESS)
        .build();
  }
}
