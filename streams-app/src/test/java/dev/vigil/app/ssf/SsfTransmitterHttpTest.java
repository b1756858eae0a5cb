package dev.vigil.app.ssf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.vigil.app.http.HttpApi;
import dev.vigil.app.http.HttpSecurity;
import dev.vigil.app.http.RiskQuery;
import dev.vigil.enforcement.CaepEventType;
import dev.vigil.enforcement.SetSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SSF transmitter over HTTP, driven as a receiver would from SSF 1.0, RFC 8935 and RFC 8936:
 * plain java.net.http requests, a JDK HttpServer push receiver and Nimbus signature checks.
 */
class SsfTransmitterHttpTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ISSUER = "https://vigil.test";
  private static final String MANAGER = "manager-token";
  private static final String READER = "reader-token";
  private static final String OTHER = "other-token";
  private static final String SESSION_REVOKED = CaepEventType.SESSION_REVOKED.uri();
  private static final String RISK_LEVEL_CHANGE = CaepEventType.RISK_LEVEL_CHANGE.uri();

  private final HttpClient http = HttpClient.newHttpClient();
  private final SetSigner signer = SetSigner.generate();
  private final InMemorySetLog log = new InMemorySetLog();
  private final InMemoryJsonTable streams = new InMemoryJsonTable();
  private final InMemoryJsonTable positions = new InMemoryJsonTable();
  private SsfTransmitter transmitter;
  private HttpApi api;
  private String base;

  private void start(boolean allSubjects) {
    SsfEvents events = new SsfEvents(ISSUER, signer, Clock.systemUTC(), allSubjects);
    PushDelivery push = new PushDelivery(http, 2, Duration.ofMillis(5));
    transmitter =
        new SsfTransmitter(
            streams,
            events,
            new PollService(positions, log, events, Duration.ofMillis(300)),
            push,
            Clock.systemUTC());
    SsfAuthorizer auth =
        new StaticTokenSsfAuthorizer(
            Map.of(
                MANAGER,
                new StaticTokenSsfAuthorizer.Grant(
                    "rp-1", Set.of(SsfAuthorizer.READ, SsfAuthorizer.MANAGE)),
                READER,
                new StaticTokenSsfAuthorizer.Grant("rp-1", Set.of(SsfAuthorizer.READ)),
                OTHER,
                new StaticTokenSsfAuthorizer.Grant("rp-2", Set.of(SsfAuthorizer.MANAGE))));
    SsfReceiver receiver = new SsfReceiver(Map.of(), ISSUER, s -> {}, http, Clock.systemUTC());
    api =
        HttpApi.builder()
            .port(0)
            .security(HttpSecurity.open())
            .state(() -> KafkaStreams.State.RUNNING)
            .metrics(() -> "")
            .jwks(signer::jwksJson)
            .risk(id -> new RiskQuery.Unknown())
            .clock(Clock.systemUTC())
            .extension(routes -> routes.javalin(new SsfRoutes(transmitter, receiver, auth, "", "")))
            .start();
    base = "http://localhost:" + api.port();
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    if (transmitter != null) {
      transmitter.close();
    }
  }

  @Test
  void shouldServeTheTransmitterMetadataThatTheInteroperabilityProfileRequires() throws Exception {
    // Given a running transmitter
    start(true);

    // When a receiver fetches the metadata without credentials
    HttpResponse<String> r = send("GET", "/.well-known/ssf-configuration", null, null);

    // Then it has every field the profile requires, pointing at endpoints that exist
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode m = JSON.readTree(r.body());
    assertThat(m.get("spec_version").asText()).isEqualTo("1_0");
    assertThat(m.get("issuer").asText()).isEqualTo(ISSUER);
    assertThat(texts(m.get("delivery_methods_supported")))
        .containsExactlyInAnyOrder("urn:ietf:rfc:8935", "urn:ietf:rfc:8936");
    assertThat(m.get("authorization_schemes").get(0).get("spec_urn").asText())
        .isEqualTo("urn:ietf:rfc:6749");
    assertThat(m.get("default_subjects").asText()).isEqualTo("ALL");
    for (String endpoint :
        List.of(
            "jwks_uri",
            "configuration_endpoint",
            "status_endpoint",
            "add_subject_endpoint",
            "remove_subject_endpoint",
            "verification_endpoint")) {
      assertThat(m.get(endpoint).asText()).as(endpoint).startsWith(base + "/");
    }
    HttpResponse<String> jwks =
        http.send(
            HttpRequest.newBuilder(URI.create(m.get("jwks_uri").asText())).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(JWKSet.parse(jwks.body()).getKeys()).hasSize(1);
  }

  @Test
  void shouldRefuseManagementWithoutAValidTokenOrWithoutTheScope() throws Exception {
    // Given a running transmitter
    start(true);
    String create = "{\"delivery\":{\"method\":\"urn:ietf:rfc:8936\"}}";

    // When a stream is created with no token, a wrong token, a read-only token
    HttpResponse<String> none = send("POST", "/ssf/streams", null, create);
    HttpResponse<String> wrong = send("POST", "/ssf/streams", "nope", create);
    HttpResponse<String> readOnly = send("POST", "/ssf/streams", READER, create);

    // Then 401 with a Bearer challenge, 401, and 403 insufficient_scope, with JSON bodies
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(JSON.readTree(none.body()).get("error").asText()).isNotBlank();
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(readOnly.statusCode()).isEqualTo(403);
    assertThat(readOnly.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("insufficient_scope");
    // And every management endpoint refuses an anonymous caller
    for (String[] call :
        List.of(
            new String[] {"GET", "/ssf/streams"},
            new String[] {"PATCH", "/ssf/streams"},
            new String[] {"PUT", "/ssf/streams"},
            new String[] {"DELETE", "/ssf/streams?stream_id=x"},
            new String[] {"GET", "/ssf/status?stream_id=x"},
            new String[] {"POST", "/ssf/status"},
            new String[] {"POST", "/ssf/subjects/add"},
            new String[] {"POST", "/ssf/subjects/remove"},
            new String[] {"POST", "/ssf/verify"},
            new String[] {"POST", "/ssf/poll/x"})) {
      assertThat(send(call[0], call[1], null, "{}").statusCode()).as(call[1]).isEqualTo(401);
    }
  }

  @Test
  void shouldRefuseMalformedManagementRequestsWithOneSentence() throws Exception {
    // Given a running transmitter and one poll stream
    start(true);
    String id = createPoll(MANAGER, "[]");

    // When requests are malformed, Then each is refused with 400 or 404 and a JSON error
    assertRefused(send("POST", "/ssf/streams", MANAGER, "not json"), 400);
    assertRefused(
        send("POST", "/ssf/streams", MANAGER, "{\"delivery\":{\"method\":\"urn:example:smtp\"}}"),
        400);
    assertRefused(
        send("POST", "/ssf/streams", MANAGER, "{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\"}}"),
        400);
    assertRefused(
        send("POST", "/ssf/streams", MANAGER, "{\"events_requested\":\"session-revoked\"}"), 400);
    assertRefused(send("PATCH", "/ssf/streams", MANAGER, "{\"description\":\"x\"}"), 400);
    assertRefused(send("GET", "/ssf/streams?stream_id=missing", MANAGER, null), 404);
    assertRefused(
        send("POST", "/ssf/status", MANAGER, "{\"stream_id\":\"" + id + "\",\"status\":\"on\"}"),
        400);
    assertRefused(
        send(
            "POST",
            "/ssf/subjects/add",
            MANAGER,
            "{\"stream_id\":\"" + id + "\",\"subject\":{\"email\":\"a@b.example\"}}"),
        400);
    assertRefused(
        send("POST", "/ssf/verify", MANAGER, "{\"stream_id\":\"" + id + "\",\"state\":7}"), 400);
    assertRefused(send("POST", "/ssf/poll/" + id, MANAGER, "{\"maxEvents\":\"ten\"}"), 400);
    // And another receiver's stream does not exist for this one
    assertRefused(send("GET", "/ssf/streams?stream_id=" + id, OTHER, null), 404);
  }

  @Test
  void shouldCreateReadUpdateReplaceAndDeleteAStream() throws Exception {
    // Given a running transmitter
    start(true);

    // When a receiver creates a push stream
    HttpResponse<String> created =
        send(
            "POST",
            "/ssf/streams",
            MANAGER,
            "{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\"https://rp.example/ssf\"},"
                + "\"events_requested\":[\""
                + SESSION_REVOKED
                + "\",\"urn:example:unknown\"],\"description\":\"rp\",\"aud\":\"https://rp.example\"}");

    // Then it is 201 with the transmitter-supplied properties
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode c = JSON.readTree(created.body());
    String id = c.get("stream_id").asText();
    assertThat(c.get("iss").asText()).isEqualTo(ISSUER);
    assertThat(c.get("aud").asText()).isEqualTo("https://rp.example");
    assertThat(texts(c.get("events_delivered"))).containsExactly(SESSION_REVOKED);
    assertThat(texts(c.get("events_supported"))).contains(SESSION_REVOKED, RISK_LEVEL_CHANGE);
    assertThat(c.get("delivery").get("endpoint_url").asText()).isEqualTo("https://rp.example/ssf");

    // And it reads back one by id and in the list of the receiver's streams
    JsonNode read = JSON.readTree(send("GET", "/ssf/streams?stream_id=" + id, READER, null).body());
    assertThat(read.get("stream_id").asText()).isEqualTo(id);
    JsonNode list = JSON.readTree(send("GET", "/ssf/streams", READER, null).body());
    assertThat(list.isArray()).isTrue();
    assertThat(list).hasSize(1);
    assertThat(JSON.readTree(send("GET", "/ssf/streams", OTHER, null).body())).isEmpty();

    // When it is updated (PATCH: only what is given changes)
    JsonNode patched =
        JSON.readTree(
            send(
                    "PATCH",
                    "/ssf/streams",
                    MANAGER,
                    "{\"stream_id\":\"" + id + "\",\"description\":\"renamed\"}")
                .body());
    assertThat(patched.get("description").asText()).isEqualTo("renamed");
    assertThat(texts(patched.get("events_delivered"))).containsExactly(SESSION_REVOKED);

    // And replaced (PUT: every receiver-supplied property is the body's)
    HttpResponse<String> put =
        send(
            "PUT",
            "/ssf/streams",
            MANAGER,
            "{\"stream_id\":\"" + id + "\",\"delivery\":{\"method\":\"urn:ietf:rfc:8936\"}}");
    JsonNode replaced = JSON.readTree(put.body());
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(replaced.get("delivery").get("method").asText()).isEqualTo("urn:ietf:rfc:8936");
    assertThat(replaced.get("delivery").get("endpoint_url").asText())
        .isEqualTo(base + "/ssf/poll/" + id);
    assertThat(replaced.has("description")).isFalse();
    assertThat(texts(replaced.get("events_delivered"))).contains(RISK_LEVEL_CHANGE);

    // And its status is read and changed
    JsonNode status =
        JSON.readTree(send("GET", "/ssf/status?stream_id=" + id, READER, null).body());
    assertThat(status.get("status").asText()).isEqualTo("enabled");
    JsonNode paused =
        JSON.readTree(
            send(
                    "POST",
                    "/ssf/status",
                    MANAGER,
                    "{\"stream_id\":\""
                        + id
                        + "\",\"status\":\"paused\",\"reason\":\"maintenance\"}")
                .body());
    assertThat(paused.get("status").asText()).isEqualTo("paused");
    assertThat(paused.get("reason").asText()).isEqualTo("maintenance");

    // When it is deleted, Then it is gone
    assertThat(send("DELETE", "/ssf/streams?stream_id=" + id, MANAGER, null).statusCode())
        .isEqualTo(204);
    assertThat(send("GET", "/ssf/streams?stream_id=" + id, MANAGER, null).statusCode())
        .isEqualTo(404);
    assertThat(streams.all()).isEmpty();
  }

  @Test
  void shouldAnswerVerificationWithASignedVerificationSetCarryingTheStateByPush() throws Exception {
    // Given a push stream to a receiver written from RFC 8935
    start(true);
    try (PushReceiverStub receiver = new PushReceiverStub()) {
      HttpResponse<String> created =
          send(
              "POST",
              "/ssf/streams",
              MANAGER,
              "{\"delivery\":{\"method\":\"urn:ietf:rfc:8935\",\"endpoint_url\":\""
                  + receiver.url()
                  + "\",\"authorization_header\":\"Bearer rp-secret\"},\"aud\":\"https://rp.example\"}");
      String id = JSON.readTree(created.body()).get("stream_id").asText();

      // When the receiver asks for verification with a state
      HttpResponse<String> verify =
          send("POST", "/ssf/verify", MANAGER, "{\"stream_id\":\"" + id + "\",\"state\":\"s-42\"}");

      // Then 204, and a verification SET arrives by push that verifies against the JWKS
      assertThat(verify.statusCode()).isEqualTo(204);
      await()
          .alias("verification SET pushed")
          .atMost(Duration.ofSeconds(10))
          .until(() -> !receiver.received().isEmpty());
      PushReceiverStub.Received got = receiver.received().get(0);
      assertThat(got.contentType()).isEqualTo("application/secevent+jwt");
      assertThat(got.authorization()).isEqualTo("Bearer rp-secret");
      JsonNode claims =
          SpecSets.verified(got.body(), SpecSets.fetchJwks(base + "/.well-known/jwks.json"));
      assertThat(claims.get("iss").asText()).isEqualTo(ISSUER);
      assertThat(claims.get("aud").asText()).isEqualTo("https://rp.example");
      assertThat(SpecSets.eventType(claims)).isEqualTo(SsfEvents.VERIFICATION);
      assertThat(SpecSets.event(claims).get("state").asText()).isEqualTo("s-42");
      assertThat(claims.get("sub_id").get("format").asText()).isEqualTo("opaque");
      assertThat(claims.get("sub_id").get("id").asText()).isEqualTo(id);
    }
  }

  @Test
  void shouldDeliverByPollWithAckMaxEventsMoreAvailableAndRedeliverUntilAcknowledged()
      throws Exception {
    // Given a poll stream and three SETs published after it was created (one published before)
    start(true);
    Instant eventTime = Instant.parse("2026-11-01T08:00:00Z");
    log.append(topicSet("before", "dora@corp.example", SESSION_REVOKED, eventTime));
    String id = createPoll(MANAGER, "[]");
    log.append(topicSet("j-1", "alice@corp.example", SESSION_REVOKED, eventTime));
    log.append(topicSet("j-2", "bob@corp.example", SESSION_REVOKED, eventTime));
    log.append(topicSet("j-3", "carol@corp.example", RISK_LEVEL_CHANGE, eventTime));
    JWKSet jwks = SpecSets.fetchJwks(base + "/.well-known/jwks.json");

    // When the receiver polls for at most two, immediately
    JsonNode first = poll(id, "{\"maxEvents\":2,\"returnImmediately\":true}");

    // Then two SETs come, with more available, re-issued with the stream's aud and a fresh iat
    assertThat(first.get("moreAvailable").asBoolean()).isTrue();
    assertThat(names(first.get("sets"))).containsExactly("j-1", "j-2");
    JsonNode j1 = SpecSets.verified(first.get("sets").get("j-1").asText(), jwks);
    assertThat(j1.get("aud").asText()).isEqualTo("rp-1");
    assertThat(j1.get("jti").asText()).isEqualTo("j-1");
    assertThat(SpecSets.event(j1).get("event_timestamp").asLong())
        .isEqualTo(eventTime.getEpochSecond());
    assertThat(j1.get("iat").asLong()).isGreaterThan(eventTime.getEpochSecond());

    // When it polls again without acknowledging, Then the same SETs come again (at-least-once)
    JsonNode again = poll(id, "{\"maxEvents\":2,\"returnImmediately\":true}");
    assertThat(names(again.get("sets"))).containsExactly("j-1", "j-2");

    // When it acknowledges one and reports an error for the other
    JsonNode third =
        poll(
            id,
            "{\"ack\":[\"j-1\"],\"setErrs\":{\"j-2\":{\"err\":\"invalid_key\",\"description\":\"x\"}},"
                + "\"maxEvents\":10,\"returnImmediately\":true}");

    // Then only the third SET remains, and nothing more
    assertThat(names(third.get("sets"))).containsExactly("j-3");
    assertThat(third.get("moreAvailable").asBoolean()).isFalse();

    // When it acknowledges with maxEvents 0, Then nothing is returned and nothing is pending
    JsonNode ackOnly = poll(id, "{\"ack\":[\"j-3\"],\"maxEvents\":0,\"returnImmediately\":true}");
    assertThat(ackOnly.get("sets").size()).isZero();
    assertThat(transmitter.pollService().position(id).pending()).isEmpty();

    // And a long poll with nothing new waits, then answers with no SETs
    JsonNode empty = poll(id, "{\"returnImmediately\":false}");
    assertThat(empty.get("sets").size()).isZero();
  }

  @Test
  void shouldDeliverAVerificationSetByPollAndAnnounceTransmitterStatusChanges() throws Exception {
    // Given a poll stream
    start(true);
    String id = createPoll(MANAGER, "[]");
    JWKSet jwks = SpecSets.fetchJwks(base + "/.well-known/jwks.json");

    // When verification is requested and the transmitter pauses the stream on its own
    assertThat(
            send("POST", "/ssf/verify", MANAGER, "{\"stream_id\":\"" + id + "\",\"state\":\"abc\"}")
                .statusCode())
        .isEqualTo(204);
    transmitter.changeStatusByTransmitter(id, SsfStream.PAUSED, "Pushes keep failing.");

    // Then the next poll returns the verification SET with the state and a stream-updated SET
    JsonNode r = poll(id, "{\"returnImmediately\":true}");
    List<JsonNode> sets = new ArrayList<>();
    for (JsonNode s : r.get("sets")) {
      sets.add(SpecSets.verified(s.asText(), jwks));
    }
    assertThat(sets).hasSize(2);
    assertThat(SpecSets.eventType(sets.get(0))).isEqualTo(SsfEvents.VERIFICATION);
    assertThat(SpecSets.event(sets.get(0)).get("state").asText()).isEqualTo("abc");
    assertThat(SpecSets.eventType(sets.get(1))).isEqualTo(SsfEvents.STREAM_UPDATED);
    assertThat(SpecSets.event(sets.get(1)).get("status").asText()).isEqualTo("paused");
    assertThat(SpecSets.event(sets.get(1)).get("reason").asText())
        .isEqualTo("Pushes keep failing.");
    // And the status endpoint says so too
    JsonNode status =
        JSON.readTree(send("GET", "/ssf/status?stream_id=" + id, READER, null).body());
    assertThat(status.get("status").asText()).isEqualTo("paused");
  }

  @Test
  void shouldHoldSetsWhilePausedAndDeliverThemOnceEnabled() throws Exception {
    // Given a paused poll stream and a SET published meanwhile
    start(true);
    String id = createPoll(MANAGER, "[]");
    send("POST", "/ssf/status", MANAGER, "{\"stream_id\":\"" + id + "\",\"status\":\"paused\"}");
    log.append(topicSet("held", "alice@corp.example", SESSION_REVOKED, Instant.now()));

    // When it polls while paused, Then nothing comes
    assertThat(poll(id, "{\"returnImmediately\":true}").get("sets").size()).isZero();

    // When the stream is enabled again, Then the held SET comes
    send("POST", "/ssf/status", MANAGER, "{\"stream_id\":\"" + id + "\",\"status\":\"enabled\"}");
    assertThat(names(poll(id, "{\"returnImmediately\":true}").get("sets"))).containsExactly("held");
  }

  @Test
  void shouldSendOnlyAddedSubjectsWhenDefaultSubjectsIsNone() throws Exception {
    // Given a transmitter with default_subjects NONE and a poll stream that added alice
    start(false);
    String id = createPoll(MANAGER, "[\"" + SESSION_REVOKED + "\"]");
    assertThat(
            send(
                    "POST",
                    "/ssf/subjects/add",
                    MANAGER,
                    "{\"stream_id\":\""
                        + id
                        + "\",\"subject\":{\"format\":\"email\",\"email\":\"Alice@Corp.Example\"},\"verified\":true}")
                .statusCode())
        .isEqualTo(200);

    // When SETs about alice and bob, and an event type not requested, are published
    log.append(topicSet("a-1", "alice@corp.example", SESSION_REVOKED, Instant.now()));
    log.append(topicSet("b-1", "bob@corp.example", SESSION_REVOKED, Instant.now()));
    log.append(topicSet("a-2", "alice@corp.example", RISK_LEVEL_CHANGE, Instant.now()));

    // Then only alice's requested event is delivered
    JsonNode r = poll(id, "{\"returnImmediately\":true}");
    assertThat(names(r.get("sets"))).containsExactly("a-1");
    assertThat(
            JSON.readTree(send("GET", "/.well-known/ssf-configuration", null, null).body())
                .get("default_subjects")
                .asText())
        .isEqualTo("NONE");

    // When alice is removed, Then her next SET is not delivered
    assertThat(
            send(
                    "POST",
                    "/ssf/subjects/remove",
                    MANAGER,
                    "{\"stream_id\":\""
                        + id
                        + "\",\"subject\":{\"format\":\"email\",\"email\":\"alice@corp.example\"}}")
                .statusCode())
        .isEqualTo(204);
    log.append(topicSet("a-3", "alice@corp.example", SESSION_REVOKED, Instant.now()));
    JsonNode after = poll(id, "{\"ack\":[\"a-1\"],\"returnImmediately\":true}");
    assertThat(after.get("sets").size()).isZero();
  }

  @Test
  void shouldNotSendRemovedSubjectsWhenDefaultSubjectsIsAll() throws Exception {
    // Given default_subjects ALL and a stream that removed bob (a member of a complex subject)
    start(true);
    String id = createPoll(MANAGER, "[]");
    send(
        "POST",
        "/ssf/subjects/remove",
        MANAGER,
        "{\"stream_id\":\""
            + id
            + "\",\"subject\":{\"format\":\"email\",\"email\":\"bob@corp.example\"}}");

    // When SETs about alice and bob are published
    log.append(topicSet("a-1", "alice@corp.example", SESSION_REVOKED, Instant.now()));
    log.append(topicSet("b-1", "bob@corp.example", SESSION_REVOKED, Instant.now()));

    // Then only alice's is delivered
    assertThat(names(poll(id, "{\"returnImmediately\":true}").get("sets"))).containsExactly("a-1");
  }

  private JsonNode poll(String id, String body) throws Exception {
    HttpResponse<String> r = send("POST", "/ssf/poll/" + id, MANAGER, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private String createPoll(String token, String eventsRequested) throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            "/ssf/streams",
            token,
            "{\"delivery\":{\"method\":\"urn:ietf:rfc:8936\"},\"events_requested\":"
                + eventsRequested
                + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return JSON.readTree(r.body()).get("stream_id").asText();
  }

  private String topicSet(String jti, String email, String type, Instant at) {
    return signer.sign(
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .issueTime(Date.from(at))
            .jwtID(jti)
            .claim(
                "sub_id",
                Map.of("format", "complex", "user", Map.of("format", "email", "email", email)))
            .claim(
                "events",
                Map.of(
                    type,
                    Map.of(
                        "event_timestamp", at.getEpochSecond(),
                        "reason_admin", Map.of("en", "Test"))))
            .build());
  }

  private HttpResponse<String> send(String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertRefused(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(JSON.readTree(r.body()).get("error").asText()).endsWith(".");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
