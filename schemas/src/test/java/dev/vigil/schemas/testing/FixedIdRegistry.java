package dev.vigil.schemas.testing;

import dev.vigil.schemas.registry.CompatibilityResult;
import dev.vigil.schemas.registry.RegisteredSchema;
import dev.vigil.schemas.registry.SchemaRegistryClient;
import dev.vigil.schemas.registry.SchemaRegistryException;
import dev.vigil.schemas.registry.SchemaText;
import java.util.Optional;
import org.apache.avro.Schema;

/** A registry that knows one schema under one fixed id, for byte-level tests. */
public final class FixedIdRegistry implements SchemaRegistryClient {

  private final int id;
  private final Schema schema;

  /** Knows {@code schema} as {@code id}. */
  public FixedIdRegistry(int id, Schema schema) {
    this.id = id;
    this.schema = schema;
  }

  @Override
  public int register(String subject, SchemaText schema) {
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    if (id != this.id) {
      throw new SchemaRegistryException(404, 40403, "Schema " + id + " not found.");
    }
    return schema;
  }

  @Override
  public Optional<RegisteredSchema> find(String subject, SchemaText schema) {
    return Optional.of(new RegisteredSchema(subject, id, 1, this.schema));
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return new RegisteredSchema(subject, id, 1, schema);
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    return new RegisteredSchema(subject, id, version, schema);
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, SchemaText schema) {
    return CompatibilityResult.ok();
  }
}
