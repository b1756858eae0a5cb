package dev.vigil.schemas.serde;

import dev.vigil.schemas.registry.CachingSchemaRegistryClient;
import dev.vigil.schemas.registry.HttpSchemaRegistryClient;
import dev.vigil.schemas.registry.MockSchemaRegistryClient;
import dev.vigil.schemas.registry.SchemaRegistryClient;
import dev.vigil.schemas.topic.AvroSerdeFactory;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * Makes {@link ConfluentAvroSerde} value serdes bound to one schema registry client and configured
 * from one config map ({@value SerdeConfig#AUTO_REGISTER_SCHEMAS}, {@value
 * SerdeConfig#MAX_RECORD_BYTES}).
 */
public final class RegistryAvroSerdeFactory implements AvroSerdeFactory {

  private final SchemaRegistryClient registry;
  private final Map<String, Object> config;

  /**
   * Creates the factory.
   *
   * @param registry the schema registry client shared by every serde, ideally a caching one
   * @param config serde config; unknown keys are ignored
   * @throws IllegalArgumentException naming the key if a value is malformed
   */
  public RegistryAvroSerdeFactory(SchemaRegistryClient registry, Map<String, ?> config) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.config = Map.copyOf(config);
    SerdeConfig.autoRegister(this.config);
    SerdeConfig.maxRecordBytes(this.config);
  }

  /**
   * A factory over a caching HTTP client built from Confluent-style keys ({@code
   * schema.registry.url}, {@code basic.auth.user.info}, ...; see {@link
   * HttpSchemaRegistryClient#fromConfig}) plus the serde keys; a {@code mock://scope} URL gives the
   * in-memory {@link MockSchemaRegistryClient} of that scope instead (tests).
   */
  public static RegistryAvroSerdeFactory fromConfig(Map<String, ?> config) {
    Object url = config.get("schema.registry.url");
    if (url != null && url.toString().startsWith(MockSchemaRegistryClient.SCHEME)) {
      return new RegistryAvroSerdeFactory(MockSchemaRegistryClient.forUrl(url.toString()), config);
    }
    return new RegistryAvroSerdeFactory(
        new CachingSchemaRegistryClient(HttpSchemaRegistryClient.fromConfig(config)), config);
  }

  /** The registry client the serdes use. */
  public SchemaRegistryClient registry() {
    return registry;
  }

  @Override
  public <T extends SpecificRecord> ConfluentAvroSerde<T> valueSerde(Class<T> type) {
    ConfluentAvroSerde<T> serde = new ConfluentAvroSerde<>(registry, type);
    serde.configure(config, false);
    return serde;
  }
}
