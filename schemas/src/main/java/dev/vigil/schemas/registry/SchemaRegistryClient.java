package dev.vigil.schemas.registry;

import java.util.Optional;
import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry REST API that Vigil's serdes and tools need, with
 * schema references. Schemas returned are resolved: named types from references are part of them.
 * Every method throws {@link SchemaRegistryException} when the registry refuses the request or
 * cannot be reached.
 */
public interface SchemaRegistryClient {

  /**
   * Registers a schema with its references under a subject, or returns the id it already has there.
   *
   * @return the global schema id
   */
  int register(String subject, SchemaText schema);

  /** Registers a self-contained schema; see {@link #register(String, SchemaText)}. */
  default int register(String subject, Schema schema) {
    return register(subject, SchemaText.of(schema));
  }

  /** The schema with the given global id, its references resolved. */
  Schema schemaById(int id);

  /**
   * The version of the subject that holds this schema (text and references), if any.
   *
   * @return empty if the subject does not exist or does not hold the schema
   */
  Optional<RegisteredSchema> find(String subject, SchemaText schema);

  /** The id of the schema if it is already registered under the subject, else empty. */
  default OptionalInt lookup(String subject, SchemaText schema) {
    return find(subject, schema)
        .map(found -> OptionalInt.of(found.id()))
        .orElse(OptionalInt.empty());
  }

  /** The id of a self-contained schema if registered under the subject, else empty. */
  default OptionalInt lookup(String subject, Schema schema) {
    return lookup(subject, SchemaText.of(schema));
  }

  /** The latest version registered under the subject. */
  RegisteredSchema latest(String subject);

  /** One version of the subject. */
  RegisteredSchema version(String subject, int version);

  /**
   * Whether the schema could be registered under the subject given the subject's compatibility
   * level; a subject with no versions accepts any schema.
   */
  CompatibilityResult testCompatibility(String subject, SchemaText schema);

  /** Checks a self-contained schema; see {@link #testCompatibility(String, SchemaText)}. */
  default CompatibilityResult testCompatibility(String subject, Schema schema) {
    return testCompatibility(subject, SchemaText.of(schema));
  }
}
