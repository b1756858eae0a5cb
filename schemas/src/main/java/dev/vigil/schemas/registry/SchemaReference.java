package dev.vigil.schemas.registry;

import java.util.Objects;

/**
 * One entry of a schema's Confluent {@code references} array: a named type the schema uses that is
 * registered under another subject.
 *
 * @param name the referenced type's full name, e.g. {@code dev.vigil.schema.Geo}
 * @param subject the subject the type is registered under
 * @param version the version of that subject; -1 means the latest
 */
public record SchemaReference(String name, String subject, int version) {

  /** Validates the components. */
  public SchemaReference {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subject, "subject");
  }
}
