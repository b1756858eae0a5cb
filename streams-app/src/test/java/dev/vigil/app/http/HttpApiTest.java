package dev.vigil.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.enforcement.SetSigner;
import dev.vigil.risk.fusion.ActiveFinding;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpApiTest {

  private static final Instant NOW = Instant.parse("2026-11-02T09:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicReference<KafkaStreams.State> state =
      new AtomicReference<>(KafkaStreams.State.REBALANCING);
  private final SetSigner signer = SetSigner.generate();
  private HttpApi api;

  @BeforeEach
  void start() {
    api =
        new HttpApi(
            0,
            state::get,
            () -> "# HELP vigil_findings_total Findings\nvigil_findings_total 3.0\n",
            signer.jwksJson(),
            this::lookup,
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private RiskQuery.Answer lookup(String subject) {
    return switch (subject) {
      case "alice" -> new RiskQuery.Local(alice());
      case "spiffe://prod/ns/pay/sa/api" -> new RiskQuery.Remote("vigil-2:8080");
      default -> new RiskQuery.Unknown();
    };
  }

  private static SubjectRiskState alice() {
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

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldBeLiveAtOnceButReadyOnlyWhenKafkaStreamsRuns() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> starting = get("/ready");
    assertThat(starting.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(starting.body()).get("status").asText()).isEqualTo("REBALANCING");

    state.set(KafkaStreams.State.RUNNING);

    assertThat(get("/ready").statusCode()).isEqualTo(200);
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
    JsonNode top = body.get("topContributions");
    assertThat(top).hasSize(HttpApi.TOP_CONTRIBUTIONS);
    assertThat(top.get(0).get("detectorId").asText()).isEqualTo("login.detector-6");
    assertThat(top.get(0).get("summary").asText()).isEqualTo("Finding number 6.");
  }

  @Test
  void shouldSayWhenAnotherInstanceHostsTheSubjectOrNoneKnowsIt() throws Exception {
    HttpResponse<String> remote = get("/subjects/spiffe://prod/ns/pay/sa/api/risk");
    HttpResponse<String> unknown = get("/subjects/nobody/risk");

    assertThat(remote.statusCode()).isEqualTo(421);
    assertThat(JSON.readTree(remote.body()).get("hostedBy").asText()).isEqualTo("vigil-2:8080");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("error").asText())
        .isEqualTo("No risk is known for subject 'nobody'.");
  }
}
