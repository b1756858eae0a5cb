package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.registry.InProcessSchemaRegistry;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schemas.topic.Topics;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil's SSF transmitter on a real broker, observed by an RFC 8935 push receiver written here (JDK
 * HttpServer + Nimbus signature checks against the JWKS fetched over HTTP): a stream is subscribed
 * through the SSF API, account takeovers are appended as login signals, and the time from appending
 * the signal to receiving the session-revoked SET is measured (p50/p99, printed and written to
 * {@code target/time-to-revoke.json}; no assertion on durations). Then the instance is restarted
 * and a revocation made while it was down still arrives.
 */
@Tag("integration")
@Timeout(300)
class SsfTimeToRevokeIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REVOCATIONS = 30;
  private static final String TOKEN = "it-ssf-token";
  private static final String ISSUER = "https://vigil.it";
  private static final String AUD = "https://pep.it";
  private static final String SESSION_REVOKED =
      "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
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

  /** What the receiver got: subject email → arrival (nanoTime), plus every jti and claims. */
  private static final class Receiver implements AutoCloseable {
    final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    final List<String> jtis = new CopyOnWriteArrayList<>();
    final List<String> rejected = new CopyOnWriteArrayList<>();
    final List<JsonNode> claims = new CopyOnWriteArrayList<>();
    final AtomicReference<String> jwksUrl = new AtomicReference<>();
    final AtomicReference<JWKSet> jwks = new AtomicReference<>();
    final HttpServer server;

    Receiver() throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/pep",
          ex -> {
            long now = System.nanoTime();
            String body;
            try (InputStream in = ex.getRequestBody()) {
              body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            JsonNode c =
                ct != null && ct.startsWith("application/secevent+jwt") ? verify(body) : null;
            if (c == null || !"Bearer pep-secret".equals(auth)) {
              rejected.add(body);
              byte[] err =
                  "{\"err\":\"invalid_request\",\"description\":\"rejected\"}"
                      .getBytes(StandardCharsets.UTF_8);
              ex.sendResponseHeaders(400, err.length);
              ex.getResponseBody().write(err);
              ex.close();
              return;
            }
            claims.add(c);
            jtis.add(c.get("jti").asText());
            String type = c.get("events").fieldNames().next();
            if (SESSION_REVOKED.equals(type)) {
              JsonNode sub = c.get("sub_id");
              JsonNode user = "complex".equals(sub.path("format").asText()) ? sub.get("user") : sub;
              arrivals.putIfAbsent(user.path("email").asText(), now);
            }
            ex.sendResponseHeaders(202, -1);
            ex.close();
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/pep";
    }

    private JsonNode verify(String compact) {
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          if (jwks.get() == null || attempt == 1) {
            HttpResponse<String> r =
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(URI.create(jwksUrl.get())).build(),
                        HttpResponse.BodyHandlers.ofString());
            jwks.set(JWKSet.parse(r.body()));
          }
          JWSObject jws = JWSObject.parse(compact);
          RSAKey key = (RSAKey) jwks.get().getKeyByKeyId(jws.getHeader().getKeyID());
          if (key != null
              && "secevent+jwt".equals(jws.getHeader().getType().getType())
              && jws.verify(new RSASSAVerifier(key))) {
            return JSON.readTree(jws.getPayload().toString());
          }
        } catch (Exception e) {
          // try once more with a fresh JWKS
        }
      }
      return null;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @Test
  void shouldPushSessionRevokedSetsToASubscribedReceiverAndMeasureTimeToRevoke() throws Exception {
    String unique = UUID.randomUUID().toString().substring(0, 8);
    VigilConfig config =
        VigilConfig.defaults()
            .with("bootstrap.servers", broker.bootstrapServers(), "test")
            .with("schema.registry.url", registry.url(), "test")
            .with("topic.prefix", "itssf" + unique, "test")
            .with("application.id", "vigil-it-ssf-" + unique, "test")
            .with("state.dir", stateDir.toString(), "test")
            .with("commit.interval.ms", "100", "test")
            .with("http.port", "0", "test")
            .with("replication.factor", "1", "test")
            // Readiness probed without a token, as a load balancer does (docker/compose.yaml).
            .with("http.auth.open.endpoints", "ready,metrics,jwks", "test")
            .with("sets.issuer", ISSUER, "test")
            .with("ssf.dev.token", TOKEN, "test")
            .with("decay.interval", "5s", "test");
    Topics topics = VigilApplication.topics(config);
    try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
      admin.createAll(topics, 3, (short) 1);
    }
    try (Receiver pep = new Receiver();
        KafkaProducer<String, LoginEvent> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", broker.bootstrapServers()),
                topics.login().keySerde().serializer(),
                topics.login().valueSerde().serializer())) {
      List<Long> millis = new ArrayList<>();
      String streamId;
      try (VigilApplication app = new VigilApplication(config)) {
        app.start(Duration.ofSeconds(60));
        String base = "http://localhost:" + app.httpPort();
        pep.jwksUrl.set(base + "/.well-known/jwks.json");

        // Given a receiver that discovered the transmitter and subscribed by push
        JsonNode meta = JSON.readTree(get(base + "/.well-known/ssf-configuration").body());
        assertThat(meta.get("spec_version").asText()).isEqualTo("1_0");
        HttpResponse<String> created =
            post(
                meta.get("configuration_endpoint").asText(),
                "{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\""
                    + pep.url()
                    + "\",\"authorization_header\":\"Bearer pep-secret\"},"
                    + "\"events_requested\":[\""
                    + SESSION_REVOKED
                    + "\"],\"aud\":\""
                    + AUD
                    + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        streamId = JSON.readTree(created.body()).get("stream_id").asText();
        assertThat(
                post(
                        meta.get("verification_endpoint").asText(),
                        "{\"stream_id\":\"" + streamId + "\",\"state\":\"hello\"}")
                    .statusCode())
            .isEqualTo(204);
        await()
            .alias("the verification SET reached the receiver")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    pep.claims.stream()
                        .anyMatch(
                            c ->
                                "hello"
                                    .equals(
                                        c.at("/events").elements().next().path("state").asText())));

        // When accounts are taken over one after another
        await()
            .alias("the pipeline is running")
            .atMost(Duration.ofSeconds(60))
            .until(() -> get(base + "/ready").statusCode() == 200);
        for (int i = 0; i < REVOCATIONS; i++) {
          String subject = "user" + i + "-" + unique + "@corp.example";
          long appended = takeOver(producer, topics, subject, i);
          await()
              .alias("session-revoked SET for " + subject)
              .atMost(Duration.ofSeconds(60))
              .until(() -> pep.arrivals.containsKey(subject));
          millis.add((pep.arrivals.get(subject) - appended) / 1_000_000);
        }
      }

      // Then every revocation arrived as a signed SET with the stream's audience, once per jti
      assertThat(pep.rejected).isEmpty();
      assertThat(pep.jtis).doesNotHaveDuplicates();
      assertThat(pep.claims)
          .allSatisfy(
              c -> {
                assertThat(c.get("iss").asText()).isEqualTo(ISSUER);
                assertThat(c.get("aud").asText()).isEqualTo(AUD);
              });
      report(millis);

      // And after a restart, a revocation made while the instance was down still arrives
      String late = "late-" + unique + "@corp.example";
      takeOver(producer, topics, late, REVOCATIONS);
      try (VigilApplication again = new VigilApplication(config)) {
        again.start(Duration.ofSeconds(60));
        pep.jwks.set(null);
        pep.jwksUrl.set("http://localhost:" + again.httpPort() + "/.well-known/jwks.json");
        await()
            .alias("the revocation made while down arrived after the restart")
            .atMost(Duration.ofSeconds(90))
            .until(() -> pep.arrivals.containsKey(late));
        HttpResponse<String> status =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://localhost:"
                                + again.httpPort()
                                + "/ssf/status?stream_id="
                                + streamId))
                    .header("Authorization", "Bearer " + TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(status.body()).get("status").asText()).isEqualTo("enabled");
      }
    }
  }

  /** Appends a Berlin then a Sydney sign-in 35 minutes apart; returns when the second was sent. */
  private static long takeOver(
      KafkaProducer<String, LoginEvent> producer, Topics topics, String subject, int i)
      throws Exception {
    Instant t0 = Instant.now().minus(Duration.ofHours(2)).plusSeconds(i);
    LoginEvent first =
        PipelineIntegrationTest.login(
            "b-" + subject, subject, t0, PipelineIntegrationTest.berlin(), "s1-" + i);
    LoginEvent second =
        PipelineIntegrationTest.login(
            "s-" + subject,
            subject,
            t0.plusSeconds(35 * 60),
            PipelineIntegrationTest.sydney(),
            "s2-" + i);
    producer.send(record(topics, first)).get();
    long appended = System.nanoTime();
    producer.send(record(topics, second)).get();
    return appended;
  }

  private static ProducerRecord<String, LoginEvent> record(Topics topics, LoginEvent e) {
    return new ProducerRecord<>(
        topics.login().name(), null, e.getTimestamp().toEpochMilli(), e.getSubjectId(), e);
  }

  private static void report(List<Long> millis) throws Exception {
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    long p50 = percentile(sorted, 0.50);
    long p99 = percentile(sorted, 0.99);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "what", "signal appended to Kafka -> session-revoked SET received by an SSF push receiver");
    out.put("revocations", sorted.size());
    out.put("p50Ms", p50);
    out.put("p99Ms", p99);
    out.put("minMs", sorted.get(0));
    out.put("maxMs", sorted.get(sorted.size() - 1));
    out.put("samplesMs", millis);
    out.put("processingGuarantee", "exactly_once_v2");
    out.put("commitIntervalMs", 100);
    out.put("measuredAt", Instant.now().toString());
    Path file = Path.of("target", "time-to-revoke.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    System.out.println(
        "Time to revoke over "
            + sorted.size()
            + " revocations: p50 "
            + p50
            + " ms, p99 "
            + p99
            + " ms (written to "
            + file.toAbsolutePath()
            + ")");
  }

  private static long percentile(List<Long> sorted, double q) {
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
