package dev.vigil.dev.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.registry.HttpSchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-process registry's REST endpoints and compatibility levels. */
class InProcessSchemaRegistryTest {

  private static final String SUBJECT = "probe-value";

  private static final Schema V1 =
      SchemaBuilder.record("Probe").fields().requiredString("id").endRecord();

  private static final Schema V2_WITH_DEFAULT =
      SchemaBuilder.record("Probe")
          .fields()
          .requiredString("id")
          .name("tags")
          .type()
          .intType()
          .intDefault(0)
          .endRecord();

  private static final Schema V2_DROPS_ID =
      SchemaBuilder.record("Probe").fields().optionalString("other").endRecord();

  private InProcessSchemaRegistry registry;
  private HttpSchemaRegistryClient client;

  @BeforeEach
  void start() {
    registry = InProcessSchemaRegistry.start(0);
    client = HttpSchemaRegistryClient.builder().url(registry.url()).build();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldBindToLoopbackOnly() {
    // Given a started registry
    // When its URL is read
    // Then it is on 127.0.0.1 with an ephemeral port
    assertThat(registry.url()).matches("http://127\\.0\\.0\\.1:\\d+");
  }

  @Test
  void shouldListSubjectsVersionsAndVersionDetails() {
    // Given two versions of one subject
    int id1 = client.register(SUBJECT, V1);
    client.register(SUBJECT, V2_WITH_DEFAULT);

    // When the listing endpoints are called
    var subjects = RawHttp.send(registry.url(), "GET", "/subjects", null);
    var versions = RawHttp.send(registry.url(), "GET", "/subjects/" + SUBJECT + "/versions", null);
    var first = RawHttp.send(registry.url(), "GET", "/subjects/" + SUBJECT + "/versions/1", null);
    var missing = RawHttp.send(registry.url(), "GET", "/subjects/" + SUBJECT + "/versions/7", null);

    // Then they answer like Confluent Schema Registry
    assertThat(subjects.body()).isEqualTo("[\"" + SUBJECT + "\"]");
    assertThat(versions.body()).isEqualTo("[1,2]");
    assertThat(first.body()).contains("\"version\":1", "\"id\":" + id1);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body()).contains("\"error_code\":40402");
  }

  @Test
  void shouldRefuseAnInvalidSchemaWith42201() {
    // Given a body whose schema is not Avro
    // When it is registered
    var answer =
        RawHttp.send(
            registry.url(),
            "POST",
            "/subjects/" + SUBJECT + "/versions",
            "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}");

    // Then the registry answers 422 / 42201
    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.body()).contains("\"error_code\":42201");
  }

  @Test
  void shouldDefaultToBackwardAndAcceptConfigChanges() {
    // Given the default global level
    var global = RawHttp.send(registry.url(), "GET", "/config", null);

    // When the subject is set to NONE and a breaking schema is registered
    client.register(SUBJECT, V1);
    var put =
        RawHttp.send(registry.url(), "PUT", "/config/" + SUBJECT, "{\"compatibility\":\"NONE\"}");
    int id = client.register(SUBJECT, V2_DROPS_ID);

    // Then the global level is BACKWARD and the subject accepted the change
    assertThat(global.body()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    assertThat(put.body()).isEqualTo("{\"compatibility\":\"NONE\"}");
    assertThat(RawHttp.send(registry.url(), "GET", "/config/" + SUBJECT, null).body())
        .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    assertThat(client.latest(SUBJECT).id()).isEqualTo(id);
  }

  @Test
  void shouldRefuseAnUnknownCompatibilityLevel() {
    // Given a PUT with a level that does not exist
    // When it is sent
    var answer = RawHttp.send(registry.url(), "PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}");

    // Then the registry answers 422 and names the level
    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.body()).contains("SIDEWAYS");
  }

  @Test
  void shouldApplyForwardCompatibility() {
    // Given a subject at FORWARD
    client.register(SUBJECT, V1);
    RawHttp.send(registry.url(), "PUT", "/config/" + SUBJECT, "{\"compatibility\":\"FORWARD\"}");

    // When a schema dropping the required field is checked, and one adding a field
    var dropsId = client.testCompatibility(SUBJECT, V2_DROPS_ID);
    var addsField = client.testCompatibility(SUBJECT, V2_WITH_DEFAULT);

    // Then old readers cannot read the first, but can read the second
    assertThat(dropsId.compatible()).isFalse();
    assertThat(dropsId.messages()).anySatisfy(m -> assertThat(m).contains("'id'"));
    assertThat(addsField.compatible()).isTrue();
  }

  @Test
  void shouldCheckEveryVersionWhenTransitive() {
    // Given v1 {id: string}, then v2 {id: long} registered while the subject was at NONE
    Schema v2 = SchemaBuilder.record("Probe").fields().requiredLong("id").endRecord();
    Schema v3 =
        SchemaBuilder.record("Probe")
            .fields()
            .requiredLong("id")
            .name("tags")
            .type()
            .intType()
            .intDefault(0)
            .endRecord();
    client.register(SUBJECT, V1);
    RawHttp.send(registry.url(), "PUT", "/config/" + SUBJECT, "{\"compatibility\":\"NONE\"}");
    client.register(SUBJECT, v2);

    // When v3 (reads v2, but not v1's string id) is tested at BACKWARD and BACKWARD_TRANSITIVE
    RawHttp.send(registry.url(), "PUT", "/config/" + SUBJECT, "{\"compatibility\":\"BACKWARD\"}");
    var backward = client.testCompatibility(SUBJECT, v3);
    RawHttp.send(
        registry.url(), "PUT", "/config/" + SUBJECT, "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
    var transitive = client.testCompatibility(SUBJECT, v3);

    // Then only the transitive check refuses it, naming version 1 and the field
    assertThat(backward.compatible()).isTrue();
    assertThat(transitive.compatible()).isFalse();
    assertThat(transitive.messages()).anySatisfy(m -> assertThat(m).contains("version 1", "'id'"));
  }

  @Test
  void shouldCountRequests() {
    // Given a registry that has served nothing yet
    long before = registry.requestCount();

    // When two requests are made
    client.register(SUBJECT, V1);
    client.latest(SUBJECT);

    // Then the counter moved by two
    assertThat(registry.requestCount() - before).isEqualTo(2);
  }
}
