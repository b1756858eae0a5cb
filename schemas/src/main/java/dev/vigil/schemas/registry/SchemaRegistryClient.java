package dev.vigil.schemas.registry;

import java.util.OptionalInt;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry REST API that Vigil's serdes and tools need. Every
 * method throws {@link SchemaRegistryException} when the registry refuses the request or cannot be
 * reached.
 */
public interface SchemaRegistryClient {

  /**
   * Registers a schema under a subject, or returns the id it already has there.
   *
   * @return the global schema id
   */
  int register(String subject, Schema schema);

  /** The schema with the given global id. */
  Schema schemaById(int id);

  /** The id of the schema if it is already registered under the subject, else empty. */
  OptionalInt lookup(String subject, Schema schema);

  /** The latest version registered under the subject. */
  RegisteredSchema latest(String subject);

  /**
   * Whether the schema could be registered under the subject given the subject's compatibility
   * level; a subject with no versions accepts any schema.
   */
  CompatibilityResult testCompatibility(String subject, Schema schema);
}
