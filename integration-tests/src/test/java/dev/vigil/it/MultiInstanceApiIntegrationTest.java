package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.registry.InProcessSchemaRegistry;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schemas.topic.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances on one broker: either answers for any subject, forwarding to the owner with the
 * caller's credentials; and the running API matches {@code docs/openapi.yaml} both ways.
 */
@Tag("integration")
@Timeout(240)
class MultiInstanceApiIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "it-static-token-0123456789";
  private static final String STORE = dev.vigil.app.topology.StoreNames.SUBJECT_RISK;
  private static KafkaBroker broker;
  private static InProcessSchemaRegistry registry;

  @TempDir Path stateDir;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startBroker() {
    broker = KafkaBrokers.start();
    registry = InProcessSchemaRegistry.start(0);
  }

  @AfterAll
  static void stopBroker() {
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> send(String method, int port, String path, String token)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldAnswerForASubjectOwnedByTheOtherInstanceAndMatchTheOpenApiFile() throws Exception {
    // Given two instances of one application, each advertising its API as application.server
    String unique = UUID.randomUUID().toString().substring(0, 8);
    int port1 = freePort();
    int port2 = freePort();
    VigilConfig base =
        VigilConfig.defaults()
            .with("bootstrap.servers", broker.bootstrapServers(), "test")
            .with("replication.factor", "1", "test")
            .with("schema.registry.url", registry.url(), "test")
            .with("topic.prefix", "itmulti" + unique, "test")
            .with("application.id", "vigil-it-multi-" + unique, "test")
            .with("commit.interval.ms", "100", "test")
            .with("decay.interval", "5s", "test")
            .with("http.auth.mode", "static-token", "test")
            .with("http.auth.static.token", TOKEN, "test")
            .with("http.auth.open.endpoints", "", "test");
    Topics topics = VigilApplication.topics(base);
    try (TopicAdmin admin = new TopicAdmin(base.clientProperties(), Duration.ofSeconds(30))) {
      admin.createAll(topics, 4, (short) 1);
    }
    try (VigilApplication one = new VigilApplication(instance(base, port1, "one"));
        VigilApplication two = new VigilApplication(instance(base, port2, "two"))) {
      one.start(Duration.ofSeconds(90));
      two.start(Duration.ofSeconds(90));
      await()
          .alias("both instances RUNNING and known to each other")
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  one.pipeline().streams().state() == KafkaStreams.State.RUNNING
                      && two.pipeline().streams().state() == KafkaStreams.State.RUNNING
                      && one.pipeline().streams().metadataForAllStreamsClients().size() == 2);

      // When accounts are taken over, spread over the partitions of both instances
      List<String> subjects = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        subjects.add("user" + i + "@corp.example");
      }
      Instant t0 = Instant.now().minus(Duration.ofHours(1));
      try (KafkaProducer<String, LoginEvent> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", broker.bootstrapServers()),
              topics.login().keySerde().serializer(),
              topics.login().valueSerde().serializer())) {
        for (String s : subjects) {
          for (LoginEvent e :
              List.of(
                  PipelineIntegrationTest.login(
                      "a-" + s, s, t0, PipelineIntegrationTest.berlin(), "s1"),
                  PipelineIntegrationTest.login(
                      "b-" + s,
                      s,
                      t0.plusSeconds(35 * 60),
                      PipelineIntegrationTest.sydney(),
                      "s2"))) {
            producer.send(
                new ProducerRecord<>(
                    topics.login().name(), null, e.getTimestamp().toEpochMilli(), s, e));
          }
        }
        producer.flush();
      }
      String remote =
          subjects.stream()
              .filter(s -> owner(one, s).equals("127.0.0.1:" + port2))
              .findFirst()
              .orElseThrow();

      // Then instance one answers for a subject instance two owns, forwarding the credentials
      String path = "/subjects/" + remote + "/risk";
      await()
          .alias("instance one answers for " + remote + " with its raised risk")
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                HttpResponse<String> r = send("GET", port1, path, TOKEN);
                return r.statusCode() == 200
                    && Set.of("HIGH", "CRITICAL")
                        .contains(JSON.readTree(r.body()).get("level").asText());
              });
      JsonNode body = JSON.readTree(send("GET", port1, path, TOKEN).body());
      assertThat(body.get("forwardedTo").asText()).isEqualTo("127.0.0.1:" + port2);
      assertThat(body.get("hostedBy").asText()).isEqualTo("127.0.0.1:" + port2);
      assertThat(body.get("stale").asBoolean()).isFalse();
      assertThat(body.get("level").asText()).isIn("HIGH", "CRITICAL");
      assertThat(send("GET", port1, "/subjects/" + remote + "/findings", TOKEN).statusCode())
          .isEqualTo(200);
      // And without credentials nothing is forwarded
      assertThat(send("GET", port1, path, null).statusCode()).isEqualTo(401);
      assertThat(send("GET", port1, path, "wrong-token-0123456789").statusCode()).isEqualTo(401);

      // And the running API matches docs/openapi.yaml in both directions
      checkOpenApi(one, port1, remote);
    }
  }

  private VigilConfig instance(VigilConfig base, int port, String name) {
    return base.with("http.port", Integer.toString(port), "test")
        .with("kafka.application.server", "127.0.0.1:" + port, "test")
        .with("state.dir", stateDir.resolve(name).toString(), "test");
  }

  private static String owner(VigilApplication app, String subject) {
    KeyQueryMetadata m =
        app.pipeline().streams().queryMetadataForKey(STORE, subject, Serdes.String().serializer());
    return m.activeHost().host() + ":" + m.activeHost().port();
  }

  private void checkOpenApi(VigilApplication app, int port, String subject) throws Exception {
    JsonNode spec = new YAMLMapper().readTree(Path.of("..", "docs", "openapi.yaml").toFile());
    Map<String, Set<String>> documented = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").properties().iterator();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> p = paths.next();
      Set<String> methods = new TreeSet<>();
      p.getValue().fieldNames().forEachRemaining(methods::add);
      methods.removeIf(m -> !Set.of("get", "put", "post", "delete", "patch").contains(m));
      documented.put(p.getKey(), methods);
    }
    // Every served route is documented, and every documented one is served
    assertThat(new TreeMap<>(app.httpRoutes())).isEqualTo(documented);
    for (Map.Entry<String, Set<String>> e : documented.entrySet()) {
      for (String method : e.getValue()) {
        JsonNode responses = spec.get("paths").get(e.getKey()).get(method).get("responses");
        String known = e.getKey().replace("{id}", subject);
        String unknown = e.getKey().replace("{id}", "nobody-" + UUID.randomUUID());
        for (String path : new TreeSet<>(List.of(known, unknown))) {
          for (String token : new String[] {TOKEN, null}) {
            HttpResponse<String> r = send(method.toUpperCase(), port, path, token);
            assertThat(responses.has(Integer.toString(r.statusCode())))
                .as(method + " " + path + " answered " + r.statusCode() + ", not documented")
                .isTrue();
            HttpResponse<String> head = send("HEAD", port, path, token);
            assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(r.statusCode());
          }
        }
      }
    }
  }
}
