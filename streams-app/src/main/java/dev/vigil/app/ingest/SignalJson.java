package dev.vigil.app.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.app.ingest.MappingResult.Mapped;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A stable, diffable JSON rendering of typed signals: fields in schema order, nulls and empty maps
 * left out, times as ISO-8601 instants, enums by symbol, map entries sorted by key.
 */
public final class SignalJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SignalJson() {}

  /** {@code {"signal": …, "key": …, "value": {…}}}. */
  public static ObjectNode of(Mapped mapped) {
    ObjectNode o = NODES.objectNode();
    o.put("signal", mapped.signal().id());
    o.put("key", mapped.key());
    o.set("value", record(mapped.value()));
    return o;
  }

  /** One record's fields. */
  public static ObjectNode record(SpecificRecordBase r) {
    ObjectNode o = NODES.objectNode();
    for (org.apache.avro.Schema.Field f : r.getSchema().getFields()) {
      JsonNode v = value(r.get(f.pos()));
      if (v != null) {
        o.set(f.name(), v);
      }
    }
    return o;
  }

  private static JsonNode value(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof SpecificRecordBase r) {
      ObjectNode o = record(r);
      return o.isEmpty() ? null : o;
    }
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        return null;
      }
      ObjectNode o = NODES.objectNode();
      new TreeMap<>(m).forEach((k, x) -> o.put(String.valueOf(k), String.valueOf(x)));
      return o;
    }
    if (v instanceof Instant i) {
      return NODES.textNode(i.toString());
    }
    if (v instanceof Enum<?> e) {
      return NODES.textNode(e.name());
    }
    if (v instanceof GenericEnumSymbol<?> e) {
      return NODES.textNode(e.toString());
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (v instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (v instanceof Double d) {
      return NODES.numberNode(d);
    }
    return NODES.textNode(v.toString());
  }
}
