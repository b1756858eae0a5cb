package dev.vigil.app.topology;

import dev.vigil.schemas.registry.CompatibilityResult;
import dev.vigil.schemas.registry.RegisteredSchema;
import dev.vigil.schemas.registry.SchemaReference;
import dev.vigil.schemas.registry.SchemaRegistryClient;
import dev.vigil.schemas.registry.SchemaRegistryException;
import dev.vigil.schemas.registry.SchemaText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A schema registry client that keeps everything in memory, for topology tests that need serdes but
 * no registry server: ids per distinct schema, versions per subject, references resolved, no
 * compatibility rules. Thread-safe.
 */
final class MemorySchemaRegistry implements SchemaRegistryClient {

  private final Map<SchemaText, Integer> ids = new HashMap<>();
  private final Map<Integer, Schema> schemas = new HashMap<>();
  private final Map<String, List<RegisteredSchema>> subjects = new HashMap<>();

  @Override
  public synchronized int register(String subject, SchemaText schema) {
    Optional<RegisteredSchema> found = find(subject, schema);
    if (found.isPresent()) {
      return found.get().id();
    }
    Schema resolved = resolve(schema);
    int id = ids.computeIfAbsent(schema, s -> ids.size() + 1);
    schemas.putIfAbsent(id, resolved);
    List<RegisteredSchema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    versions.add(new RegisteredSchema(subject, id, versions.size() + 1, resolved));
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemas.get(id);
    if (schema == null) {
      throw new SchemaRegistryException(404, 40403, "Schema " + id + " not found.");
    }
    return schema;
  }

  @Override
  public synchronized Optional<RegisteredSchema> find(String subject, SchemaText schema) {
    Integer id = ids.get(schema);
    return subjects.getOrDefault(subject, List.of()).stream()
        .filter(v -> id != null && v.id() == id)
        .findFirst();
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<RegisteredSchema> versions = versions(subject);
    return versions.get(versions.size() - 1);
  }

  @Override
  public synchronized RegisteredSchema version(String subject, int version) {
    List<RegisteredSchema> versions = versions(subject);
    if (version < 1 || version > versions.size()) {
      throw new SchemaRegistryException(404, 40402, "Version " + version + " not found.");
    }
    return versions.get(version - 1);
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, SchemaText schema) {
    return CompatibilityResult.ok();
  }

  private List<RegisteredSchema> versions(String subject) {
    List<RegisteredSchema> versions = subjects.get(subject);
    if (versions == null) {
      throw new SchemaRegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }
    return versions;
  }

  private Schema resolve(SchemaText schema) {
    Schema.Parser parser = new Schema.Parser();
    for (SchemaReference reference : schema.references()) {
      parser.addTypes(List.of(version(reference.subject(), reference.version()).schema()));
    }
    return parser.parse(schema.schema());
  }
}
