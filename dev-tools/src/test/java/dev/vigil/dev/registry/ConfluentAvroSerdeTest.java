package dev.vigil.dev.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schema.LoginEvent;
import dev.vigil.schemas.published.PublishedSchema;
import dev.vigil.schemas.published.PublishedSchemas;
import dev.vigil.schemas.registry.CachingSchemaRegistryClient;
import dev.vigil.schemas.registry.HttpSchemaRegistryClient;
import dev.vigil.schemas.registry.SchemaRegistryClient;
import dev.vigil.schemas.serde.ConfluentAvroDeserializer;
import dev.vigil.schemas.serde.ConfluentAvroSerde;
import dev.vigil.schemas.serde.RecordRejectedException;
import dev.vigil.schemas.serde.RecordRejectedException.Reason;
import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.serde.SerdeConfig;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The serdes against the in-process registry: round trips, rejections and schema evolution. */
class ConfluentAvroSerdeTest {

  private InProcessSchemaRegistry registry;
  private SchemaRegistryClient client;
  private Topic<String, LoginEvent> login;

  @BeforeEach
  void start() {
    registry = InProcessSchemaRegistry.start(0);
    client =
        new CachingSchemaRegistryClient(
            HttpSchemaRegistryClient.builder().url(registry.url()).build());
    login = Topics.create("vigil", new RegistryAvroSerdeFactory(client, Map.of())).login();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldRoundTripALoginEventThroughTheTopicRegistry() {
    // Given a login with nested geo, user agent and Instant timestamps
    LoginEvent event = Samples.login("e-1");

    // When it goes through the login topic's value serde
    byte[] bytes = login.valueSerde().serializer().serialize(login.name(), event);
    LoginEvent back = login.valueSerde().deserializer().deserialize(login.name(), bytes);

    // Then it comes back equal, registered in its published form under the TopicNameStrategy
    // subject, without the generated class's Java-only properties
    assertThat(back).isEqualTo(event);
    assertThat(back.getTimestamp()).isEqualTo(event.getTimestamp());
    assertThat(back.getGeo().getCity()).isEqualTo("Amsterdam");
    Schema registered = client.latest("vigil.signals.login.v1-value").schema();
    assertThat(registered).isEqualTo(published().schema());
    assertThat(registered.toString()).doesNotContain("avro.java.string");
  }

  @Test
  void shouldUseTheKeySubjectForKeys() {
    // Given a serde configured for keys
    var serde = new ConfluentAvroSerde<>(client, LoginEvent.class);
    serde.configure(Map.of(), true);

    // When a record is serialized
    serde.serializer().serialize("keys-topic", Samples.login("e-1"));

    // Then it was registered under <topic>-key
    assertThat(client.latest("keys-topic-key").schema()).isEqualTo(published().schema());
  }

  @Test
  void shouldMapNullToNullBothWays() {
    // Given the login serde
    // When a tombstone is serialized and null bytes are deserialized
    // Then both are null
    assertThat(login.valueSerde().serializer().serialize(login.name(), null)).isNull();
    assertThat(login.valueSerde().deserializer().deserialize(login.name(), null)).isNull();
  }

  @Test
  void shouldRejectABadMagicByteAsMalformed() {
    // Given valid bytes whose first byte is changed
    byte[] bytes = serialize(Samples.login("e-1"));
    bytes[0] = 7;

    // When they are deserialized
    // Then the record is rejected as malformed, naming the topic
    assertRejected(bytes, Reason.MALFORMED, "magic byte 0x07");
  }

  @Test
  void shouldRejectATruncatedRecordAsMalformed() {
    // Given valid bytes cut short, once inside the body and once inside the header
    byte[] bytes = serialize(Samples.login("e-1"));
    byte[] body = Arrays.copyOf(bytes, bytes.length - 3);
    byte[] header = Arrays.copyOf(bytes, 3);

    // When they are deserialized
    // Then both are rejected as malformed
    assertRejected(body, Reason.MALFORMED, "cannot be decoded");
    assertRejected(header, Reason.MALFORMED, "truncated");
  }

  @Test
  void shouldRejectAnUnknownSchemaId() {
    // Given valid bytes pointing at a schema id the registry never issued
    byte[] bytes = serialize(Samples.login("e-1"));
    bytes[1] = 0x7f;

    // When they are deserialized
    // Then the record is rejected for its unknown schema
    assertRejected(bytes, Reason.UNKNOWN_SCHEMA, "schema id");
  }

  @Test
  void shouldRejectAnOversizedRecordBeforeDecoding() {
    // Given a deserializer limited to 64 bytes and a record larger than that
    var deserializer = new ConfluentAvroDeserializer<>(client, LoginEvent.class);
    deserializer.configure(Map.of(SerdeConfig.MAX_RECORD_BYTES, "64"), false);
    byte[] big = new byte[65];

    // When it is deserialized
    // Then it is rejected as oversized, without looking at its (invalid) content
    assertThatThrownBy(() -> deserializer.deserialize(login.name(), big))
        .isInstanceOfSatisfying(
            RecordRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OVERSIZED))
        .hasMessageContaining(login.name())
        .hasMessageContaining("vigil.max.record.bytes");
  }

  @Test
  void shouldRejectAWriterSchemaTheReaderCannotResolve() {
    // Given a record written with an unrelated schema under the same subject's registry
    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"LoginEvent\",\"namespace\":\"dev.vigil.schema\","
                    + "\"fields\":[{\"name\":\"eventId\",\"type\":\"long\"}]}");
    int id = client.register("scratch-value", other);
    GenericRecord record = new GenericData.Record(other);
    record.put("eventId", 42L);

    // When it is read as a LoginEvent
    // Then it is rejected as incompatible, naming a field
    assertRejected(Samples.wire(id, other, record), Reason.INCOMPATIBLE_SCHEMA, "eventId");
  }

  @Test
  void shouldReadAnOlderWriterWithTheCurrentReader() {
    // Given a v1 writer schema: the current LoginEvent without 'failureReason' and 'attributes'
    Schema v1 = withoutFields(LoginEvent.getClassSchema(), "failureReason", "attributes");
    int id = client.register(login.name() + "-value", v1);
    GenericRecord old = genericLogin(v1);

    // When a record written with v1 is read by the current (v2) class
    LoginEvent read =
        login.valueSerde().deserializer().deserialize(login.name(), Samples.wire(id, v1, old));

    // Then the added fields take their defaults
    assertThat(read.getEventId()).isEqualTo("e-old");
    assertThat(read.getFailureReason()).isNull();
    assertThat(read.getAttributes()).isEmpty();
  }

  @Test
  void shouldReadANewerWriterWithTheCurrentReader() {
    // Given a v2 writer schema: the current LoginEvent plus a field with a default
    Schema current = LoginEvent.getClassSchema();
    Schema v2 =
        new Schema.Parser()
            .parse(
                current
                    .toString()
                    .replace(
                        "\"fields\":[",
                        "\"fields\":[{\"name\":\"riskHint\",\"type\":\"int\",\"default\":0},"));
    login.valueSerde().serializer().serialize(login.name(), Samples.login("e-1"));
    int id = client.register(login.name() + "-value", v2);
    GenericRecord newer = genericLogin(v2);
    newer.put("riskHint", 55);

    // When a record written with v2 is read by the current (v1) class
    LoginEvent read =
        login.valueSerde().deserializer().deserialize(login.name(), Samples.wire(id, v2, newer));

    // Then the unknown field is skipped and the rest is read
    assertThat(read.getEventId()).isEqualTo("e-old");
    assertThat(read.getIp()).isEqualTo("198.51.100.1");
  }

  @Test
  void shouldFailClearlyWhenAutoRegistrationIsOffAndSchemaIsMissing() {
    // Given a serializer that must not register
    var serde =
        new RegistryAvroSerdeFactory(client, Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, "false"))
            .valueSerde(LoginEvent.class);

    // When it serializes to a subject with no such schema
    // Then the error says the schema is not registered and how to fix it
    assertThatThrownBy(() -> serde.serializer().serialize("unregistered", Samples.login("e-1")))
        .isInstanceOf(SerializationException.class)
        .isNotInstanceOf(RecordRejectedException.class)
        .hasMessageContaining("not registered under subject 'unregistered-value'")
        .hasMessageContaining("auto.register.schemas");
  }

  @Test
  void shouldUseTheRegisteredIdWhenAutoRegistrationIsOff() {
    // Given the published schema registered ahead of time, with its references
    int id = PublishedSchemas.register(client, "preregistered-value", published());
    var serde =
        new RegistryAvroSerdeFactory(client, Map.of(SerdeConfig.AUTO_REGISTER_SCHEMAS, false))
            .valueSerde(LoginEvent.class);

    // When a record is serialized
    byte[] bytes = serde.serializer().serialize("preregistered", Samples.login("e-1"));

    // Then it carries that id
    assertThat(bytes[4]).isEqualTo((byte) id);
  }

  @Test
  void shouldDoNoHttpAfterTheFirstRecord() {
    // Given a serde over an uncached HTTP client that has handled one record
    var serde =
        new ConfluentAvroSerde<>(
            HttpSchemaRegistryClient.builder().url(registry.url()).build(), LoginEvent.class);
    LoginEvent event = Samples.login("e-0");
    serde.deserializer().deserialize("t", serde.serializer().serialize("t", event));
    long requestsAfterFirst = registry.requestCount();

    // When 1000 more records go through both ways
    for (int i = 1; i <= 1000; i++) {
      LoginEvent next = Samples.login("e-" + i);
      assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", next)))
          .isEqualTo(next);
    }

    // Then the registry saw no further request
    assertThat(registry.requestCount()).isEqualTo(requestsAfterFirst);
  }

  @Test
  void shouldServeRepeatedLookupsFromTheCachingClient() {
    // Given a caching client that has fetched a schema and an id once
    int id = client.register("cached-value", LoginEvent.getClassSchema());
    client.schemaById(id);
    long before = registry.requestCount();

    // When they are asked for 1000 more times
    for (int i = 0; i < 1000; i++) {
      client.register("cached-value", LoginEvent.getClassSchema());
      client.schemaById(id);
      client.lookup("cached-value", LoginEvent.getClassSchema());
    }

    // Then no request reached the registry
    assertThat(registry.requestCount()).isEqualTo(before);
  }

  private static PublishedSchema published() {
    return PublishedSchemas.forType(LoginEvent.getClassSchema().getFullName()).orElseThrow();
  }

  private byte[] serialize(LoginEvent event) {
    return login.valueSerde().serializer().serialize(login.name(), event);
  }

  private void assertRejected(byte[] bytes, Reason reason, String messagePart) {
    assertThatThrownBy(() -> login.valueSerde().deserializer().deserialize(login.name(), bytes))
        .isInstanceOfSatisfying(
            RecordRejectedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.topic()).isEqualTo(login.name());
            })
        .hasMessageContaining("topic '" + login.name() + "'")
        .hasMessageContaining(messagePart);
  }

  private static Schema withoutFields(Schema schema, String... names) {
    var fields =
        schema.getFields().stream()
            .filter(f -> !Arrays.asList(names).contains(f.name()))
            .map(f -> new Schema.Field(f, f.schema()))
            .toList();
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  private static GenericRecord genericLogin(Schema schema) {
    GenericRecord record = new GenericData.Record(schema);
    record.put("eventId", "e-old");
    record.put("timestamp", 1_700_000_000_000L);
    record.put("subjectId", "bob");
    record.put(
        "subjectType",
        new GenericData.EnumSymbol(schema.getField("subjectType").schema(), "HUMAN"));
    record.put("ip", "198.51.100.1");
    record.put(
        "authMethod",
        new GenericData.EnumSymbol(schema.getField("authMethod").schema(), "PASSWORD"));
    record.put(
        "outcome", new GenericData.EnumSymbol(schema.getField("outcome").schema(), "FAILURE"));
    if (schema.getField("attributes") != null) {
      record.put("attributes", Map.of());
    }
    return record;
  }
}
