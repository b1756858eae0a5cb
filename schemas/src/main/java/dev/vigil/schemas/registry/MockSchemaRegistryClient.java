package dev.vigil.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * An in-memory schema registry client for unit tests and topology tests, shared per scope like
 * Confluent's {@code mock://scope} URLs: {@code schema.registry.url=mock://tests} gives every serde
 * configured with that URL the same registry, without a server. Backward compatibility is checked
 * against the latest version, as the real registry's default does.
 */
public final class MockSchemaRegistryClient implements SchemaRegistryClient {

  /** URL scheme that selects this client in {@link HttpSchemaRegistryClient#fromConfig}. */
  public static final String SCHEME = "mock://";

  private static final Map<String, MockSchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<Schema, Integer> ids = new HashMap<>();
  private final Map<String, List<Integer>> subjects = new HashMap<>();

  /** A fresh, unshared registry. */
  public MockSchemaRegistryClient() {}

  /** The registry of a {@code mock://scope} URL, created on first use. */
  public static MockSchemaRegistryClient forUrl(String url) {
    return SCOPES.computeIfAbsent(url, u -> new MockSchemaRegistryClient());
  }

  @Override
  public synchronized int register(String subject, SchemaText text) {
    Schema schema = parse(text);
    OptionalInt existing = lookup(subject, schema);
    if (existing.isPresent()) {
      return existing.getAsInt();
    }
    CompatibilityResult compatibility = compatibility(subject, schema);
    if (!compatibility.compatible()) {
      throw new SchemaRegistryException(
          409,
          SchemaRegistryException.INCOMPATIBLE_SCHEMA,
          "Schema being registered is incompatible with an earlier schema for subject '"
              + subject
              + "': "
              + String.join("; ", compatibility.messages()));
    }
    int id =
        ids.computeIfAbsent(
            schema,
            s -> {
              int next = byId.size() + 1;
              byId.put(next, s);
              return next;
            });
    subjects.computeIfAbsent(subject, k -> new ArrayList<>()).add(id);
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw new SchemaRegistryException(
          404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found.");
    }
    return schema;
  }

  @Override
  public synchronized Optional<RegisteredSchema> find(String subject, SchemaText text) {
    Schema schema = parse(text);
    Integer id = ids.get(schema);
    List<Integer> versions = subjects.getOrDefault(subject, List.of());
    int at = id == null ? -1 : versions.indexOf(id);
    return at < 0
        ? Optional.empty()
        : Optional.of(new RegisteredSchema(subject, id, at + 1, schema));
  }

  @Override
  public synchronized RegisteredSchema version(String subject, int version) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null || version < 1 || version > versions.size()) {
      throw new SchemaRegistryException(
          404,
          SchemaRegistryException.VERSION_NOT_FOUND,
          "Version " + version + " of subject '" + subject + "' not found.");
    }
    int id = versions.get(version - 1);
    return new RegisteredSchema(subject, id, version, byId.get(id));
  }

  private Schema parse(SchemaText text) {
    Schema.Parser parser = new Schema.Parser();
    for (SchemaReference ref : text.references()) {
      parser.parse(version(ref.subject(), ref.version()).schema().toString());
    }
    return parser.parse(text.schema());
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new SchemaRegistryException(
          404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }
    int id = versions.get(versions.size() - 1);
    return new RegisteredSchema(subject, id, versions.size(), byId.get(id));
  }

  @Override
  public synchronized CompatibilityResult testCompatibility(String subject, SchemaText text) {
    return compatibility(subject, parse(text));
  }

  private CompatibilityResult compatibility(String subject, Schema schema) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      return CompatibilityResult.ok();
    }
    return AvroCompatibility.canRead(schema, byId.get(versions.get(versions.size() - 1)));
  }
}
