package dev.vigil.app.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.app.ingest.MappingResult.Mapped;
import dev.vigil.app.ingest.MappingResult.Skipped;
import io.burt.jmespath.Expression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A declarative mapping from a source's JSON records to Vigil's typed signals, read from YAML (see
 * {@code docs/ingest.md} for the language). Immutable and thread-safe; {@link #map} never throws
 * for bad input, it returns a {@link Skipped} with a reason.
 */
public final class Mapping {

  /** Reason for a record that is not valid JSON. */
  public static final String BAD_JSON = "bad-json";

  /** Reason when no rule matches and the mapping names none. */
  public static final String UNSUPPORTED_RECORD = "unsupported-record";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP_KEYS =
      Set.of(
          "format",
          "description",
          "timezone",
          "null-values",
          "input",
          "tables",
          "base",
          "rules",
          "otherwise");
  private static final Set<String> RULE_KEYS =
      Set.of("id", "when", "signal", "fields", "key", "ignore", "reject");

  private final String name;
  private final String description;
  private final ZoneId zone;
  private final Set<String> nullValues;
  private final Expression<JsonNode> records;
  private final List<Normalize> normalize;
  private final List<Rule> rules;
  private final Skipped otherwise;

  private record Normalize(Expression<JsonNode> when, Expression<JsonNode> expression) {}

  private record Rule(
      String id,
      Expression<JsonNode> when,
      SignalType signal,
      Map<String, ValueSpec> fields,
      ValueSpec key,
      Skipped skip) {}

  private Mapping(
      String name,
      String description,
      ZoneId zone,
      Set<String> nullValues,
      Expression<JsonNode> records,
      List<Normalize> normalize,
      List<Rule> rules,
      Skipped otherwise) {
    this.name = name;
    this.description = description;
    this.zone = zone;
    this.nullValues = nullValues;
    this.records = records;
    this.normalize = normalize;
    this.rules = rules;
    this.otherwise = otherwise;
  }

  /** The format name, e.g. {@code windows-security}. */
  public String name() {
    return name;
  }

  /** One line on what the mapping reads. */
  public String description() {
    return description;
  }

  /** The zone of time stamps that carry none. */
  public ZoneId zone() {
    return zone;
  }

  /** The same mapping reading zoneless stamps in another zone. */
  public Mapping withZone(ZoneId newZone) {
    return new Mapping(
        name,
        description,
        Objects.requireNonNull(newZone, "zone"),
        nullValues,
        records,
        normalize,
        rules,
        otherwise);
  }

  /**
   * Loads a mapping file.
   *
   * @throws MappingException if the file cannot be read or is not a valid mapping
   */
  public static Mapping load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new MappingException("Cannot read mapping file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a mapping from YAML text.
   *
   * @param yaml the mapping
   * @param source where it came from, for error messages
   * @throws MappingException naming the first problem
   */
  public static Mapping parse(String yaml, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new MappingException(
          "Mapping " + source + " is not valid YAML: " + e.getOriginalMessage() + ".", e);
    }
    if (root == null || !root.isObject()) {
      throw new MappingException("Mapping " + source + " must be a YAML map with 'rules'.");
    }
    try {
      return parse(root, source);
    } catch (MappingException e) {
      throw new MappingException("Mapping " + source + ": " + e.getMessage(), e);
    }
  }

  private static Mapping parse(JsonNode root, String source) {
    unknownKeys(root, TOP_KEYS, "the top level");
    String name = root.path("format").asText(fileName(source));
    ZoneId zone = ZoneOffset.UTC;
    if (root.hasNonNull("timezone")) {
      try {
        zone = ZoneId.of(root.get("timezone").asText());
      } catch (DateTimeException e) {
        throw new MappingException("unknown time zone '" + root.get("timezone").asText() + "'.");
      }
    }
    Set<String> nullValues = new HashSet<>();
    root.path("null-values").forEach(n -> nullValues.add(n.asText()));
    Map<String, Map<String, JsonNode>> tables = new LinkedHashMap<>();
    root.path("tables")
        .properties()
        .iterator()
        .forEachRemaining(
            e -> tables.put(e.getKey(), ValueSpec.table(e.getValue(), "tables." + e.getKey())));

    JsonNode input = root.path("input");
    unknownKeys(input, Set.of("records", "normalize"), "input");
    Expression<JsonNode> records =
        input.hasNonNull("records")
            ? Expressions.compile(input.get("records").asText(), "input.records")
            : null;
    List<Normalize> normalize = new ArrayList<>();
    JsonNode ns = input.path("normalize");
    for (int i = 0; i < ns.size(); i++) {
      String w = "input.normalize[" + i + "]";
      JsonNode n = ns.get(i);
      if (!n.hasNonNull("expression")) {
        throw new MappingException(w + " needs an 'expression'.");
      }
      normalize.add(
          new Normalize(
              Expressions.compile(n.path("when").asText("`true`"), w + ".when"),
              Expressions.compile(n.get("expression").asText(), w + ".expression")));
    }

    Map<SignalType, Map<String, ValueSpec>> base = new EnumMap<>(SignalType.class);
    root.path("base")
        .properties()
        .iterator()
        .forEachRemaining(
            e -> {
              SignalType t = signal(e.getKey(), "base." + e.getKey());
              base.put(t, fields(e.getValue(), t, "base." + e.getKey(), tables));
            });

    JsonNode rs = root.path("rules");
    if (!rs.isArray() || rs.isEmpty()) {
      throw new MappingException("'rules' must be a non-empty list.");
    }
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < rs.size(); i++) {
      rules.add(rule(rs.get(i), i, base, tables));
    }
    Skipped otherwise = new Skipped(UNSUPPORTED_RECORD, false, "No rule matches the record.");
    if (root.has("otherwise")) {
      otherwise = skip(root.get("otherwise"), "otherwise");
      if (otherwise == null) {
        throw new MappingException("'otherwise' must have 'ignore' or 'reject' with a reason.");
      }
    }
    return new Mapping(
        name,
        root.path("description").asText(""),
        zone,
        Set.copyOf(nullValues),
        records,
        List.copyOf(normalize),
        List.copyOf(rules),
        otherwise);
  }

  private static Rule rule(
      JsonNode r,
      int i,
      Map<SignalType, Map<String, ValueSpec>> base,
      Map<String, Map<String, JsonNode>> tables) {
    String id = r.path("id").asText("rule " + (i + 1));
    String w = "rules[" + i + "] (" + id + ")";
    unknownKeys(r, RULE_KEYS, w);
    Expression<JsonNode> when = Expressions.compile(r.path("when").asText("`true`"), w + ".when");
    Skipped skip = skip(r, w);
    if (skip != null) {
      return new Rule(id, when, null, Map.of(), null, skip);
    }
    if (!r.hasNonNull("signal")) {
      throw new MappingException(
          w + " needs 'signal' (" + SignalType.ids() + ") or 'ignore'/'reject'.");
    }
    SignalType signal = signal(r.get("signal").asText(), w + ".signal");
    Map<String, ValueSpec> fields = new LinkedHashMap<>(base.getOrDefault(signal, Map.of()));
    Map<String, ValueSpec> own = fields(r.path("fields"), signal, w + ".fields", tables);
    fields.putAll(own);
    // An explicit null in a rule removes a base field.
    r.path("fields")
        .properties()
        .iterator()
        .forEachRemaining(
            e -> {
              if (e.getValue().isNull()) {
                fields.remove(e.getKey());
              }
            });
    ValueSpec key = r.has("key") ? ValueSpec.parse(r.get("key"), w + ".key", tables) : null;
    return new Rule(id, when, signal, Map.copyOf(fields), key, null);
  }

  private static Skipped skip(JsonNode r, String where) {
    if (r.hasNonNull("ignore") && r.hasNonNull("reject")) {
      throw new MappingException(where + " has both 'ignore' and 'reject'.");
    }
    if (r.hasNonNull("ignore")) {
      return new Skipped(r.get("ignore").asText(), false, "Ignored: " + r.get("ignore").asText());
    }
    if (r.hasNonNull("reject")) {
      return new Skipped(r.get("reject").asText(), true, "Rejected: " + r.get("reject").asText());
    }
    return null;
  }

  private static Map<String, ValueSpec> fields(
      JsonNode node, SignalType signal, String where, Map<String, Map<String, JsonNode>> tables) {
    Map<String, ValueSpec> out = new LinkedHashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new MappingException(where + " must be a map from signal field to value.");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (signal.schema().getField(e.getKey()) == null) {
        throw new MappingException(
            "unknown field '"
                + e.getKey()
                + "' at "
                + where
                + " for signal "
                + signal.id()
                + "; fields: "
                + String.join(
                    ", ", signal.schema().getFields().stream().map(Schema.Field::name).toList())
                + ".");
      }
      if (!e.getValue().isNull()) {
        out.put(e.getKey(), ValueSpec.parse(e.getValue(), where + "." + e.getKey(), tables));
      }
    }
    return out;
  }

  private static SignalType signal(String id, String where) {
    return SignalType.of(id)
        .orElseThrow(
            () ->
                new MappingException(
                    "unknown signal '"
                        + id
                        + "' at "
                        + where
                        + "; signals: "
                        + SignalType.ids()
                        + "."));
  }

  private static void unknownKeys(JsonNode node, Set<String> known, String where) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new MappingException(
            "unknown key '"
                + k
                + "' at "
                + where
                + "; known: "
                + String.join(", ", known.stream().sorted().toList())
                + ".");
      }
    }
  }

  private static String fileName(String source) {
    String f = Path.of(source).getFileName().toString();
    int dot = f.lastIndexOf('.');
    return dot > 0 ? f.substring(0, dot) : f;
  }

  /**
   * Maps one parsed document: split into records by {@code input.records} (and a top-level array),
   * then each record mapped.
   *
   * @param document the parsed JSON
   * @param raw the document's text, hashed into event ids when a record has no id; null to use the
   *     JSON rendering
   */
  public List<MappingResult> mapDocument(JsonNode document, String raw) {
    List<JsonNode> parts = new ArrayList<>();
    if (document.isArray()) {
      document.forEach(parts::add);
    } else {
      parts.add(document);
    }
    List<MappingResult> out = new ArrayList<>();
    for (JsonNode part : parts) {
      JsonNode split = null;
      if (records != null) {
        try {
          split = records.search(part);
        } catch (RuntimeException e) {
          split = null;
        }
      }
      if (split != null && split.isArray()) {
        split.forEach(r -> out.add(map(r, null)));
      } else {
        out.add(map(part, parts.size() == 1 ? raw : null));
      }
    }
    return out;
  }

  /**
   * Maps one record. Never throws for bad input.
   *
   * @param record the source record
   * @param raw its text as received, for the event-id hash; null to use the JSON rendering
   */
  public MappingResult map(JsonNode record, String raw) {
    try {
      return mapOrSkip(record, raw);
    } catch (ValueSpec.Skip s) {
      return new Skipped(s.reason, s.rejected, s.getMessage());
    } catch (RuntimeException e) {
      // A mapping that trips over an unexpected shape is a rejected record, not a crash.
      return new Skipped(
          "mapping-error", true, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private MappingResult mapOrSkip(JsonNode original, String raw) {
    if (original == null || !original.isObject()) {
      return new Skipped("not-an-object", true, "The record is not a JSON object.");
    }
    JsonNode record = original;
    for (Normalize n : normalize) {
      if (Expressions.isTruthy(n.when().search(record))) {
        JsonNode v = n.expression().search(record);
        if (v != null && v.isObject()) {
          record = v;
        }
      }
    }
    Context ctx = new Context(record, zone, nullValues);
    for (Rule rule : rules) {
      if (!Expressions.isTruthy(rule.when().search(record))) {
        continue;
      }
      if (rule.skip() != null) {
        return rule.skip();
      }
      return build(rule, ctx, raw != null ? raw : original.toString());
    }
    return otherwise;
  }

  private Mapped build(Rule rule, Context ctx, String raw) {
    SignalType type = rule.signal();
    SpecificRecordBase value = type.newRecord();
    for (Schema.Field f : type.schema().getFields()) {
      ValueSpec spec = rule.fields().get(f.name());
      JsonNode v = spec == null ? null : spec.evaluate(ctx);
      Object converted;
      if (v != null) {
        converted = AvroValues.convert(v, f.schema(), f.name(), spec.isTime(), zone);
      } else if (f.name().equals("eventId")) {
        converted = name + ":" + sha256(raw);
      } else if (f.hasDefaultValue()) {
        converted = SpecificData.get().getDefaultValue(f);
      } else {
        String label = spec == null ? f.name() : spec.label();
        throw new ValueSpec.Skip(
            "missing-field:" + label, true, "The record has no value for " + f.name() + ".");
      }
      value.put(f.pos(), converted);
    }
    String key;
    if (rule.key() != null) {
      JsonNode k = rule.key().evaluate(ctx);
      if (k == null) {
        throw new ValueSpec.Skip(
            "missing-field:" + rule.key().label(), true, "The record has no key.");
      }
      key = k.asText();
    } else {
      key = String.valueOf(value.get(type.keyField()));
    }
    return new Mapped(type, key, value);
  }

  private static String sha256(String raw) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Context(JsonNode record, ZoneId zone, Set<String> nullValues)
      implements ValueSpec.Context {
    @Override
    public JsonNode normalizeNull(JsonNode v) {
      if (v == null || v.isNull() || v.isMissingNode() || v instanceof NullNode) {
        return null;
      }
      if (v.isTextual() && nullValues.contains(v.asText().strip())) {
        return null;
      }
      return v;
    }
  }

  /** Reads a built-in mapping from the class path ({@code ingest/<format>.yaml}). */
  static Mapping resource(String format) {
    String path = "ingest/" + format + ".yaml";
    try (InputStream in = Mapping.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        return null;
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
    } catch (IOException e) {
      throw new MappingException("Cannot read built-in mapping " + path + ".", e);
    }
  }
}
