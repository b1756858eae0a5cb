package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.app.VigilApplication;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.enforcement.CaepEventType;
import dev.vigil.enforcement.EnforcementClient;
import dev.vigil.enforcement.RevocationView;
import dev.vigil.enforcement.SetVerifier;
import dev.vigil.enforcement.VerifiedSet;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The assembled application: HTTP API, signed SETs and an enforcement point on a real broker. */
@Tag("integration")
@Timeout(120)
class ApplicationHttpIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUBJECT = "carol@corp.example";
  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  @TempDir Path stateDir;
  private final HttpClient http = HttpClient.newHttpClient();

  private static final String TOKEN = "it-static-token-0123456789";

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> anonymous(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeHealthJwksAndRiskAndPublishSetsThatVerifyAgainstTheServedJwks() throws Exception {
    String unique = UUID.randomUUID().toString().substring(0, 8);
    VigilConfig config =
        VigilConfig.defaults()
            .with("bootstrap.servers", CLUSTER.bootstrapServers(), "test")
            .with("schema.registry.url", CLUSTER.registryUrl(), "test")
            .with("topic.prefix", "ithttp" + unique, "test")
            .with("application.id", "vigil-it-http-" + unique, "test")
            .with("state.dir", stateDir.toString(), "test")
            .with("commit.interval.ms", "100", "test")
            .with("http.port", "0", "test")
            .with("http.auth.mode", "static-token", "test")
            .with("http.auth.static.token", TOKEN, "test")
            .with("sets.issuer", "https://vigil.it", "test")
            .with("sets.audience", "https://proxy.it", "test")
            .with("replication.factor", "1", "test");
    Topics topics = VigilApplication.topics(config);
    try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
      admin.createAll(topics, 3, (short) 1);
    }

    try (VigilApplication app =
        new VigilApplication(config.with("decay.interval", "5s", "by the test"))) {
      app.start(Duration.ofSeconds(60));
      int port = app.httpPort();

      // Given a running instance, it is live and ready
      assertThat(get(port, "/health").statusCode()).isEqualTo(200);
      await()
          .alias("/ready answers 200")
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(port, "/ready").statusCode() == 200);

      // And an enforcement point follows the SETs topic with the JWKS fetched over HTTP
      String jwks = get(port, "/.well-known/jwks.json").body();
      RevocationView view = new RevocationView();
      Map<String, Object> kafka = new HashMap<>(config.clientProperties());
      try (EnforcementClient pep =
          new EnforcementClient(
              kafka,
              "pep-" + unique,
              null,
              topics.sets(),
              SetVerifier.fromJwksJson(jwks, "https://vigil.it", "https://proxy.it"),
              view)) {
        pep.start();

        // When the account is taken over
        Instant t0 = Instant.now().minus(Duration.ofHours(1));
        try (KafkaProducer<String, LoginEvent> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", CLUSTER.bootstrapServers()),
                topics.login().keySerde().serializer(),
                topics.login().valueSerde().serializer())) {
          for (LoginEvent e :
              List.of(
                  PipelineIntegrationTest.login(
                      "h-1", SUBJECT, t0, PipelineIntegrationTest.berlin(), "sess-1"),
                  PipelineIntegrationTest.login(
                      "h-2",
                      SUBJECT,
                      t0.plusSeconds(35 * 60),
                      PipelineIntegrationTest.sydney(),
                      "sess-2"))) {
            producer
                .send(
                    new ProducerRecord<>(
                        topics.login().name(),
                        null,
                        e.getTimestamp().toEpochMilli(),
                        e.getSubjectId(),
                        e))
                .get();
          }
        }

        // Then a session-revoked SET is published and verifies against the JWKS served over HTTP
        List<ConsumerRecord<String, String>> sets = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = setsConsumer(topics, unique)) {
          await()
              .alias("session-revoked SET on the sets topic")
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(sets::add);
                    return sets.stream()
                        .anyMatch(r -> r.value().contains(".") && isRevoked(r, jwks));
                  });
        }
        String token =
            sets.stream().filter(r -> isRevoked(r, jwks)).findFirst().orElseThrow().value();
        VerifiedSet set =
            SetVerifier.fromJwksJson(jwks, "https://vigil.it", "https://proxy.it").verify(token);
        assertThat(set.subject()).contains(SUBJECT);

        // And the CLI accepts it with the JWKS URL
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
            VigilCli.execute(
                Map.of(),
                new PrintWriter(out),
                new PrintWriter(err),
                "set",
                "verify",
                token,
                "http://localhost:" + port + "/jwks",
                "--issuer",
                "https://vigil.it");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("subject:    " + SUBJECT);

        // And the enforcement point's view has the sessions revoked
        await()
            .alias("the enforcement point revoked sess-1")
            .atMost(Duration.ofSeconds(30))
            .until(() -> view.isSessionRevoked(SUBJECT, "sess-1"));
        assertThat(pep.setsRejected()).isZero();

        // And the subject's current risk is queryable over HTTP
        HttpResponse<String> risk = get(port, "/subjects/" + SUBJECT + "/risk");
        assertThat(risk.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(risk.body());
        assertThat(body.get("level").asText()).isIn("HIGH", "CRITICAL");
        assertThat(body.get("topContributions").get(0).get("detectorId").asText())
            .isEqualTo("login.impossible-travel");
        assertThat(get(port, "/subjects/nobody/risk").statusCode()).isEqualTo(404);
        // And without credentials the risk API refuses, while liveness and the JWKS stay open
        assertThat(anonymous(port, "/subjects/" + SUBJECT + "/risk").statusCode()).isEqualTo(401);
        assertThat(anonymous(port, "/health").statusCode()).isEqualTo(200);
        assertThat(anonymous(port, "/jwks").statusCode()).isEqualTo(200);
        assertThat(get(port, "/metrics").body()).contains("vigil_");
      }
    }
  }

  private static boolean isRevoked(ConsumerRecord<String, String> r, String jwks) {
    try {
      return SetVerifier.fromJwksJson(jwks, null, null).verify(r.value()).caepType().orElseThrow()
          == CaepEventType.SESSION_REVOKED;
    } catch (Exception e) {
      return false;
    }
  }

  private static KafkaConsumer<String, String> setsConsumer(Topics topics, String unique) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    cfg.put(ConsumerConfig.GROUP_ID_CONFIG, "sets-reader-" + unique);
    cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, String> c =
        new KafkaConsumer<>(
            cfg,
            topics.sets().keySerde().deserializer(),
            topics.sets().valueSerde().deserializer());
    c.subscribe(List.of(topics.sets().name()));
    return c;
  }
}
