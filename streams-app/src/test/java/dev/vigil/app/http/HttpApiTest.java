package dev.vigil.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.enforcement.SetSigner;
import dev.vigil.risk.fusion.ActiveFinding;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API's routes, readiness, HEAD, 405 and JSON errors, with authentication off. */
class HttpApiTest {

  static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicReference<KafkaStreams.State> state =
      new AtomicReference<>(KafkaStreams.State.REBALANCING);
  private final AtomicInteger restoring = new AtomicInteger();
  private final SetSigner signer = SetSigner.generate();
  private HttpApi api;

  @BeforeEach
  void start() {
    api =
        HttpApi.builder()
            .port(0)
            .state(state::get)
            .restoring(restoring::get)
            .metrics(() -> "# HELP vigil_findings_total Findings\nvigil_findings_total 3.0\n")
            .jwks(signer::jwksJson)
            .risk(HttpApiTest::lookup)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  static RiskQuery.Answer lookup(String subject) {
    return switch (subject) {
      case "alice" -> new RiskQuery.Local(alice());
      case "bob" -> new RiskQuery.Local(alice(), true);
      case "spiffe://prod/ns/pay/sa/api" -> new RiskQuery.Remote("localhost:1");
      default -> new RiskQuery.Unknown();
    };
  }

  static SubjectRiskState alice() {
    SubjectRiskState s = new SubjectRiskState();
    s.subjectId = "alice";
    s.subjectType = SubjectType.HUMAN;
    s.score = 88.5;
    s.level = RiskLevel.HIGH;
    s.updatedAtMillis = NOW.toEpochMilli();
    for (int i = 0; i < 7; i++) {
      ActiveFinding f = new ActiveFinding();
      f.findingId = "f-" + i;
      f.detectorId = "login.detector-" + i;
      f.summary = "Finding number " + i + ".";
      f.score = 10 + i * 10;
      f.confidence = 1;
      f.halfLifeSeconds = 3600;
      f.observedAtMillis = NOW.toEpochMilli();
      s.findings.add(f);
    }
    return s;
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path);
  }

  @Test
  void shouldBindToLoopbackUnlessConfigured() {
    // Given the defaults / When the HTTP settings are read / Then only loopback is served
    assertThat(HttpSecurity.from(VigilConfig.defaults()).bindAddress()).isEqualTo("127.0.0.1");
    assertThat(HttpSecurity.from(VigilConfig.defaults()).mode()).isEqualTo("jwt");
    assertThat(
            HttpSecurity.from(VigilConfig.defaults().with("http.bind.address", "0.0.0.0", "test"))
                .bindAddress())
        .isEqualTo("0.0.0.0");
  }

  @Test
  void shouldBeLiveAtOnceButReadyOnlyWhenRunningAndRestored() throws Exception {
    // Given a rebalancing instance
    assertThat(get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> starting = get("/ready");
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(starting.body()).get("status").asText()).isEqualTo("REBALANCING");
    assertThat(send("HEAD", "/ready").statusCode()).isEqualTo(503);

    // When it runs but a store still restores
    state.set(KafkaStreams.State.RUNNING);
    restoring.set(2);

    // Then it is not ready yet, for GET and HEAD
    assertThat(get("/ready").statusCode()).isEqualTo(503);
    assertThat(send("HEAD", "/ready").statusCode()).isEqualTo(503);

    // When the restore ends / Then it is ready
    restoring.set(0);
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    assertThat(send("HEAD", "/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldServeMetricsInThePrometheusTextFormat() throws Exception {
    HttpResponse<String> metrics = get("/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(metrics.body()).contains("vigil_findings_total 3.0");
  }

  @Test
  void shouldPublishTheSigningKeysAtBothJwksPaths() throws Exception {
    for (String path : new String[] {"/.well-known/jwks.json", "/jwks"}) {
      HttpResponse<String> jwks = get(path);
      assertThat(jwks.statusCode()).isEqualTo(200);
      JsonNode key = JSON.readTree(jwks.body()).get("keys").get(0);
      assertThat(key.get("kid").asText()).isEqualTo(signer.keyId());
      assertThat(key.get("kty").asText()).isEqualTo("RSA");
      assertThat(key.has("d")).as("never the private exponent").isFalse();
    }
  }

  @Test
  void shouldAnswerASubjectsRiskWithItsTopContributions() throws Exception {
    HttpResponse<String> response = get("/subjects/alice/risk");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("score").asDouble()).isEqualTo(88.5);
    assertThat(body.get("level").asText()).isEqualTo("HIGH");
    assertThat(body.get("hostedBy").asText()).isEqualTo("this instance");
    assertThat(body.get("stale").asBoolean()).isFalse();
    JsonNode top = body.get("topContributions");
    assertThat(top).hasSize(HttpApi.TOP_CONTRIBUTIONS);
    assertThat(top.get(0).get("detectorId").asText()).isEqualTo("login.detector-6");
    assertThat(top.get(0).get("summary").asText()).isEqualTo("Finding number 6.");
  }

  @Test
  void shouldListEveryActiveFindingAndFlagAStaleCopy() throws Exception {
    // When the findings of a subject read from a standby are asked
    HttpResponse<String> response = get("/subjects/bob/findings");

    // Then every finding is listed and the answer says it may lag
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("findings")).hasSize(7);
    assertThat(body.get("stale").asBoolean()).isTrue();
  }

  @Test
  void shouldAnswer503WhenTheOwnerIsUnreachableAndNoCopyIsHere() throws Exception {
    // Given no forwarder and a subject hosted elsewhere
    HttpResponse<String> remote = get("/subjects/spiffe://prod/ns/pay/sa/api/risk");

    // Then the caller is told to retry, in JSON
    assertThat(remote.statusCode()).isEqualTo(503);
    assertThat(remote.headers().firstValue("Retry-After")).isPresent();
    assertThat(JSON.readTree(remote.body()).get("error").asText()).isNotBlank();
  }

  @Test
  void shouldAnswerHeadWithTheStatusOfGetAndNoBody() throws Exception {
    // When a subject nobody knows is asked with GET and HEAD
    HttpResponse<String> get = get("/subjects/nobody/risk");
    HttpResponse<String> head = send("HEAD", "/subjects/nobody/risk");

    // Then both are 404, with the same content type, and HEAD has no body
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(get.body()).get("error").asText())
        .isEqualTo("No risk is known for subject 'nobody'.");
    assertThat(head.statusCode()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Type"))
        .isEqualTo(get.headers().firstValue("Content-Type"));
    assertThat(send("HEAD", "/subjects/alice/risk").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswer405WithAllowForAWrongMethod() throws Exception {
    // When a known path is asked with a method it does not serve
    HttpResponse<String> post = send("POST", "/subjects/alice/risk");
    HttpResponse<String> delete = send("DELETE", "/health");
    HttpResponse<String> options = send("OPTIONS", "/health");

    // Then 405 names the methods allowed
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(allowed(post)).containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
    assertThat(JSON.readTree(post.body()).get("status").asInt()).isEqualTo(405);
    assertThat(delete.statusCode()).isEqualTo(405);
    assertThat(options.statusCode()).isEqualTo(204);
    assertThat(allowed(options)).containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
  }

  private static Set<String> allowed(HttpResponse<String> response) {
    return Set.of(response.headers().firstValue("Allow").orElseThrow().split(",\\s*")).stream()
        .collect(Collectors.toSet());
  }

  @Test
  void shouldAnswerJsonForUnknownPathsAndJettysOwnErrors() throws Exception {
    // When a path does not exist, a URI is too long, and a request is malformed
    HttpResponse<String> unknown = get("/nope");
    HttpResponse<String> tooLong = get("/subjects/" + "x".repeat(20_000) + "/risk");
    String malformed = raw("GET /health HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n");

    // Then each answer is JSON with the status and one sentence
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("status").asInt()).isEqualTo(404);
    assertThat(tooLong.statusCode()).isEqualTo(414);
    assertThat(tooLong.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    assertThat(JSON.readTree(tooLong.body()).get("status").asInt()).isEqualTo(414);
    assertThat(malformed).startsWith("HTTP/1.1 400");
    assertThat(malformed).containsIgnoringCase("Content-Type: application/json");
    String body = malformed.substring(malformed.indexOf("\r\n\r\n") + 4);
    assertThat(JSON.readTree(body).get("status").asInt()).isEqualTo(400);
  }

  private String raw(String request) throws Exception {
    try (Socket socket = new Socket("localhost", api.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder response = new StringBuilder();
      char[] buf = new char[4096];
      int n;
      while ((n = in.read(buf)) >= 0) {
        response.append(buf, 0, n);
      }
      return response.toString();
    }
  }
}
