package dev.vigil.schemas.registry;

import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * A schema as sent to and stored by the registry: its text and the references its named types are
 * resolved with.
 *
 * @param schema the Avro schema text; named types not defined in it come from the references
 * @param references the referenced subjects and versions, in resolution order; empty if the text is
 *     self-contained
 */
public record SchemaText(String schema, List<SchemaReference> references) {

  /** Validates and copies the components. */
  public SchemaText {
    Objects.requireNonNull(schema, "schema");
    references = List.copyOf(references);
  }

  /** A self-contained schema, as its own {@link Schema#toString()} writes it. */
  public static SchemaText of(Schema schema) {
    return new SchemaText(schema.toString(), List.of());
  }
}
