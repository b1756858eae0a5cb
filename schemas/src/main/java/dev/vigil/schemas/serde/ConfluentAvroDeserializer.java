package dev.vigil.schemas.serde;

import dev.vigil.schemas.registry.AvroCompatibility;
import dev.vigil.schemas.registry.CompatibilityResult;
import dev.vigil.schemas.registry.SchemaRegistryClient;
import dev.vigil.schemas.registry.SchemaRegistryException;
import dev.vigil.schemas.serde.RecordRejectedException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes the Confluent wire format into generated Avro records. The writer schema is fetched
 * by the id in the record, once per id, and resolved to the generated class's schema (the reader),
 * with the class's own {@link SpecificData} so logical types such as {@code timestamp-millis}
 * become {@link java.time.Instant}. {@code null} bytes deserialize to {@code null}.
 *
 * <p>Bytes that can never be read raise {@link RecordRejectedException} with a {@link Reason}; a
 * registry that cannot be reached raises a plain {@link SerializationException}, since a retry may
 * succeed. Thread-safe.
 *
 * @param <T> the generated record class
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  /** Either a reader for a writer schema or the reason there is none. */
  private record Resolution<T>(SpecificDatumReader<T> reader, String incompatibility) {}

  private final SchemaRegistryClient registry;
  private final Class<T> type;
  private final SpecificData model;
  private final Schema readerSchema;
  private final Map<Integer, Resolution<T>> resolutions = new ConcurrentHashMap<>();
  private volatile int maxRecordBytes = SerdeConfig.DEFAULT_MAX_RECORD_BYTES;

  /**
   * Creates a deserializer for one generated class; call {@link #configure} to change the defaults.
   *
   * @param registry the schema registry, ideally a caching one
   * @param type the generated record class
   */
  public ConfluentAvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.type = Objects.requireNonNull(type, "type");
    this.model = SpecificData.getForClass(type);
    this.readerSchema = model.getSchema(type);
  }

  /**
   * Reads {@value SerdeConfig#MAX_RECORD_BYTES}; other keys are ignored.
   *
   * @throws IllegalArgumentException naming the key if a value is malformed
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.maxRecordBytes = SerdeConfig.maxRecordBytes(configs);
  }

  /** The reader schema, the generated class's own. */
  public Schema schema() {
    return readerSchema;
  }

  /**
   * Deserializes a record.
   *
   * @throws RecordRejectedException if the bytes can never be read as a {@code T}
   * @throws SerializationException if the schema registry cannot be asked right now
   */
  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length > maxRecordBytes) {
      throw new RecordRejectedException(
          Reason.OVERSIZED,
          topic,
          "Record on topic '"
              + topic
              + "' is "
              + data.length
              + " bytes, over the limit of "
              + maxRecordBytes
              + " set by "
              + SerdeConfig.MAX_RECORD_BYTES
              + ".");
    }
    if (data.length < WireFormat.HEADER_SIZE) {
      throw new RecordRejectedException(
          Reason.MALFORMED,
          topic,
          "Record on topic '"
              + topic
              + "' is truncated: "
              + data.length
              + " bytes is shorter than the 5-byte wire-format header.");
    }
    if (data[0] != WireFormat.MAGIC_BYTE) {
      throw new RecordRejectedException(
          Reason.MALFORMED,
          topic,
          String.format(
              "Record on topic '%s' starts with magic byte 0x%02X instead of 0x00, so it is not in"
                  + " the Confluent wire format.",
              topic, data[0] & 0xFF));
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    Resolution<T> resolution = resolve(topic, id);
    if (resolution.reader() == null) {
      throw new RecordRejectedException(
          Reason.INCOMPATIBLE_SCHEMA,
          topic,
          "Record on topic '"
              + topic
              + "' was written with schema id "
              + id
              + ", which cannot be read as "
              + readerSchema.getFullName()
              + ": "
              + resolution.incompatibility()
              + ".");
    }
    try {
      BinaryDecoder decoder =
          DecoderFactory.get()
              .binaryDecoder(
                  data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
      T value = resolution.reader().read(null, decoder);
      if (!decoder.isEnd()) {
        throw new IOException("trailing bytes after the record");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      throw new RecordRejectedException(
          Reason.MALFORMED,
          topic,
          "Record on topic '"
              + topic
              + "' with schema id "
              + id
              + " cannot be decoded as "
              + readerSchema.getFullName()
              + " (truncated or corrupt): "
              + e
              + ".",
          e);
    }
  }

  private Resolution<T> resolve(String topic, int id) {
    Resolution<T> cached = resolutions.get(id);
    if (cached != null) {
      return cached;
    }
    Schema writerSchema;
    try {
      writerSchema = registry.schemaById(id);
    } catch (SchemaRegistryException e) {
      if (e.isNotFound()) {
        throw new RecordRejectedException(
            Reason.UNKNOWN_SCHEMA,
            topic,
            "Record on topic '"
                + topic
                + "' names schema id "
                + id
                + ", which the schema registry does not know.",
            e);
      }
      throw new SerializationException(
          "Cannot fetch schema id " + id + " for topic '" + topic + "': " + e.getMessage(), e);
    }
    CompatibilityResult compatibility = AvroCompatibility.canRead(readerSchema, writerSchema);
    Resolution<T> resolution =
        compatibility.compatible()
            ? new Resolution<>(new SpecificDatumReader<>(writerSchema, readerSchema, model), null)
            : new Resolution<>(null, String.join("; ", compatibility.messages()));
    Resolution<T> raced = resolutions.putIfAbsent(id, resolution);
    return raced != null ? raced : resolution;
  }

  @Override
  public String toString() {
    return "ConfluentAvroDeserializer[" + type.getName() + "]";
  }
}
