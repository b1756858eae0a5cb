package dev.vigil.app.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/** Converts mapped JSON values to the Java types of the generated Avro classes, by schema. */
final class AvroValues {

  private static final TimeFormat AUTO = TimeFormat.of("auto");

  private AvroValues() {}

  /**
   * The value for a field of the given schema.
   *
   * @param v the mapped value, not null
   * @param schema the field's schema (a nullable union is unwrapped)
   * @param field the field name, for the reason
   * @param timeSpec whether the value is already epoch millis from a {@code time:} step
   * @throws ValueSpec.Skip {@code bad-value:<field>} or {@code bad-timestamp}
   */
  static Object convert(
      JsonNode v, Schema schema, String field, boolean timeSpec, java.time.ZoneId zone) {
    Schema s = nonNull(schema);
    try {
      switch (s.getType()) {
        case STRING:
          return v.isValueNode() ? v.asText() : v.toString();
        case INT:
          return whole(number(v)).intValueExact();
        case LONG:
          if (s.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
            return timeSpec && v.isNumber() ? Instant.ofEpochMilli(v.asLong()) : time(v, zone);
          }
          return whole(number(v)).longValueExact();
        case DOUBLE:
          return number(v).doubleValue();
        case FLOAT:
          return number(v).floatValue();
        case BOOLEAN:
          return bool(v, field);
        case ENUM:
          String symbol = v.asText().strip().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
          if (!s.getEnumSymbols().contains(symbol)) {
            throw new ValueSpec.Skip(
                "bad-value:" + field,
                true,
                "'" + v.asText() + "' is not one of " + s.getEnumSymbols() + " for " + field);
          }
          return SpecificData.get().createEnum(symbol, s);
        case MAP:
          Map<String, String> map = new LinkedHashMap<>();
          if (v.isObject()) {
            v.properties()
                .iterator()
                .forEachRemaining(
                    e -> {
                      if (!e.getValue().isNull()) {
                        map.put(
                            e.getKey(),
                            e.getValue().isValueNode()
                                ? e.getValue().asText()
                                : e.getValue().toString());
                      }
                    });
          }
          return map;
        case RECORD:
          if (!v.isObject()) {
            throw new ValueSpec.Skip("bad-value:" + field, true, field + " must be an object");
          }
          SpecificRecordBase r =
              (SpecificRecordBase) SpecificData.newInstance(SpecificData.get().getClass(s), s);
          for (Schema.Field f : s.getFields()) {
            JsonNode fv = v.get(f.name());
            if (fv != null && !fv.isNull()) {
              r.put(f.pos(), convert(fv, f.schema(), field + "." + f.name(), false, zone));
            } else {
              r.put(f.pos(), f.hasDefaultValue() ? SpecificData.get().getDefaultValue(f) : null);
            }
          }
          return r;
        default:
          throw new ValueSpec.Skip(
              "bad-value:" + field, true, field + " has a type mappings cannot fill");
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new ValueSpec.Skip(
          "bad-value:" + field, true, "'" + v.asText() + "' is not a valid number for " + field);
    }
  }

  /** Whether the field may hold null. */
  static boolean nullable(Schema schema) {
    if (schema.getType() == Schema.Type.NULL) {
      return true;
    }
    return schema.getType() == Schema.Type.UNION
        && schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
  }

  private static Schema nonNull(Schema schema) {
    if (schema.getType() != Schema.Type.UNION) {
      return schema;
    }
    return schema.getTypes().stream()
        .filter(t -> t.getType() != Schema.Type.NULL)
        .findFirst()
        .orElse(schema);
  }

  private static BigDecimal number(JsonNode v) {
    if (v.isNumber()) {
      return v.decimalValue();
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    return new BigDecimal(v.asText().strip());
  }

  /** Fractional byte counts and ports do not exist; durations are scaled before this. */
  private static BigDecimal whole(BigDecimal n) {
    return n.scale() > 0 ? n.setScale(0, java.math.RoundingMode.HALF_UP) : n;
  }

  private static boolean bool(JsonNode v, String field) {
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isNumber()) {
      return v.asInt() != 0;
    }
    switch (v.asText().strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "y", "1", "t", "on":
        return true;
      case "false", "no", "n", "0", "f", "off":
        return false;
      default:
        throw new ValueSpec.Skip(
            "bad-value:" + field, true, "'" + v.asText() + "' is not true or false for " + field);
    }
  }

  private static Instant time(JsonNode v, java.time.ZoneId zone) {
    try {
      return AUTO.parse(v, zone).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    } catch (DateTimeException e) {
      throw new ValueSpec.Skip("bad-timestamp", true, "'" + v.asText() + "' is not a time");
    }
  }
}
