package dev.vigil.dev.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Walks the Confluent Schema Registry REST API reference endpoint by endpoint against the
 * in-process registry over real HTTP: request and response shapes, status codes and Confluent error
 * codes.
 */
class ConfluentApiReferenceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final String PROBE_V1 =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"t\","
          + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
  private static final String PROBE_V2 =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"t\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"n\",\"type\":\"int\",\"default\":0}]}";
  private static final String PROBE_BREAKING =
      "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"t\","
          + "\"fields\":[{\"name\":\"id\",\"type\":\"int\"}]}";
  private static final String GEO =
      "{\"type\":\"record\",\"name\":\"Geo\",\"namespace\":\"t\","
          + "\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
  private static final String VISIT =
      "{\"type\":\"record\",\"name\":\"Visit\",\"namespace\":\"t\","
          + "\"fields\":[{\"name\":\"geo\",\"type\":\"Geo\"}]}";

  private InProcessSchemaRegistry registry;

  @BeforeEach
  void start() {
    registry = InProcessSchemaRegistry.start(0);
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldAnswerTheRootAndSchemaTypes() {
    // Given a fresh registry
    // When the root and the schema types are read
    Answer root = call("GET", "/", null);
    Answer types = call("GET", "/schemas/types", null);

    // Then the root is an empty object and only Avro is offered, in Confluent's media type
    assertThat(root.status()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("{}");
    assertThat(root.contentType()).isEqualTo(CONTENT_TYPE);
    assertThat(types.json().toString()).isEqualTo("[\"AVRO\"]");
  }

  @Test
  void shouldRegisterListAndReadSubjectsAndVersions() {
    // Given a schema registered under one subject
    Answer registered = call("POST", "/subjects/probe-value/versions", body(PROBE_V1));

    // When the subject, versions and version are read
    Answer subjects = call("GET", "/subjects", null);
    Answer versions = call("GET", "/subjects/probe-value/versions", null);
    Answer version = call("GET", "/subjects/probe-value/versions/1", null);
    Answer latest = call("GET", "/subjects/probe-value/versions/latest", null);
    Answer raw = call("GET", "/subjects/probe-value/versions/1/schema", null);

    // Then each has Confluent's shape
    assertThat(registered.json().toString()).isEqualTo("{\"id\":1}");
    assertThat(subjects.json().toString()).isEqualTo("[\"probe-value\"]");
    assertThat(versions.json().toString()).isEqualTo("[1]");
    assertThat(version.json().path("subject").asText()).isEqualTo("probe-value");
    assertThat(version.json().path("version").asInt()).isEqualTo(1);
    assertThat(version.json().path("id").asInt()).isEqualTo(1);
    assertThat(version.json().path("schema").asText()).isEqualTo(PROBE_V1);
    assertThat(version.json().has("references")).isFalse();
    assertThat(latest.json()).isEqualTo(version.json());
    assertThat(raw.json()).isEqualTo(readTree(PROBE_V1));
  }

  @Test
  void shouldRefuseBadVersionsAndUnknownSubjectsWithConfluentCodes() {
    // Given one registered version
    call("POST", "/subjects/probe-value/versions", body(PROBE_V1));

    // When bad versions and an unknown subject are asked for
    // Then 422/42202, 404/40402 and 404/40401 answer, with JSON error bodies
    assertError(call("GET", "/subjects/probe-value/versions/abc", null), 422, 42202);
    assertError(call("GET", "/subjects/probe-value/versions/0", null), 422, 42202);
    assertError(call("GET", "/subjects/probe-value/versions/9", null), 404, 40402);
    assertError(call("GET", "/subjects/nothing/versions", null), 404, 40401);
    assertError(call("GET", "/subjects/nothing/versions/1", null), 404, 40401);
    assertError(call("GET", "/subjects/nothing/versions/latest/schema", null), 404, 40401);
  }

  @Test
  void shouldRefuseInvalidSchemasWith42201AndBadJsonWith400() {
    // Given schemas that are not valid Avro, empty, of another type, or not JSON at all
    String unresolved = VISIT;

    // When each is registered
    // Then none is a 5xx: 422/42201 for schemas and 400 for a body that is not JSON
    assertError(call("POST", "/subjects/s/versions", body(unresolved)), 422, 42201);
    assertError(
        call("POST", "/subjects/s/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}"),
        422,
        42201);
    assertError(call("POST", "/subjects/s/versions", "{}"), 422, 42201);
    assertError(
        call("POST", "/subjects/s/versions", "{\"schemaType\":\"PROTOBUF\",\"schema\":\"x\"}"),
        422,
        42201);
    assertError(call("POST", "/subjects/s/versions", "{not json"), 400, 400);
    assertError(call("POST", "/subjects/s", body(unresolved)), 422, 42201);
    assertError(call("POST", "/compatibility/subjects/s/versions", body(unresolved)), 422, 42201);
  }

  @Test
  void shouldLookUpASchemaUnderASubject() {
    // Given a registered schema
    call("POST", "/subjects/probe-value/versions", body(PROBE_V1));

    // When it, an unregistered schema and an unknown subject are looked up
    Answer found = call("POST", "/subjects/probe-value", body(PROBE_V1));
    Answer missing = call("POST", "/subjects/probe-value", body(PROBE_V2));
    Answer unknown = call("POST", "/subjects/nothing", body(PROBE_V1));

    // Then the version is returned, else 40403 and 40401
    assertThat(found.json().path("subject").asText()).isEqualTo("probe-value");
    assertThat(found.json().path("id").asInt()).isEqualTo(1);
    assertThat(found.json().path("version").asInt()).isEqualTo(1);
    assertThat(found.json().path("schema").asText()).isEqualTo(PROBE_V1);
    assertError(missing, 404, 40403);
    assertError(unknown, 404, 40401);
  }

  @Test
  void shouldShareIdsAcrossSubjectsAndListThemById() {
    // Given the same schema under two subjects
    int id = call("POST", "/subjects/a-value/versions", body(PROBE_V1)).json().path("id").asInt();
    int again =
        call("POST", "/subjects/b-value/versions", body(PROBE_V1)).json().path("id").asInt();

    // When the id's schema, subjects and versions are read
    Answer schema = call("GET", "/schemas/ids/" + id, null);
    Answer raw = call("GET", "/schemas/ids/" + id + "/schema", null);
    Answer subjects = call("GET", "/schemas/ids/" + id + "/subjects", null);
    Answer versions = call("GET", "/schemas/ids/" + id + "/versions", null);

    // Then both subjects share the id, and unknown ids answer 40403
    assertThat(again).isEqualTo(id);
    assertThat(schema.json().toString()).isEqualTo(schemaJson(PROBE_V1));
    assertThat(raw.json()).isEqualTo(readTree(PROBE_V1));
    assertThat(subjects.json().toString()).isEqualTo("[\"a-value\",\"b-value\"]");
    assertThat(versions.json().toString())
        .isEqualTo(
            "[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"b-value\",\"version\":1}]");
    assertError(call("GET", "/schemas/ids/99", null), 404, 40403);
    assertError(call("GET", "/schemas/ids/99/versions", null), 404, 40403);
    assertError(call("GET", "/schemas/ids/x", null), 404, 40403);
  }

  @Test
  void shouldRegisterResolveAndProtectReferences() {
    // Given a named type under its own subject
    call("POST", "/subjects/t.Geo/versions", body(GEO));
    ObjectNode withReference = JSON.createObjectNode().put("schema", VISIT);
    withReference
        .putArray("references")
        .addObject()
        .put("name", "t.Geo")
        .put("subject", "t.Geo")
        .put("version", 1);

    // When a schema referencing it is registered, read back and looked up inlined
    int id =
        call("POST", "/subjects/visit-value/versions", withReference.toString())
            .json()
            .path("id")
            .asInt();
    Answer byId = call("GET", "/schemas/ids/" + id, null);
    Answer referencedBy = call("GET", "/subjects/t.Geo/versions/1/referencedby", null);
    String inlined =
        "{\"type\":\"record\",\"name\":\"Visit\",\"namespace\":\"t\",\"fields\":[{\"name\":\"geo\","
            + "\"type\":"
            + GEO
            + "}]}";
    Answer lookedUpInlined = call("POST", "/subjects/visit-value", body(inlined));

    // Then the references come back, the inlined form finds the same version, and the
    // referenced version cannot be deleted; a missing reference is an invalid schema
    assertThat(byId.json().path("schema").asText()).isEqualTo(VISIT);
    assertThat(byId.json().path("references").toString())
        .isEqualTo("[{\"name\":\"t.Geo\",\"subject\":\"t.Geo\",\"version\":1}]");
    assertThat(referencedBy.json().toString()).isEqualTo("[" + id + "]");
    assertThat(lookedUpInlined.json().path("id").asInt()).isEqualTo(id);
    assertError(call("DELETE", "/subjects/t.Geo/versions/1", null), 422, 42206);
    ObjectNode dangling = JSON.createObjectNode().put("schema", VISIT);
    dangling
        .putArray("references")
        .addObject()
        .put("name", "t.Geo")
        .put("subject", "t.Geo")
        .put("version", 7);
    assertError(call("POST", "/subjects/other-value/versions", dangling.toString()), 422, 42201);
  }

  @Test
  void shouldCheckCompatibilityAgainstLatestAVersionOrAll() {
    // Given two versions
    call("POST", "/subjects/probe-value/versions", body(PROBE_V1));
    call("POST", "/subjects/probe-value/versions", body(PROBE_V2));

    // When compatible and breaking schemas are checked
    Answer ok = call("POST", "/compatibility/subjects/probe-value/versions/latest", body(PROBE_V2));
    Answer breaking =
        call(
            "POST",
            "/compatibility/subjects/probe-value/versions/1?verbose=true",
            body(PROBE_BREAKING));
    Answer all = call("POST", "/compatibility/subjects/probe-value/versions", body(PROBE_BREAKING));
    Answer newSubject =
        call("POST", "/compatibility/subjects/nothing/versions/latest", body(PROBE_V1));
    Answer newSubjectAll = call("POST", "/compatibility/subjects/nothing/versions", body(PROBE_V1));

    // Then Confluent's answers: messages only when verbose; a new subject is compatible
    assertThat(ok.json().toString()).isEqualTo("{\"is_compatible\":true}");
    assertThat(breaking.json().path("is_compatible").asBoolean()).isFalse();
    assertThat(breaking.json().path("messages").toString()).contains("'id'");
    assertThat(all.json().toString()).isEqualTo("{\"is_compatible\":false}");
    assertThat(newSubject.json().toString()).isEqualTo("{\"is_compatible\":true}");
    assertThat(newSubjectAll.json().toString()).isEqualTo("{\"is_compatible\":true}");
    assertError(
        call("POST", "/compatibility/subjects/probe-value/versions/9", body(PROBE_V1)), 404, 40402);
    assertError(
        call("POST", "/compatibility/subjects/nothing/versions/1", body(PROBE_V1)), 404, 40401);
    assertError(call("POST", "/subjects/probe-value/versions", body(PROBE_BREAKING)), 409, 409);
  }

  @Test
  void shouldReadUpdateAndDeleteCompatibilityConfig() {
    // Given a subject
    call("POST", "/subjects/probe-value/versions", body(PROBE_V1));

    // When the global and subject levels are read, set and deleted
    Answer global = call("GET", "/config", null);
    Answer unset = call("GET", "/config/probe-value", null);
    Answer fallback = call("GET", "/config/probe-value?defaultToGlobal=true", null);
    Answer put = call("PUT", "/config/probe-value", "{\"compatibility\":\"NONE\"}");
    Answer read = call("GET", "/config/probe-value", null);
    Answer deleted = call("DELETE", "/config/probe-value", null);

    // Then Confluent's shapes and codes
    assertThat(global.json().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    assertError(unset, 404, 40408);
    assertThat(fallback.json().toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    assertThat(put.json().toString()).isEqualTo("{\"compatibility\":\"NONE\"}");
    assertThat(read.json().toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    assertThat(deleted.json().toString()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    assertError(call("DELETE", "/config/probe-value", null), 404, 40401);
    assertError(call("PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
  }

  @Test
  void shouldReadUpdateAndDeleteModesAndHonourReadOnly() {
    // Given a subject
    call("POST", "/subjects/probe-value/versions", body(PROBE_V1));

    // When modes are read, the subject made read-only and written to, and its mode deleted
    Answer global = call("GET", "/mode", null);
    Answer unset = call("GET", "/mode/probe-value", null);
    Answer put = call("PUT", "/mode/probe-value", "{\"mode\":\"READONLY\"}");
    Answer refused = call("POST", "/subjects/probe-value/versions", body(PROBE_V2));
    Answer deleteRefused = call("DELETE", "/subjects/probe-value/versions/1", null);
    Answer deleted = call("DELETE", "/mode/probe-value", null);
    Answer accepted = call("POST", "/subjects/probe-value/versions", body(PROBE_V2));

    // Then Confluent's shapes and codes
    assertThat(global.json().toString()).isEqualTo("{\"mode\":\"READWRITE\"}");
    assertError(unset, 404, 40409);
    assertThat(put.json().toString()).isEqualTo("{\"mode\":\"READONLY\"}");
    assertError(refused, 422, 42205);
    assertError(deleteRefused, 422, 42205);
    assertThat(deleted.json().toString()).isEqualTo("{\"mode\":\"READONLY\"}");
    assertThat(accepted.status()).isEqualTo(200);
    assertError(call("PUT", "/mode", "{\"mode\":\"SIDEWAYS\"}"), 422, 42204);
    assertError(call("PUT", "/mode", "{\"mode\":\"IMPORT\"}"), 422, 42205);
    assertThat(call("PUT", "/mode?force=true", "{\"mode\":\"IMPORT\"}").status()).isEqualTo(200);
  }

  @Test
  void shouldSoftThenPermanentlyDeleteVersions() {
    // Given two versions
    call("POST", "/subjects/probe-value/versions", body(PROBE_V1));
    call("POST", "/subjects/probe-value/versions", body(PROBE_V2));

    // When version 1 is deleted too early permanently, then softly, then permanently
    Answer tooEarly = call("DELETE", "/subjects/probe-value/versions/1?permanent=true", null);
    Answer soft = call("DELETE", "/subjects/probe-value/versions/1", null);
    Answer again = call("DELETE", "/subjects/probe-value/versions/1", null);
    Answer hidden = call("GET", "/subjects/probe-value/versions/1", null);
    Answer shown = call("GET", "/subjects/probe-value/versions/1?deleted=true", null);
    Answer listed = call("GET", "/subjects/probe-value/versions", null);
    Answer listedDeleted = call("GET", "/subjects/probe-value/versions?deleted=true", null);
    Answer idStillReadable = call("GET", "/schemas/ids/1", null);
    Answer hard = call("DELETE", "/subjects/probe-value/versions/1?permanent=true", null);

    // Then Confluent's codes: 40407, the version number, 40406, 40402, and the version is gone
    assertError(tooEarly, 404, 40407);
    assertThat(soft.json().asInt()).isEqualTo(1);
    assertError(again, 404, 40406);
    assertError(hidden, 404, 40402);
    assertThat(shown.json().path("version").asInt()).isEqualTo(1);
    assertThat(listed.json().toString()).isEqualTo("[2]");
    assertThat(listedDeleted.json().toString()).isEqualTo("[1,2]");
    assertThat(idStillReadable.status()).isEqualTo(200);
    assertThat(hard.json().asInt()).isEqualTo(1);
    assertError(call("GET", "/subjects/probe-value/versions/1?deleted=true", null), 404, 40402);
    assertError(call("GET", "/schemas/ids/1", null), 404, 40403);
  }

  @Test
  void shouldSoftThenPermanentlyDeleteSubjects() {
    // Given a subject with two versions
    call("POST", "/subjects/probe-value/versions", body(PROBE_V1));
    call("POST", "/subjects/probe-value/versions", body(PROBE_V2));

    // When it is deleted too early permanently, then softly, then permanently
    Answer tooEarly = call("DELETE", "/subjects/probe-value?permanent=true", null);
    Answer soft = call("DELETE", "/subjects/probe-value", null);
    Answer again = call("DELETE", "/subjects/probe-value", null);
    Answer listed = call("GET", "/subjects", null);
    Answer listedDeleted = call("GET", "/subjects?deleted=true", null);
    Answer hard = call("DELETE", "/subjects/probe-value?permanent=true", null);
    Answer gone = call("DELETE", "/subjects/probe-value", null);
    Answer reRegistered = call("POST", "/subjects/probe-value/versions", body(PROBE_V1));

    // Then Confluent's codes: 40405, the versions deleted, 40404, and the subject is gone
    assertError(tooEarly, 404, 40405);
    assertThat(soft.json().toString()).isEqualTo("[1,2]");
    assertError(again, 404, 40404);
    assertThat(listed.json().toString()).isEqualTo("[]");
    assertThat(listedDeleted.json().toString()).isEqualTo("[\"probe-value\"]");
    assertThat(hard.json().toString()).isEqualTo("[1,2]");
    assertError(gone, 404, 40401);
    assertThat(reRegistered.status()).isEqualTo(200);
    assertThat(call("GET", "/subjects/probe-value/versions", null).json().toString())
        .isEqualTo("[1]");
  }

  @Test
  void shouldAnswer405ForAWrongMethodAnd404ForAnUnknownPath() {
    // Given a fresh registry
    // When known paths get the wrong method and an unknown path is asked for
    // Then 405 and 404 answer with JSON error bodies
    assertError(call("DELETE", "/schemas/types", null), 405, 405);
    assertError(call("PUT", "/subjects", "{}"), 405, 405);
    assertError(call("GET", "/subjects/s", null), 405, 405);
    assertError(call("GET", "/compatibility/subjects/s/versions", null), 405, 405);
    assertError(call("GET", "/no/such/endpoint", null), 404, 404);
  }

  private static void assertError(Answer answer, int status, int errorCode) {
    assertThat(answer.status()).as("status of %s", answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo(CONTENT_TYPE);
    assertThat(answer.json().path("error_code").asInt()).as(answer.body()).isEqualTo(errorCode);
    assertThat(answer.json().path("message").asText()).isNotBlank();
  }

  private static String body(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  private static String schemaJson(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private Answer call(String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(registry.url() + path))
            .header("Accept", CONTENT_TYPE)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.body(),
          response.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One HTTP answer. */
  private record Answer(int status, String body, String contentType) {
    JsonNode json() {
      return readTree(body);
    }
  }
}
