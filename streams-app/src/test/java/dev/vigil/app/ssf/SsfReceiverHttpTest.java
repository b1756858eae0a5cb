package dev.vigil.app.ssf;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.app.http.HttpApi;
import dev.vigil.app.http.HttpSecurity;
import dev.vigil.app.http.RiskQuery;
import dev.vigil.enforcement.SetSigner;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.Severity;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vigil's receiver, fed as an identity provider would per RFC 8935: SETs built and signed here with
 * Nimbus (no Vigil code), the IdP's JWKS served by a JDK HttpServer.
 */
class SsfReceiverHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IDP = "https://idp.test";
  private static final String VIGIL = "https://vigil.test";
  private static final String PUSH_TOKEN = "push-secret";
  private static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
  private static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<ExternalSignal> signals = new CopyOnWriteArrayList<>();
  private final AtomicReference<JWKSet> published = new AtomicReference<>();
  private RSAKey idpKey;
  private HttpServer idp;
  private HttpApi api;
  private SsfTransmitter transmitter;
  private String receiverUrl;

  @BeforeEach
  void start() throws Exception {
    idpKey = key();
    published.set(new JWKSet(idpKey.toPublicJWK()));
    idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    idp.createContext(
        "/jwks",
        ex -> {
          byte[] b = published.get().toString(true).getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    idp.start();
    String jwksUri = "http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks";
    SsfReceiver receiver =
        new SsfReceiver(
            SsfReceiver.parseIssuers(IDP + "|" + jwksUri),
            VIGIL,
            signals::add,
            http,
            Clock.systemUTC());
    SsfEvents events = new SsfEvents(VIGIL, SetSigner.generate(), Clock.systemUTC(), true);
    InMemoryJsonTable positions = new InMemoryJsonTable();
    transmitter =
        new SsfTransmitter(
            new InMemoryJsonTable(),
            events,
            new PollService(positions, new InMemorySetLog(), events, Duration.ofMillis(10)),
            new PushDelivery(http, 0, Duration.ofMillis(1)),
            Clock.systemUTC());
    api =
        HttpApi.builder()
            .port(0)
            .security(HttpSecurity.open())
            .state(() -> KafkaStreams.State.RUNNING)
            .metrics(() -> "")
            .jwks(() -> null)
            .risk(id -> new RiskQuery.Unknown())
            .clock(Clock.systemUTC())
            .extension(
                routes ->
                    routes.javalin(
                        new SsfRoutes(
                            transmitter, receiver, SsfAuthorizer.denyAll(), "", PUSH_TOKEN)))
            .start();
    receiverUrl = "http://localhost:" + api.port() + "/ssf/receiver";
  }

  @AfterEach
  void stop() {
    api.close();
    transmitter.close();
    idp.stop(0);
  }

  @Test
  void shouldTurnACredentialChangeIntoAnExternalSignalWith202() throws Exception {
    // Given a CAEP credential-change from the IdP, made by an admin
    String set =
        sign(
            idpKey,
            claims(IDP, VIGIL, "j-1")
                .claim("sub_id", Map.of("format", "iss_sub", "iss", IDP, "sub", "u-77"))
                .claim(
                    "events",
                    Map.of(
                        CAEP + "credential-change",
                        Map.of(
                            "credential_type", "password",
                            "change_type", "update",
                            "initiating_entity", "admin",
                            "reason_admin", Map.of("en", "Password reset by helpdesk"),
                            "event_timestamp", 1_790_000_000L))));

    // When it is pushed
    HttpResponse<String> r = push(set, "application/secevent+jwt", PUSH_TOKEN);

    // Then 202, and one external signal with its meaning
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(signals).hasSize(1);
    ExternalSignal s = signals.get(0);
    assertThat(s.getSubjectId()).isEqualTo("u-77");
    assertThat(s.getSignalType()).isEqualTo("caep.credential-change");
    assertThat(s.getSeverity()).isEqualTo(Severity.MEDIUM);
    assertThat(s.getSource()).isEqualTo("ssf:" + IDP);
    assertThat(s.getEventId()).isEqualTo("ssf:" + IDP + ":j-1");
    assertThat(s.getTimestamp()).isEqualTo(Instant.ofEpochSecond(1_790_000_000L));
    assertThat(s.getSummary()).contains("Password reset by helpdesk");
    assertThat(s.getAttributes()).containsEntry("change_type", "update");
  }

  @Test
  void shouldMapRiscAccountDisabledForHijackingToCritical() throws Exception {
    // Given a RISC account-disabled (legacy subject inside the event)
    String set =
        sign(
            idpKey,
            claims(IDP, VIGIL, "j-2")
                .claim(
                    "events",
                    Map.of(
                        RISC + "account-disabled",
                        Map.of(
                            "subject",
                            Map.of("format", "email", "email", "dave@corp.example"),
                            "reason",
                            "hijacking"))));

    // When pushed, Then a CRITICAL signal about dave
    assertThat(push(set, "application/secevent+jwt", PUSH_TOKEN).statusCode()).isEqualTo(202);
    assertThat(signals)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getSubjectId()).isEqualTo("dave@corp.example");
              assertThat(s.getSeverity()).isEqualTo(Severity.CRITICAL);
              assertThat(s.getSignalType()).isEqualTo("risc.account-disabled");
            });
  }

  @Test
  void shouldAcceptADuplicateJtiOnceOnly() throws Exception {
    // Given a session-revoked SET
    String set = sessionRevoked("j-dup", idpKey, IDP, VIGIL);

    // When it is pushed twice (a transmitter retry)
    HttpResponse<String> first = push(set, "application/secevent+jwt", PUSH_TOKEN);
    HttpResponse<String> second = push(set, "application/secevent+jwt", PUSH_TOKEN);

    // Then both are acknowledged, but one signal is stored
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(202);
    assertThat(signals).hasSize(1);
    assertThat(signals.get(0).getSeverity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void shouldRefuseEveryInvalidPushWithTheRfc8935ErrorCode() throws Exception {
    RSAKey stranger = key();
    // Given invalid pushes, When each is sent, Then each is refused with its code
    assertErr(
        push(sessionRevoked("a", idpKey, IDP, VIGIL), "text/plain", PUSH_TOKEN),
        400,
        "invalid_request");
    assertErr(push("not-a-jwt", "application/secevent+jwt", PUSH_TOKEN), 400, "invalid_request");
    assertErr(push("", "application/secevent+jwt", PUSH_TOKEN), 400, "invalid_request");
    assertErr(
        push(
            sessionRevoked("b", idpKey, "https://evil.test", VIGIL),
            "application/secevent+jwt",
            PUSH_TOKEN),
        400,
        "invalid_issuer");
    assertErr(
        push(
            sessionRevoked("c", idpKey, IDP, "https://someone-else.test"),
            "application/secevent+jwt",
            PUSH_TOKEN),
        400,
        "invalid_audience");
    assertErr(
        push(sessionRevoked("d", stranger, IDP, VIGIL), "application/secevent+jwt", PUSH_TOKEN),
        400,
        "invalid_key");
    String unsigned =
        new PlainJWT(
                claims(IDP, VIGIL, "e")
                    .claim("sub_id", Map.of("format", "email", "email", "x@corp.example"))
                    .claim("events", Map.of(CAEP + "session-revoked", Map.of()))
                    .build())
            .serialize();
    assertErr(push(unsigned, "application/secevent+jwt", PUSH_TOKEN), 400, "invalid_request");
    String withExp =
        sign(
            idpKey,
            claims(IDP, VIGIL, "f")
                .expirationTime(new Date(System.currentTimeMillis() + 60_000))
                .claim("sub_id", Map.of("format", "email", "email", "x@corp.example"))
                .claim("events", Map.of(CAEP + "session-revoked", Map.of())));
    assertErr(push(withExp, "application/secevent+jwt", PUSH_TOKEN), 400, "invalid_request");
    assertErr(
        push(sessionRevoked("g", idpKey, IDP, VIGIL), "application/secevent+jwt", null),
        401,
        "authentication_failed");
    assertErr(
        push(sessionRevoked("h", idpKey, IDP, VIGIL), "application/secevent+jwt", "wrong"),
        401,
        "authentication_failed");
    // And nothing became a signal
    assertThat(signals).isEmpty();
  }

  @Test
  void shouldFetchTheJwksAgainWhenTheIssuerRotatesItsKey() throws Exception {
    // Given one SET accepted with the first key (the JWKS is now cached)
    assertThat(
            push(sessionRevoked("k-1", idpKey, IDP, VIGIL), "application/secevent+jwt", PUSH_TOKEN)
                .statusCode())
        .isEqualTo(202);

    // When the IdP rotates to a new key and signs with it
    RSAKey rotated = key();
    published.set(new JWKSet(List.of(idpKey.toPublicJWK(), rotated.toPublicJWK())));
    HttpResponse<String> r =
        push(sessionRevoked("k-2", rotated, IDP, VIGIL), "application/secevent+jwt", PUSH_TOKEN);

    // Then it is accepted after a fresh JWKS fetch
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(signals).hasSize(2);
  }

  private HttpResponse<String> push(String set, String contentType, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(receiverUrl))
            .header("Content-Type", contentType)
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(set));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertErr(HttpResponse<String> r, int status, String err) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("err").asText()).isEqualTo(err);
    assertThat(body.get("description").asText()).isNotBlank();
  }

  static String sessionRevoked(String jti, RSAKey key, String iss, String aud) throws Exception {
    return sign(
        key,
        claims(iss, aud, jti)
            .claim("sub_id", Map.of("format", "email", "email", "erin@corp.example"))
            .claim(
                "events",
                Map.of(
                    CAEP + "session-revoked",
                    Map.of(
                        "initiating_entity",
                        "policy",
                        "reason_admin",
                        Map.of("en", "Landspeed policy"),
                        "event_timestamp",
                        1_790_000_000L))));
  }

  static JWTClaimsSet.Builder claims(String iss, String aud, String jti) {
    return new JWTClaimsSet.Builder().issuer(iss).audience(aud).jwtID(jti).issueTime(new Date());
  }

  static String sign(RSAKey key, JWTClaimsSet.Builder claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(new JOSEObjectType("secevent+jwt"))
                .keyID(key.getKeyID())
                .build(),
            claims.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  static RSAKey key() throws Exception {
    return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
  }
}
