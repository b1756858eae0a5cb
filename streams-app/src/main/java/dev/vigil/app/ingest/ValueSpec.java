package dev.vigil.app.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burt.jmespath.Expression;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one signal field gets its value from a source record: a JMESPath path, a constant, the first
 * non-null of several, a concatenation, conditional cases or nested fields, then optional steps
 * (null-if, extract, case, scale, table, time, default, required) in that order.
 */
final class ValueSpec {

  /** The keys that make an object a value spec rather than nested fields. */
  static final Set<String> KEYS =
      Set.of(
          "path",
          "const",
          "first",
          "concat",
          "separator",
          "cases",
          "else",
          "fields",
          "null-if",
          "extract",
          "case",
          "scale",
          "table",
          "keep-unmapped",
          "time",
          "zone",
          "default",
          "required",
          "name");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String label;
  private final Expression<JsonNode> path;
  private final JsonNode constant;
  private final List<ValueSpec> first;
  private final List<ValueSpec> concat;
  private final String separator;
  private final List<Case> cases;
  private final ValueSpec otherwise;
  private final Map<String, ValueSpec> fields;
  private final Set<String> nullIf;
  private final Pattern extract;
  private final String letterCase;
  private final BigDecimal scale;
  private final Map<String, JsonNode> table;
  private final boolean keepUnmapped;
  private final TimeFormat time;
  private final ZoneId zone;
  private final JsonNode defaultValue;
  private final boolean required;

  private record Case(Expression<JsonNode> when, ValueSpec value) {}

  private ValueSpec(Builder b) {
    label = b.label;
    path = b.path;
    constant = b.constant;
    first = b.first;
    concat = b.concat;
    separator = b.separator;
    cases = b.cases;
    otherwise = b.otherwise;
    fields = b.fields;
    nullIf = b.nullIf;
    extract = b.extract;
    letterCase = b.letterCase;
    scale = b.scale;
    table = b.table;
    keepUnmapped = b.keepUnmapped;
    time = b.time;
    zone = b.zone;
    defaultValue = b.defaultValue;
    required = b.required;
  }

  /** Whether this spec produces a time (epoch millis) rather than a raw value. */
  boolean isTime() {
    return time != null;
  }

  /** The label used in {@code missing-field:} reasons: the source path or the given name. */
  String label() {
    return label;
  }

  /**
   * Evaluates the spec against a record.
   *
   * @return the value, or null
   * @throws Skip when a required value is absent or a time does not parse
   */
  JsonNode evaluate(Context ctx) {
    JsonNode v = base(ctx);
    if (v != null && nullIf != null && v.isValueNode() && nullIf.contains(v.asText())) {
      v = null;
    }
    if (v != null && extract != null) {
      Matcher m = extract.matcher(v.asText());
      v = m.find() ? NODES.textNode(m.groupCount() > 0 ? m.group(1) : m.group()) : null;
    }
    if (v != null && letterCase != null && v.isTextual()) {
      v =
          NODES.textNode(
              "lower".equals(letterCase)
                  ? v.asText().toLowerCase(Locale.ROOT)
                  : v.asText().toUpperCase(Locale.ROOT));
    }
    if (v != null && scale != null) {
      try {
        BigDecimal n = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().strip());
        v = NODES.numberNode(n.multiply(scale));
      } catch (NumberFormatException e) {
        throw new Skip("bad-value:" + label, true, "'" + v.asText() + "' is not a number");
      }
    }
    if (v != null && table != null) {
      JsonNode mapped = table.get(tableKey(v));
      v = mapped != null ? (mapped.isNull() ? null : mapped) : keepUnmapped ? v : null;
    }
    if (v != null && time != null) {
      try {
        v = NODES.numberNode(time.parse(v, zone != null ? zone : ctx.zone()).toEpochMilli());
      } catch (DateTimeException | ArithmeticException e) {
        throw new Skip(
            "bad-timestamp", true, "'" + v.asText() + "' is not a " + time.name() + " time");
      }
    }
    if (v == null && defaultValue != null) {
      v = defaultValue;
    }
    if (v == null && required) {
      throw new Skip("missing-field:" + label, true, "The record has no " + label + ".");
    }
    return v;
  }

  private JsonNode base(Context ctx) {
    if (constant != null) {
      return constant;
    }
    if (path != null) {
      return ctx.normalizeNull(path.search(ctx.record()));
    }
    if (first != null) {
      for (ValueSpec s : first) {
        JsonNode v = s.evaluate(ctx);
        if (v != null) {
          return v;
        }
      }
      return null;
    }
    if (concat != null) {
      List<String> parts = new ArrayList<>();
      for (ValueSpec s : concat) {
        JsonNode v = s.evaluate(ctx);
        if (v != null) {
          parts.add(v.asText());
        }
      }
      return parts.isEmpty() ? null : NODES.textNode(String.join(separator, parts));
    }
    if (cases != null) {
      for (Case c : cases) {
        if (Expressions.isTruthy(c.when().search(ctx.record()))) {
          return c.value().evaluate(ctx);
        }
      }
      return otherwise == null ? null : otherwise.evaluate(ctx);
    }
    if (fields != null) {
      ObjectNode out = NODES.objectNode();
      fields.forEach(
          (name, spec) -> {
            JsonNode v = spec.evaluate(ctx);
            if (v != null) {
              out.set(name, v);
            }
          });
      return out.isEmpty() ? null : out;
    }
    return null;
  }

  private static String tableKey(JsonNode v) {
    return v.asText().strip().toLowerCase(Locale.ROOT);
  }

  /** A table as read from YAML: keys compared case-insensitively. */
  static Map<String, JsonNode> table(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new MappingException("The table at " + where + " must be a map of values.");
    }
    Map<String, JsonNode> t = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      t.put(e.getKey().strip().toLowerCase(Locale.ROOT), e.getValue());
    }
    return t;
  }

  /**
   * Parses a spec from YAML.
   *
   * @param node a string (a JMESPath path), a number or boolean (a constant), or an object
   * @param where where it sits in the mapping file, for errors
   * @param tables the mapping's named tables
   */
  static ValueSpec parse(JsonNode node, String where, Map<String, Map<String, JsonNode>> tables) {
    Builder b = new Builder();
    if (node == null || node.isNull()) {
      b.constant = null;
      b.label = where;
      return new ValueSpec(b);
    }
    if (node.isTextual()) {
      b.path = Expressions.compile(node.asText(), where);
      b.label = label(node.asText());
      return new ValueSpec(b);
    }
    if (node.isValueNode()) {
      b.constant = node;
      b.label = where;
      return new ValueSpec(b);
    }
    if (node.isArray()) {
      throw new MappingException(
          "The value at " + where + " is a list; use 'first:' or 'concat:' to combine values.");
    }
    boolean isSpec = false;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      if (KEYS.contains(it.next())) {
        isSpec = true;
      }
    }
    if (!isSpec) {
      b.fields = nested(node, where, tables);
      b.label = where;
      return new ValueSpec(b);
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new MappingException(
            "Unknown key '"
                + key
                + "' at "
                + where
                + "; known keys: "
                + String.join(", ", KEYS.stream().sorted().toList())
                + ".");
      }
    }
    int sources = 0;
    if (node.has("path")) {
      sources++;
      b.path = Expressions.compile(node.get("path").asText(), where + ".path");
      b.label = label(node.get("path").asText());
    }
    if (node.has("const")) {
      sources++;
      b.constant = node.get("const").isNull() ? null : node.get("const");
      b.label = where;
    }
    if (node.has("first")) {
      sources++;
      b.first = list(node.get("first"), where + ".first", tables);
      b.label = String.join("|", b.first.stream().map(ValueSpec::label).toList());
    }
    if (node.has("concat")) {
      sources++;
      b.concat = list(node.get("concat"), where + ".concat", tables);
      b.separator = node.has("separator") ? node.get("separator").asText() : "";
      b.label = where;
    }
    if (node.has("cases")) {
      sources++;
      b.cases = new ArrayList<>();
      JsonNode cs = node.get("cases");
      if (!cs.isArray()) {
        throw new MappingException(
            "'cases' at " + where + " must be a list of {when, then} or {when, value}.");
      }
      for (int i = 0; i < cs.size(); i++) {
        JsonNode c = cs.get(i);
        String w = where + ".cases[" + i + "]";
        if (!c.has("when") || c.has("value") == c.has("then")) {
          throw new MappingException(
              "Each case at " + w + " needs 'when' and either 'then' (a constant) or 'value'.");
        }
        ValueSpec value;
        if (c.has("then")) {
          Builder cb = new Builder();
          cb.constant = c.get("then").isNull() ? null : c.get("then");
          cb.label = w;
          value = new ValueSpec(cb);
        } else {
          value = parse(c.get("value"), w + ".value", tables);
        }
        b.cases.add(new Case(Expressions.compile(c.get("when").asText(), w + ".when"), value));
      }
      if (node.has("else")) {
        b.otherwise = parse(node.get("else"), where + ".else", tables);
      }
      b.label = where;
    }
    if (node.has("fields")) {
      sources++;
      b.fields = nested(node.get("fields"), where + ".fields", tables);
      b.label = where;
    }
    if (sources > 1) {
      throw new MappingException(
          "The value at "
              + where
              + " has more than one of path, const, first, concat, cases, fields.");
    }
    if (node.has("name")) {
      b.label = node.get("name").asText();
    }
    if (b.label == null) {
      b.label = where;
    }
    if (node.has("null-if")) {
      b.nullIf = new java.util.HashSet<>();
      node.get("null-if").forEach(n -> b.nullIf.add(n.asText()));
      if (node.get("null-if").isValueNode()) {
        b.nullIf.add(node.get("null-if").asText());
      }
    }
    if (node.has("extract")) {
      try {
        b.extract = Pattern.compile(node.get("extract").asText());
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new MappingException("Invalid regular expression in 'extract' at " + where + ".", e);
      }
    }
    if (node.has("case")) {
      b.letterCase = node.get("case").asText();
      if (!Set.of("lower", "upper").contains(b.letterCase)) {
        throw new MappingException("'case' at " + where + " must be lower or upper.");
      }
    }
    if (node.has("scale")) {
      b.scale = node.get("scale").decimalValue();
    }
    if (node.has("table")) {
      JsonNode t = node.get("table");
      if (t.isTextual()) {
        b.table = tables.get(t.asText());
        if (b.table == null) {
          throw new MappingException(
              "Unknown table '" + t.asText() + "' at " + where + "; declare it under 'tables'.");
        }
      } else {
        b.table = table(t, where + ".table");
      }
      b.keepUnmapped = node.path("keep-unmapped").asBoolean(false);
    }
    if (node.has("time")) {
      b.time = TimeFormat.of(node.get("time").asText());
    }
    if (node.has("zone")) {
      try {
        b.zone = ZoneId.of(node.get("zone").asText());
      } catch (DateTimeException e) {
        throw new MappingException(
            "Unknown time zone '" + node.get("zone").asText() + "' at " + where + ".");
      }
    }
    if (node.has("default")) {
      b.defaultValue = node.get("default").isNull() ? null : node.get("default");
    }
    b.required = node.path("required").asBoolean(false);
    return new ValueSpec(b);
  }

  private static Map<String, ValueSpec> nested(
      JsonNode node, String where, Map<String, Map<String, JsonNode>> tables) {
    if (!node.isObject()) {
      throw new MappingException("'fields' at " + where + " must be a map of field specs.");
    }
    Map<String, ValueSpec> out = new LinkedHashMap<>();
    node.properties()
        .iterator()
        .forEachRemaining(
            e -> out.put(e.getKey(), parse(e.getValue(), where + "." + e.getKey(), tables)));
    return out;
  }

  private static List<ValueSpec> list(
      JsonNode node, String where, Map<String, Map<String, JsonNode>> tables) {
    if (!node.isArray()) {
      throw new MappingException("The value of " + where + " must be a list.");
    }
    List<ValueSpec> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(parse(node.get(i), where + "[" + i + "]", tables));
    }
    return out;
  }

  /** A path as people know the source field: {@code "@timestamp"} becomes {@code @timestamp}. */
  private static String label(String path) {
    String p = path.strip();
    if (p.matches("\"[^\"]+\"")) {
      return p.substring(1, p.length() - 1);
    }
    return p;
  }

  private static final class Builder {
    String label;
    Expression<JsonNode> path;
    JsonNode constant;
    List<ValueSpec> first;
    List<ValueSpec> concat;
    String separator;
    List<Case> cases;
    ValueSpec otherwise;
    Map<String, ValueSpec> fields;
    Set<String> nullIf;
    Pattern extract;
    String letterCase;
    BigDecimal scale;
    Map<String, JsonNode> table;
    boolean keepUnmapped;
    TimeFormat time;
    ZoneId zone;
    JsonNode defaultValue;
    boolean required;
  }

  /** The record being mapped and the mapping-wide settings a spec needs. */
  interface Context {
    /** The source record. */
    JsonNode record();

    /** Zone of stamps without one. */
    ZoneId zone();

    /** Null for JSON null, missing and the mapping's null values (e.g. "-"). */
    JsonNode normalizeNull(JsonNode v);
  }

  /** Control flow out of a spec: the record is skipped with this reason. */
  static final class Skip extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String reason;
    final boolean rejected;

    Skip(String reason, boolean rejected, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
      this.rejected = rejected;
    }
  }
}
