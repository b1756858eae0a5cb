package dev.vigil.dev.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.dev.embedded.EmbeddedKafkaBroker;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schemas.registry.CachingSchemaRegistryClient;
import dev.vigil.schemas.registry.HttpSchemaRegistryClient;
import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code vigil topics create}, a producer that knows only the published {@code .avsc} files
 * and the Confluent REST API (a minimal client over {@code java.net.http}, not Vigil's classes)
 * registers and looks them up with references and gets the id Vigil's serde uses; a record it
 * writes in the Confluent wire format with plain Avro is read by Vigil's deserializer.
 */
@Tag("integration")
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishedSchemaInteropTest {

  private static final Path AVRO = Path.of("..", "schemas", "src", "main", "avro");
  private static final String LOGIN_SUBJECT = "vigil.signals.login.v1-value";
  private static final List<String> LOGIN_COMMON_TYPES = List.of("SubjectType", "Geo", "UserAgent");

  @TempDir static Path dataDir;

  private EmbeddedKafkaBroker broker;
  private InProcessSchemaRegistry registry;
  private ConfluentStyleClient confluent;

  @BeforeAll
  void start() {
    broker =
        EmbeddedKafkaBroker.builder()
            .port(0)
            .dataDir(dataDir)
            .startTimeout(Duration.ofSeconds(90))
            .build()
            .start();
    registry = InProcessSchemaRegistry.start(0);
    confluent = new ConfluentStyleClient(registry.url());
  }

  @AfterAll
  void stop() {
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldGiveAConfluentStyleProducerOfThePublishedSchemasVigilsOwnSchemaId() throws Exception {
    // Given the topics created and the value schemas registered by vigil topics create
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        VigilCli.execute(
            Map.of(),
            new PrintWriter(out),
            new PrintWriter(err),
            "topics",
            "create",
            "--partitions",
            "1",
            "--replication-factor",
            "1",
            "--bootstrap-servers",
            broker.bootstrapServers(),
            "--set",
            "schema.registry.url=" + registry.url());
    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    assertThat(out.toString()).contains(LOGIN_SUBJECT + ": schema id ");

    // When a producer registers the published common types and LoginEvent.avsc with references
    ArrayNode references = JSON.createArrayNode();
    for (String type : LOGIN_COMMON_TYPES) {
      String subject = "dev.vigil.schema." + type;
      String text = Files.readString(AVRO.resolve("common").resolve(type + ".avsc"));
      confluent.post("/subjects/" + subject + "/versions", body(text, null));
      int version =
          confluent.post("/subjects/" + subject, body(text, null)).path("version").asInt();
      references.addObject().put("name", subject).put("subject", subject).put("version", version);
    }
    String loginText = Files.readString(AVRO.resolve("LoginEvent.avsc"));
    int registeredId =
        confluent
            .post("/subjects/" + LOGIN_SUBJECT + "/versions", body(loginText, references))
            .path("id")
            .asInt();
    // and, as with auto.register.schemas=false, looks the schema up
    JsonNode lookedUp = confluent.post("/subjects/" + LOGIN_SUBJECT, body(loginText, references));

    // Then both give the id Vigil's serde writes, and the subject still has one version
    Topics topics =
        Topics.create(
            "vigil",
            new RegistryAvroSerdeFactory(
                new CachingSchemaRegistryClient(
                    HttpSchemaRegistryClient.builder().url(registry.url()).build()),
                Map.of("auto.register.schemas", false)));
    Topic<String, LoginEvent> login = topics.login();
    byte[] vigilBytes =
        login.valueSerde().serializer().serialize(login.name(), Samples.login("vigil-1"));
    int vigilId = ByteBuffer.wrap(vigilBytes, 1, 4).getInt();
    assertThat(registeredId).isEqualTo(vigilId);
    assertThat(lookedUp.path("id").asInt()).isEqualTo(vigilId);
    assertThat(lookedUp.path("version").asInt()).isEqualTo(1);
    assertThat(confluent.get("/subjects/" + LOGIN_SUBJECT + "/versions").toString())
        .isEqualTo("[1]");

    // And a record it writes with plain Avro from the published schema is read by Vigil
    Schema.Parser parser = new Schema.Parser();
    for (String type : LOGIN_COMMON_TYPES) {
      parser.parse(Files.readString(AVRO.resolve("common").resolve(type + ".avsc")));
    }
    Schema published = parser.parse(loginText);
    GenericRecord record = new GenericData.Record(published);
    record.put("eventId", "outside-1");
    record.put("timestamp", Instant.parse("2026-01-05T10:00:00Z").toEpochMilli());
    record.put("subjectId", "ann@example.com");
    record.put(
        "subjectType",
        new GenericData.EnumSymbol(published.getField("subjectType").schema(), "HUMAN"));
    record.put(
        "authMethod",
        new GenericData.EnumSymbol(published.getField("authMethod").schema(), "PASSWORD"));
    record.put(
        "outcome", new GenericData.EnumSymbol(published.getField("outcome").schema(), "FAILURE"));
    record.put("attributes", Map.of("source", "outside"));
    LoginEvent read =
        login.valueSerde().deserializer().deserialize(login.name(), wire(registeredId, record));
    assertThat(read.getEventId()).isEqualTo("outside-1");
    assertThat(read.getSubjectId()).isEqualTo("ann@example.com");
    assertThat(read.getTimestamp()).isEqualTo(Instant.parse("2026-01-05T10:00:00Z"));
    assertThat(read.getOutcome().name()).isEqualTo("FAILURE");
    assertThat(read.getIp()).isNull();
    assertThat(read.getAttributes()).containsEntry("source", "outside");
  }

  /** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary. */
  private static byte[] wire(int id, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String body(String schema, ArrayNode references) {
    ObjectNode body = JSON.createObjectNode().put("schema", schema);
    if (references != null) {
      body.set("references", references);
    }
    return body.toString();
  }

  /** The REST calls a Confluent client makes, over java.net.http, failing on any non-200. */
  private record ConfluentStyleClient(String baseUrl) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    JsonNode get(String path) throws Exception {
      return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    JsonNode post(String path, String body) throws Exception {
      return send(
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .header("Content-Type", "application/vnd.schemaregistry.v1+json")
              .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private JsonNode send(HttpRequest.Builder request) throws Exception {
      HttpResponse<String> response =
          HTTP.send(
              request.header("Accept", "application/vnd.schemaregistry.v1+json").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("HTTP status; body %s", response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    }
  }
}
