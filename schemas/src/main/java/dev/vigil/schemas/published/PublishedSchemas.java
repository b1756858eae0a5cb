package dev.vigil.schemas.published;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.schemas.registry.RegisteredSchema;
import dev.vigil.schemas.registry.SchemaReference;
import dev.vigil.schemas.registry.SchemaRegistryClient;
import dev.vigil.schemas.registry.SchemaText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The published {@code .avsc} files and how they are registered as published, with Confluent schema
 * references: each common type (the files under {@code common/}) is registered under a subject
 * named by its full name, e.g. {@code dev.vigil.schema.Geo}, and a schema that uses it references
 * that subject. A producer that registers or looks up the same files with the same references gets
 * the same schema id as Vigil's serde.
 */
public final class PublishedSchemas {

  /** The namespace of every published type. */
  public static final String NAMESPACE = "dev.vigil.schema";

  /** The common types, each under {@code common/}, in an order where no type uses a later one. */
  private static final List<String> COMMON =
      List.of(
          "SubjectType",
          "Criticality",
          "RiskLevel",
          "EnforcementAction",
          "DecisionMode",
          "Geo",
          "UserAgent",
          "Contribution");

  private static final Set<String> PRIMITIVES =
      Set.of("null", "boolean", "int", "long", "float", "double", "bytes", "string");
  private static final String ROOT = "/dev/vigil/schemas/published/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Optional<PublishedSchema>> CACHE = new ConcurrentHashMap<>();

  private PublishedSchemas() {}

  /** The full names of the common types, each registered under a subject of the same name. */
  public static List<String> commonTypes() {
    return COMMON.stream().map(name -> NAMESPACE + "." + name).toList();
  }

  /**
   * The published file that defines a type, a record of a topic or a common type.
   *
   * @param fullName e.g. {@code dev.vigil.schema.LoginEvent}
   * @return empty if no published file defines it
   */
  public static Optional<PublishedSchema> forType(String fullName) {
    Optional<PublishedSchema> cached = CACHE.get(fullName);
    if (cached != null) {
      return cached;
    }
    Optional<PublishedSchema> loaded = load(fullName);
    CACHE.put(fullName, loaded);
    return loaded;
  }

  /**
   * Registers a published schema under a subject as published: first the common types it uses, each
   * under its own subject, then the schema with references to them.
   *
   * @return the schema id
   */
  public static int register(SchemaRegistryClient client, String subject, PublishedSchema schema) {
    return client.register(subject, text(client, schema, true).orElseThrow());
  }

  /**
   * The id of a published schema under a subject, looked up as published (with references).
   *
   * @return empty if the schema or one of the common types it uses is not registered
   */
  public static OptionalInt lookup(
      SchemaRegistryClient client, String subject, PublishedSchema schema) {
    Optional<SchemaText> text = text(client, schema, false);
    return text.isEmpty() ? OptionalInt.empty() : client.lookup(subject, text.get());
  }

  /**
   * The schema as sent to the registry: its published text and references to the versions of the
   * common types' subjects that hold them, registering those when {@code register} is true.
   *
   * @return empty if not registering and a common type is not registered
   */
  public static Optional<SchemaText> text(
      SchemaRegistryClient client, PublishedSchema schema, boolean register) {
    List<SchemaReference> references = new ArrayList<>();
    for (String name : schema.references()) {
      PublishedSchema common = forType(name).orElseThrow();
      Optional<SchemaText> commonText = text(client, common, register);
      if (commonText.isEmpty()) {
        return Optional.empty();
      }
      if (register) {
        client.register(name, commonText.get());
      }
      Optional<RegisteredSchema> found = client.find(name, commonText.get());
      if (found.isEmpty()) {
        return Optional.empty();
      }
      references.add(new SchemaReference(name, name, found.get().version()));
    }
    return Optional.of(new SchemaText(schema.text(), references));
  }

  private static Optional<PublishedSchema> load(String fullName) {
    if (!fullName.startsWith(NAMESPACE + ".")) {
      return Optional.empty();
    }
    String name = fullName.substring(NAMESPACE.length() + 1);
    String text = read(ROOT + (COMMON.contains(name) ? "common/" : "") + name + ".avsc");
    if (text == null) {
      return Optional.empty();
    }
    JsonNode json;
    try {
      json = JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("Published schema " + name + ".avsc is not JSON: " + e, e);
    }
    Set<String> named = new LinkedHashSet<>();
    collectNames(json, "", named);
    List<String> references =
        named.stream().filter(n -> !n.equals(fullName) && isCommon(n)).toList();
    Schema.Parser parser = new Schema.Parser();
    Set<String> parsed = new LinkedHashSet<>();
    for (String reference : references) {
      addWithDependencies(parser, reference, parsed);
    }
    Schema schema = parser.parse(text);
    if (!schema.getFullName().equals(fullName)) {
      return Optional.empty();
    }
    return Optional.of(new PublishedSchema(fullName, text, references, schema));
  }

  private static void addWithDependencies(Schema.Parser parser, String name, Set<String> parsed) {
    if (parsed.contains(name)) {
      return;
    }
    PublishedSchema common = forType(name).orElseThrow();
    for (String dependency : common.references()) {
      addWithDependencies(parser, dependency, parsed);
    }
    parser.parse(common.text());
    parsed.add(name);
  }

  private static boolean isCommon(String fullName) {
    return fullName.startsWith(NAMESPACE + ".")
        && COMMON.contains(fullName.substring(NAMESPACE.length() + 1));
  }

  /** Collects the full names of the named types a schema refers to by name. */
  private static void collectNames(JsonNode node, String namespace, Set<String> names) {
    if (node.isTextual()) {
      String name = node.asText();
      if (!PRIMITIVES.contains(name)) {
        names.add(name.contains(".") || namespace.isEmpty() ? name : namespace + "." + name);
      }
    } else if (node.isArray()) {
      node.forEach(branch -> collectNames(branch, namespace, names));
    } else if (node.isObject()) {
      JsonNode type = node.path("type");
      String kind = type.isTextual() ? type.asText() : "";
      String inner = namespace;
      if (node.hasNonNull("namespace")) {
        inner = node.get("namespace").asText();
      } else if (node.path("name").asText("").contains(".")) {
        String full = node.get("name").asText();
        inner = full.substring(0, full.lastIndexOf('.'));
      }
      switch (kind) {
        case "record", "error" -> {
          for (JsonNode field : node.path("fields")) {
            collectNames(field.path("type"), inner, names);
          }
        }
        case "array" -> collectNames(node.path("items"), namespace, names);
        case "map" -> collectNames(node.path("values"), namespace, names);
        case "enum", "fixed" -> {
          // defines a type and names none
        }
        default -> collectNames(type, namespace, names);
      }
    }
  }

  private static String read(String resource) {
    try (InputStream in = PublishedSchemas.class.getResourceAsStream(resource)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the published schema " + resource, e);
    }
  }
}
