package dev.vigil.schemas.published;

import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One published {@code .avsc} file of Vigil's contracts, as shipped in {@code
 * schemas/src/main/avro}.
 *
 * @param fullName the full name of the type the file defines, e.g. {@code dev.vigil.schema.Geo}
 * @param text the file's text, exactly as published
 * @param references the full names of the common types the text names without defining them, in the
 *     order they are first used; each is registered under a subject of the same name
 * @param schema the schema with its references resolved
 */
public record PublishedSchema(
    String fullName, String text, List<String> references, Schema schema) {

  /** Validates and copies the components. */
  public PublishedSchema {
    Objects.requireNonNull(fullName, "fullName");
    Objects.requireNonNull(text, "text");
    references = List.copyOf(references);
    Objects.requireNonNull(schema, "schema");
  }
}
