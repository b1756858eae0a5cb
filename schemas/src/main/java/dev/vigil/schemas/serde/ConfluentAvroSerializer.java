package dev.vigil.schemas.serde;

import dev.vigil.schemas.published.PublishedSchema;
import dev.vigil.schemas.published.PublishedSchemas;
import dev.vigil.schemas.registry.SchemaRegistryClient;
import dev.vigil.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes generated Avro records in the Confluent wire format (magic byte 0, 4-byte big-endian
 * schema id, Avro binary), interoperable with Confluent's {@code KafkaAvroSerializer}. The subject
 * is {@code <topic>-value}, or {@code <topic>-key} for keys (TopicNameStrategy). The schema id is
 * resolved once per subject, by registering the schema ({@value SerdeConfig#AUTO_REGISTER_SCHEMAS}
 * true, the default) or by looking it up, and then cached. {@code null} serializes to {@code null}
 * (a tombstone). Thread-safe.
 *
 * <p>For a class generated from a published {@code .avsc} ({@link PublishedSchemas}), the schema
 * registered and looked up is the published text with references to the common types, not the
 * generated class's text (which carries Java-only properties): a producer that uses the published
 * files finds the same id. Both encode the same bytes.
 *
 * @param <T> the generated record class
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private final SchemaRegistryClient registry;
  private final Schema schema;
  private final SpecificDatumWriter<T> writer;
  private final PublishedSchema published;
  private final Map<String, Integer> idBySubject = new ConcurrentHashMap<>();
  private volatile boolean autoRegister = true;
  private volatile boolean isKey;

  /**
   * Creates a serializer for one generated class; call {@link #configure} to change the defaults.
   *
   * @param registry the schema registry, ideally a caching one
   * @param type the generated record class
   */
  public ConfluentAvroSerializer(SchemaRegistryClient registry, Class<T> type) {
    this.registry = Objects.requireNonNull(registry, "registry");
    SpecificData model = SpecificData.getForClass(Objects.requireNonNull(type, "type"));
    this.schema = model.getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
    this.published =
        PublishedSchemas.forType(schema.getFullName())
            .filter(
                p ->
                    SchemaNormalization.parsingFingerprint64(p.schema())
                        == SchemaNormalization.parsingFingerprint64(schema))
            .orElse(null);
  }

  /**
   * Reads {@value SerdeConfig#AUTO_REGISTER_SCHEMAS}; other keys are ignored.
   *
   * @throws IllegalArgumentException naming the key if a value is malformed
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.autoRegister = SerdeConfig.autoRegister(configs);
    this.isKey = isKey;
  }

  /** The writer schema, the one registered for every subject this serializer writes to. */
  public Schema schema() {
    return schema;
  }

  /**
   * Registers this serializer's schema under the topic's subject, as {@link #serialize} would with
   * auto-registration on, whatever {@value SerdeConfig#AUTO_REGISTER_SCHEMAS} says.
   *
   * @return the schema id
   * @throws SchemaRegistryException if the registry refuses the schema or cannot be reached
   */
  public int register(String topic) {
    String subject = WireFormat.subject(topic, isKey);
    int id =
        published != null
            ? PublishedSchemas.register(registry, subject, published)
            : registry.register(subject, schema);
    idBySubject.put(subject, id);
    return id;
  }

  /**
   * Serializes a record.
   *
   * @throws SerializationException if the schema cannot be registered or, with auto-registration
   *     off, is not registered under the subject
   */
  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    int id = schemaId(WireFormat.subject(topic, isKey));
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(WireFormat.MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot serialize a "
              + schema.getFullName()
              + " for topic '"
              + topic
              + "': "
              + e.getMessage(),
          e);
    }
    return out.toByteArray();
  }

  private int schemaId(String subject) {
    Integer cached = idBySubject.get(subject);
    if (cached != null) {
      return cached;
    }
    int id;
    try {
      if (autoRegister) {
        id =
            published != null
                ? PublishedSchemas.register(registry, subject, published)
                : registry.register(subject, schema);
      } else {
        OptionalInt found =
            published != null
                ? PublishedSchemas.lookup(registry, subject, published)
                : registry.lookup(subject, schema);
        if (found.isEmpty()) {
          throw new SerializationException(
              "Schema "
                  + schema.getFullName()
                  + " is not registered under subject '"
                  + subject
                  + "' and "
                  + SerdeConfig.AUTO_REGISTER_SCHEMAS
                  + " is false: register it first.");
        }
        id = found.getAsInt();
      }
    } catch (SchemaRegistryException e) {
      throw new SerializationException(
          "Cannot get a schema id for subject '" + subject + "': " + e.getMessage(), e);
    }
    idBySubject.put(subject, id);
    return id;
  }
}
