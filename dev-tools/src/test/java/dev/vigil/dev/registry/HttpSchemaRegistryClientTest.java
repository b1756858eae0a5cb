package dev.vigil.dev.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.registry.CompatibilityResult;
import dev.vigil.schemas.registry.HttpSchemaRegistryClient;
import dev.vigil.schemas.registry.RegisteredSchema;
import dev.vigil.schemas.registry.SchemaRegistryException;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP client against the in-process registry over real HTTP on loopback. */
class HttpSchemaRegistryClientTest {

  private static final String SUBJECT = "vigil.signals.login.v1-value";

  private static final Schema V1 =
      SchemaBuilder.record("Probe")
          .namespace("dev.vigil.test")
          .fields()
          .requiredString("id")
          .endRecord();

  private static final Schema V2 =
      SchemaBuilder.record("Probe")
          .namespace("dev.vigil.test")
          .fields()
          .requiredString("id")
          .name("note")
          .type()
          .stringType()
          .stringDefault("")
          .endRecord();

  private InProcessSchemaRegistry registry;
  private HttpSchemaRegistryClient client;

  @BeforeEach
  void startRegistry() {
    registry = InProcessSchemaRegistry.start(0);
    client = HttpSchemaRegistryClient.fromConfig(Map.of("schema.registry.url", registry.url()));
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldRegisterAndReturnTheSameIdOnReRegistration() {
    // Given a schema registered once
    int first = client.register(SUBJECT, V1);

    // When it is registered again under the same and under another subject
    int again = client.register(SUBJECT, V1);
    int elsewhere = client.register("other-value", V1);

    // Then the id is the same everywhere, as in Confluent Schema Registry
    assertThat(again).isEqualTo(first);
    assertThat(elsewhere).isEqualTo(first);
    assertThat(client.latest(SUBJECT).version()).isEqualTo(1);
  }

  @Test
  void shouldLookUpFetchByIdAndReadLatest() {
    // Given two versions of a subject
    int id1 = client.register(SUBJECT, V1);
    int id2 = client.register(SUBJECT, V2);

    // When they are looked up, fetched by id and the latest is read
    var latest = client.latest(SUBJECT);

    // Then every answer agrees
    assertThat(id2).isNotEqualTo(id1);
    assertThat(client.lookup(SUBJECT, V1)).hasValue(id1);
    assertThat(client.lookup(SUBJECT, V2)).hasValue(id2);
    assertThat(client.schemaById(id1)).isEqualTo(V1);
    assertThat(latest).isEqualTo(new RegisteredSchema(SUBJECT, id2, 2, V2));
  }

  @Test
  void shouldReturnEmptyLookupForUnknownSubjectOrSchema() {
    // Given a subject with only V1
    client.register(SUBJECT, V1);

    // When V2 and an unknown subject are looked up
    // Then neither is found
    assertThat(client.lookup(SUBJECT, V2)).isEmpty();
    assertThat(client.lookup("missing-value", V1)).isEmpty();
  }

  @Test
  void shouldReportCompatibility() {
    // Given V1 registered under the default BACKWARD level
    client.register(SUBJECT, V1);
    Schema breaking =
        SchemaBuilder.record("Probe")
            .namespace("dev.vigil.test")
            .fields()
            .requiredString("id")
            .requiredLong("riskScore")
            .endRecord();

    // When a compatible and an incompatible candidate are tested
    CompatibilityResult ok = client.testCompatibility(SUBJECT, V2);
    CompatibilityResult bad = client.testCompatibility(SUBJECT, breaking);

    // Then the incompatible one names the field without a default
    assertThat(ok.compatible()).isTrue();
    assertThat(bad.compatible()).isFalse();
    assertThat(bad.messages()).anySatisfy(m -> assertThat(m).contains("riskScore"));
    assertThat(client.testCompatibility("new-subject-value", breaking).compatible()).isTrue();
  }

  @Test
  void shouldMapNotFoundToConfluentErrorCodes() {
    // Given an empty registry
    // When a missing subject and a missing schema id are read
    // Then the exceptions carry HTTP 404 and the Confluent error codes
    assertThatThrownBy(() -> client.latest("missing-value"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
              assertThat(e).hasMessageContaining("missing-value");
            });
    assertThatThrownBy(() -> client.schemaById(999))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
            });
  }

  @Test
  void shouldRefuseAnIncompatibleRegistrationNamingTheField() {
    // Given V1 registered under BACKWARD
    client.register(SUBJECT, V1);
    Schema changedType =
        SchemaBuilder.record("Probe")
            .namespace("dev.vigil.test")
            .fields()
            .requiredInt("id")
            .endRecord();

    // When a schema changing the type of 'id' is registered
    // Then the registry refuses it with 409 and a sentence naming the field and version
    assertThatThrownBy(() -> client.register(SUBJECT, changedType))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
              assertThat(e)
                  .hasMessageStartingWith(
                      "Schema being registered is incompatible with an earlier schema for subject"
                          + " \""
                          + SUBJECT
                          + "\"")
                  .hasMessageContaining("version 1: ")
                  .hasMessageContaining("field 'id'");
            });
  }

  @Test
  void shouldTryTheNextUrlWhenAConnectionFails() throws Exception {
    // Given a first URL where nothing listens
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    var failover =
        HttpSchemaRegistryClient.fromConfig(
            Map.of("schema.registry.url", "http://127.0.0.1:" + deadPort + "," + registry.url()));

    // When a schema is registered
    int id = failover.register(SUBJECT, V1);

    // Then the second URL answered
    assertThat(client.schemaById(id)).isEqualTo(V1);
  }

  @Test
  void shouldFailClearlyWhenNoUrlIsReachable() throws Exception {
    // Given only a URL where nothing listens
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    var dead =
        HttpSchemaRegistryClient.fromConfig(
            Map.of("schema.registry.url", "http://127.0.0.1:" + deadPort));

    // When it is asked anything
    // Then the exception says the registry is unreachable
    assertThatThrownBy(() -> dead.schemaById(1))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.status()).isEqualTo(SchemaRegistryException.UNREACHABLE))
        .hasMessageStartingWith("Schema registry is unreachable at");
  }

  @Test
  void shouldSendBasicAuth() {
    // Given a registry that requires basic auth
    try (var secured =
        InProcessSchemaRegistry.builder().requireBasicAuth("svc", "s3cret").start()) {
      var good =
          HttpSchemaRegistryClient.fromConfig(
              Map.of("schema.registry.url", secured.url(), "basic.auth.user.info", "svc:s3cret"));
      var wrong =
          HttpSchemaRegistryClient.fromConfig(
              Map.of("schema.registry.url", secured.url(), "basic.auth.user.info", "svc:nope"));
      var none = HttpSchemaRegistryClient.fromConfig(Map.of("schema.registry.url", secured.url()));

      // When each client registers a schema
      // Then only the right credentials are accepted, and a refusal says which config to check
      assertThat(good.register(SUBJECT, V1)).isPositive();
      assertThatThrownBy(() -> wrong.register(SUBJECT, V1))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(401))
          .hasMessageContaining("refused the credentials with HTTP 401")
          .hasMessageContaining("basic.auth.user.info");
      assertThatThrownBy(() -> none.latest(SUBJECT))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
  }

  @Test
  void shouldSendBearerToken() {
    // Given a registry that requires a bearer token
    try (var secured = InProcessSchemaRegistry.builder().requireBearerToken("tok-123").start()) {
      var good =
          HttpSchemaRegistryClient.fromConfig(
              Map.of("schema.registry.url", secured.url(), "bearer.auth.token", "tok-123"));
      var wrong =
          HttpSchemaRegistryClient.fromConfig(
              Map.of("schema.registry.url", secured.url(), "bearer.auth.token", "tok-999"));

      // When each client registers a schema
      // Then only the right token is accepted
      assertThat(good.register(SUBJECT, V1)).isPositive();
      assertThatThrownBy(() -> wrong.register(SUBJECT, V1))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
  }

  @Test
  void shouldRejectConflictingOrMissingConfig() {
    // Given configs with both auth kinds, no URL, or a bad timeout
    // When clients are built
    // Then each error names the key
    assertThatThrownBy(
            () ->
                HttpSchemaRegistryClient.fromConfig(
                    Map.of(
                        "schema.registry.url", "http://127.0.0.1:1",
                        "basic.auth.user.info", "a:b",
                        "bearer.auth.token", "t")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("basic.auth.user.info")
        .hasMessageContaining("bearer.auth.token");
    assertThatThrownBy(() -> HttpSchemaRegistryClient.fromConfig(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema.registry.url");
    assertThatThrownBy(
            () ->
                HttpSchemaRegistryClient.fromConfig(
                    Map.of(
                        "schema.registry.url", "http://127.0.0.1:1",
                        "schema.registry.request.timeout.ms", "soon")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema.registry.request.timeout.ms");
  }
}
