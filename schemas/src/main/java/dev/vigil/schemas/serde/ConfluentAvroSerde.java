package dev.vigil.schemas.serde;

import dev.vigil.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * A {@link Serde} of generated Avro records in the Confluent wire format: a {@link
 * ConfluentAvroSerializer} and a {@link ConfluentAvroDeserializer} sharing one registry client.
 *
 * @param <T> the generated record class
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final ConfluentAvroSerializer<T> serializer;
  private final ConfluentAvroDeserializer<T> deserializer;

  /**
   * Creates a serde with default settings; call {@link #configure} to change them.
   *
   * @param registry the schema registry, ideally a caching one
   * @param type the generated record class
   */
  public ConfluentAvroSerde(SchemaRegistryClient registry, Class<T> type) {
    this.serializer = new ConfluentAvroSerializer<>(registry, type);
    this.deserializer = new ConfluentAvroDeserializer<>(registry, type);
  }

  /** Configures both halves; see {@link SerdeConfig} for the keys. */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  /** The serializer. */
  @Override
  public ConfluentAvroSerializer<T> serializer() {
    return serializer;
  }

  /** The deserializer. */
  @Override
  public ConfluentAvroDeserializer<T> deserializer() {
    return deserializer;
  }
}
