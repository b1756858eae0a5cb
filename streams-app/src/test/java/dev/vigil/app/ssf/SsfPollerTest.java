package dev.vigil.app.ssf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.schema.ExternalSignal;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Vigil polling another transmitter, which is written here from RFC 8936 with a JDK server. */
class SsfPollerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IDP = "https://idp.test";
  private static final String VIGIL = "https://vigil.test";

  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final Queue<String> answers = new ConcurrentLinkedQueue<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void shouldAcknowledgeAcceptedSetsAndReportRefusedOnesInTheNextPoll() throws Exception {
    // Given a transmitter whose poll answers one valid and one wrongly-addressed SET
    RSAKey key = SsfReceiverHttpTest.key();
    String good = SsfReceiverHttpTest.sessionRevoked("good", key, IDP, VIGIL);
    String bad = SsfReceiverHttpTest.sessionRevoked("bad", key, IDP, "https://other.test");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/jwks", ex -> reply(ex, new JWKSet(key.toPublicJWK()).toString(true)));
    server.createContext(
        "/poll",
        ex -> {
          try (InputStream in = ex.getRequestBody()) {
            requests.add(JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
          }
          String a = answers.poll();
          reply(ex, a == null ? "{\"sets\":{},\"moreAvailable\":false}" : a);
        });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    answers.add(
        JSON.writeValueAsString(
            Map.of("sets", Map.of("good", good, "bad", bad), "moreAvailable", true)));
    List<ExternalSignal> signals = new CopyOnWriteArrayList<>();
    SsfReceiver receiver =
        new SsfReceiver(
            Map.of(IDP, base + "/jwks"),
            VIGIL,
            signals::add,
            HttpClient.newHttpClient(),
            Clock.systemUTC());
    SsfPoller poller = new SsfPoller(base + "/poll", "tok", receiver, HttpClient.newHttpClient());

    // When Vigil polls twice
    boolean more = poller.pollOnce(false);
    poller.pollOnce(more);

    // Then the first request asked to wait, the second acknowledged the good SET and reported the
    // bad
    assertThat(more).isTrue();
    assertThat(requests.get(0).get("returnImmediately").asBoolean()).isFalse();
    assertThat(requests.get(0).get("ack")).isEmpty();
    JsonNode second = requests.get(1);
    assertThat(second.get("returnImmediately").asBoolean()).isTrue();
    assertThat(second.get("ack").get(0).asText()).isEqualTo("good");
    assertThat(second.get("setErrs").get("bad").get("err").asText()).isEqualTo("invalid_audience");
    assertThat(signals)
        .singleElement()
        .satisfies(s -> assertThat(s.getSubjectId()).isEqualTo("erin@corp.example"));
  }

  private static void reply(com.sun.net.httpserver.HttpExchange ex, String body)
      throws java.io.IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }
}
