package dev.vigil.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer JWTs and static tokens: what is accepted and each way a token is refused. */
class HttpAuthTest {

  private static final String ISSUER = "https://idp.test";
  private static final String AUDIENCE = "https://vigil.test";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static RSAKey idpKey;
  private static RSAKey otherKey;

  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpApi api;
  private HttpServer jwksServer;

  @BeforeAll
  static void keys() throws Exception {
    idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
    // Same kid, different key: a forged signature.
    otherKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    if (jwksServer != null) {
      jwksServer.stop(0);
    }
  }

  private void startWith(HttpSecurity security) {
    api =
        HttpApi.builder()
            .port(0)
            .security(security)
            .metrics(() -> "vigil_up 1.0\n")
            .jwks(() -> "{\"keys\":[]}")
            .risk(HttpApiTest::lookup)
            .clock(Clock.fixed(HttpApiTest.NOW, ZoneOffset.UTC))
            .start();
  }

  private void startWithJwksFile() throws Exception {
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(idpKey.toPublicJWK()).toString());
    startWith(
        HttpSecurity.open()
            .withJwt(ISSUER, jwks.toUri().toString(), AUDIENCE)
            .withOpenEndpoints(Set.of()));
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(List.of(AUDIENCE, "other-api"))
        .subject("soc-dashboard")
        .expirationTime(Date.from(Instant.now().plusSeconds(300)))
        .issueTime(new Date())
        .claim("scope", "risk.read metrics.read");
  }

  private static String token(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static String token(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
    return token(idpKey, change.apply(claims()).build());
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + api.port() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertRefused(HttpResponse<String> response, int status, String errorPart)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    assertThat(JSON.readTree(response.body()).get("error").asText()).contains(errorPart);
    assertThat(response.body()).doesNotContain("score");
  }

  @Test
  void shouldAcceptAValidTokenWithTheScopeAndKeepHealthOpen() throws Exception {
    // Given a JWT-protected API
    startWithJwksFile();

    // When a caller presents a valid token with risk.read / Then it is answered
    assertThat(get("/subjects/alice/risk", token(c -> c)).statusCode()).isEqualTo(200);
    assertThat(get("/metrics", token(c -> c)).statusCode()).isEqualTo(200);
    // And liveness needs no token
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldRefuseARequestWithoutAToken() throws Exception {
    startWithJwksFile();

    HttpResponse<String> response = get("/subjects/alice/risk", null);

    assertRefused(response, 401, "bearer token is required");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer");
    assertRefused(get("/ready", null), 401, "bearer token");
    assertRefused(get("/metrics", null), 401, "bearer token");
    assertRefused(get("/jwks", null), 401, "bearer token");
  }

  @Test
  void shouldRefuseABadSignature() throws Exception {
    startWithJwksFile();

    assertRefused(get("/subjects/alice/risk", token(otherKey, claims().build())), 401, "rejected");
  }

  @Test
  void shouldRefuseAWrongIssuer() throws Exception {
    startWithJwksFile();

    assertRefused(
        get("/subjects/alice/risk", token(c -> c.issuer("https://evil.test"))), 401, "iss");
  }

  @Test
  void shouldRefuseAWrongAudience() throws Exception {
    startWithJwksFile();

    assertRefused(
        get("/subjects/alice/risk", token(c -> c.audience("https://other.test"))), 401, "audience");
  }

  @Test
  void shouldRefuseAnExpiredToken() throws Exception {
    startWithJwksFile();

    assertRefused(
        get(
            "/subjects/alice/risk",
            token(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(3600))))),
        401,
        "Expired");
  }

  @Test
  void shouldRefuseATokenWithoutExpiry() throws Exception {
    startWithJwksFile();

    assertRefused(get("/subjects/alice/risk", token(c -> c.expirationTime(null))), 401, "exp");
  }

  @Test
  void shouldRefuseATokenWithoutTheScope() throws Exception {
    startWithJwksFile();

    HttpResponse<String> response =
        get("/subjects/alice/risk", token(c -> c.claim("scope", "metrics.read ssf.read")));

    assertRefused(response, 403, "risk.read");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("insufficient_scope");
  }

  @Test
  void shouldRefuseHmacAndUnsignedTokens() throws Exception {
    startWithJwksFile();
    // An HMAC token keyed with the public modulus: the classic algorithm-confusion attack.
    SignedJWT hmac =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(idpKey.getKeyID()).build(),
            claims().build());
    hmac.sign(new MACSigner(idpKey.getModulus().decode()));
    String none = new PlainJWT(claims().build()).serialize();

    assertRefused(get("/subjects/alice/risk", hmac.serialize()), 401, "rejected");
    assertRefused(get("/subjects/alice/risk", none), 401, "rejected");
  }

  @Test
  void shouldRefuseASecurityEventTokenUsedAsAnAccessToken() throws Exception {
    startWithJwksFile();
    SignedJWT set =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(idpKey.getKeyID())
                .type(new JOSEObjectType("secevent+jwt"))
                .build(),
            claims().build());
    set.sign(new RSASSASigner(idpKey));

    assertRefused(get("/subjects/alice/risk", set.serialize()), 401, "rejected");
  }

  @Test
  void shouldRefuseEveryTokenWhenNoIssuerIsConfigured() throws Exception {
    // Given JWT mode with nothing configured (the default)
    startWith(HttpSecurity.open().withMode(HttpSecurity.JWT).withOpenEndpoints(Set.of()));

    // Then even a well-formed token is refused, and liveness still answers
    assertRefused(get("/subjects/alice/risk", token(c -> c)), 401, "No token issuer");
    assertThat(get("/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldFetchTheIssuersKeysOverHttp() throws Exception {
    // Given the issuer's JWKS served over HTTP
    byte[] jwks = new JWKSet(idpKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jwksServer.createContext(
        "/jwks",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, jwks.length);
          exchange.getResponseBody().write(jwks);
          exchange.close();
        });
    jwksServer.start();
    startWith(
        HttpSecurity.open()
            .withJwt(
                ISSUER,
                "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks",
                AUDIENCE));

    // Then a valid token is accepted and a forged one refused
    assertThat(get("/subjects/alice/risk", token(c -> c)).statusCode()).isEqualTo(200);
    assertRefused(get("/subjects/alice/risk", token(otherKey, claims().build())), 401, "rejected");
  }

  @Test
  void shouldOpenOnlyTheEndpointsConfiguredOpen() throws Exception {
    // Given metrics and readiness opened for probes and scrapers
    startWithJwksFile();
    api.close();
    Path jwks = dir.resolve("jwks.json");
    startWith(
        HttpSecurity.open()
            .withJwt(ISSUER, jwks.toUri().toString(), AUDIENCE)
            .withOpenEndpoints(Set.of("metrics", "ready")));

    // Then they answer without a token, and the risk API still refuses
    assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
    assertThat(get("/ready", null).statusCode()).isEqualTo(200);
    assertRefused(get("/subjects/alice/risk", null), 401, "bearer token");
  }

  @Test
  void shouldAcceptOnlyTheConfiguredStaticToken() throws Exception {
    // Given the development static-token mode
    startWith(
        new HttpSecurity(
            "127.0.0.1",
            HttpSecurity.STATIC_TOKEN,
            "",
            "",
            "",
            "dev-token-0123456789",
            List.of(),
            Set.of(),
            null));

    // Then only that token passes
    assertThat(get("/subjects/alice/risk", "dev-token-0123456789").statusCode()).isEqualTo(200);
    assertRefused(get("/subjects/alice/risk", "dev-token-9876543210"), 401, "not the configured");
    assertRefused(get("/subjects/alice/risk", null), 401, "bearer token is required");
  }
}
