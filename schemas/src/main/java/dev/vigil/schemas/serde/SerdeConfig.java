package dev.vigil.schemas.serde;

import java.util.Map;

/** Config keys understood by the Confluent-wire-format Avro serdes, and their defaults. */
public final class SerdeConfig {

  /** Whether the serializer registers its schema (Confluent's name); default true. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

  /** Largest serialized record the deserializer decodes, in bytes; default 1 MiB. */
  public static final String MAX_RECORD_BYTES = "vigil.max.record.bytes";

  /** Default of {@link #MAX_RECORD_BYTES}. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

  private SerdeConfig() {}

  /**
   * Reads {@link #AUTO_REGISTER_SCHEMAS}.
   *
   * @throws IllegalArgumentException naming the key if the value is not true or false
   */
  public static boolean autoRegister(Map<String, ?> config) {
    Object value = config.get(AUTO_REGISTER_SCHEMAS);
    if (value == null) {
      return true;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new IllegalArgumentException(
        "Config '" + AUTO_REGISTER_SCHEMAS + "' must be true or false, got '" + value + "'.");
  }

  /**
   * Reads {@link #MAX_RECORD_BYTES}.
   *
   * @throws IllegalArgumentException naming the key if the value is not a positive integer
   */
  public static int maxRecordBytes(Map<String, ?> config) {
    Object value = config.get(MAX_RECORD_BYTES);
    if (value == null) {
      return DEFAULT_MAX_RECORD_BYTES;
    }
    try {
      int bytes =
          value instanceof Number n
              ? Math.toIntExact(n.longValue())
              : Integer.parseInt(value.toString().trim());
      if (bytes > 0) {
        return bytes;
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Config '"
            + MAX_RECORD_BYTES
            + "' must be a positive number of bytes, got '"
            + value
            + "'.");
  }
}
