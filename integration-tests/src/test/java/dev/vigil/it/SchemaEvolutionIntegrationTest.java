package dev.vigil.it;

import static dev.vigil.it.PipelineIntegrationTest.berlin;
import static dev.vigil.it.PipelineIntegrationTest.login;
import static dev.vigil.it.PipelineIntegrationTest.sydney;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schemas.registry.HttpSchemaRegistryClient;
import dev.vigil.schemas.registry.SchemaRegistryException;
import dev.vigil.schemas.registry.SchemaText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer on a newer, backward-compatible login schema (an added optional field) is read by the
 * running pipeline, and the registry refuses an incompatible schema with Confluent's 409 and keeps
 * the subject as it was: what a data engineer's own producer meets when it evolves its schema.
 */
@Tag("integration")
@Timeout(180)
class SchemaEvolutionIntegrationTest {

  @RegisterExtension static final VigilCluster CLUSTER = VigilCluster.shared();

  @TempDir Path stateDir;

  @Test
  void shouldReadANewerCompatibleSchemaAndRefuseAnIncompatibleOne() throws Exception {
    try (PipelineHarness vigil =
        new PipelineHarness(CLUSTER.bootstrapServers(), CLUSTER.registryUrl(), stateDir)
            .createTopics()
            .start()) {
      String topic = vigil.topics.login().name();
      String subject = topic + "-value";
      HttpSchemaRegistryClient registry =
          HttpSchemaRegistryClient.fromConfig(
              Map.of(HttpSchemaRegistryClient.URL_CONFIG, CLUSTER.registryUrl()));

      // Given a sign-in from Berlin written by Vigil's own serde (the current schema)
      Instant t0 = Instant.now().minus(Duration.ofHours(1));
      LoginEvent first = login("ev-1", "erin@corp.example", t0, berlin(), "s-1");
      vigil.send(
          vigil.topics.login(),
          List.of(
              new ProducerRecord<>(topic, null, t0.toEpochMilli(), first.getSubjectId(), first)));

      // And a producer that registers a newer schema with an added optional field
      Schema newer = withField(LoginEvent.getClassSchema(), "deviceTrust", true);
      int newerId = registry.register(subject, SchemaText.of(newer));
      LoginEvent second =
          login("ev-2", "erin@corp.example", t0.plusSeconds(35 * 60), sydney(), "s-2");
      GenericRecord evolved = asNewer(second, newer);
      evolved.put("deviceTrust", "managed");

      // When it writes the second sign-in (from Sydney, 35 minutes later) in the newer schema
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", vigil.bootstrap, "acks", "all"),
              new StringSerializer(),
              new ByteArraySerializer())) {
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    null,
                    second.getTimestamp().toEpochMilli(),
                    second.getSubjectId(),
                    wire(newerId, evolved)))
            .get();
      }

      // Then the pipeline reads it like any other sign-in: impossible travel, both sessions revoked
      var commands = vigil.consumer(vigil.topics.commands());
      List<ConsumerRecord<String, EnforcementCommand>> received = new ArrayList<>();
      await()
          .alias("revocation after a sign-in in the newer schema")
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                PipelineHarness.pollInto(commands, received);
                return !received.isEmpty();
              });
      EnforcementCommand command = received.get(0).value();
      assertThat(command.getAction()).isEqualTo(EnforcementAction.REVOKE_SESSIONS);
      assertThat(command.getSourceEventIds()).containsExactly("ev-1", "ev-2");
      assertThat(vigil.metrics.total("vigil.dlq.records")).isZero();

      // When another producer tries a schema with a required field old records lack
      Schema incompatible = withField(newer, "tenantId", false);

      // Then the registry refuses it with Confluent's code and a message naming the subject
      assertThatThrownBy(() -> registry.register(subject, SchemaText.of(incompatible)))
          .isInstanceOfSatisfying(
              SchemaRegistryException.class,
              e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA))
          .hasMessageContaining("incompatible")
          .hasMessageContaining(subject);

      // And nothing was written: the newer schema is still the subject's latest
      assertThat(registry.latest(subject).id()).isEqualTo(newerId);
    }
  }

  /** The record schema with a string field appended: optional (null default) or required. */
  private static Schema withField(Schema base, String name, boolean optional) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : base.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(
        optional
            ? new Schema.Field(
                name,
                Schema.createUnion(
                    Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                null,
                JsonProperties.NULL_VALUE)
            : new Schema.Field(name, Schema.create(Schema.Type.STRING), null, (Object) null));
    Schema schema =
        Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    base.getObjectProps().forEach(schema::addProp);
    return schema;
  }

  /** The event as a generic record of the newer schema (Avro resolution fills the new field). */
  private static GenericRecord asNewer(LoginEvent event, Schema newer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<LoginEvent>(LoginEvent.getClassSchema()).write(event, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(LoginEvent.getClassSchema(), newer)
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }

  /** Confluent's wire format: magic byte 0, the schema id, the Avro binary body. */
  private static byte[] wire(int schemaId, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
