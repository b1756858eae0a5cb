package dev.vigil.risk.detect;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Detector parameters as flat keys, e.g. {@code login.impossible-travel.max-speed-kmh=900}. Every
 * parameter has a default in the detector that reads it; a value that does not parse is an error
 * naming the key.
 */
public final class DetectorSettings {

  /**
   * A parameter a detector read, with its type and default.
   *
   * @param key the full key, e.g. {@code login.password-spray.min-subjects}
   * @param type {@code integer}, {@code number}, {@code boolean}, {@code duration} or {@code text}
   * @param defaultValue the default as text
   */
  public record Parameter(String key, String type, String defaultValue) {}

  private final Map<String, String> values;
  private final Map<String, Parameter> reads;

  private DetectorSettings(Map<String, String> values, Map<String, Parameter> reads) {
    this.values = Map.copyOf(values);
    this.reads = reads;
  }

  private DetectorSettings(Map<String, String> values) {
    this(values, null);
  }

  /**
   * Settings that also write down every parameter read through them (key, type, default), so the
   * parameters of the built-in detectors can be listed from the code itself.
   *
   * @param values overrides
   * @param reads where each parameter read is recorded (first read wins)
   */
  public static DetectorSettings recording(
      Map<String, String> values, Map<String, Parameter> reads) {
    return new DetectorSettings(Objects.requireNonNull(values, "values"), reads);
  }

  private void read(String key, String type, Object defaultValue) {
    if (reads != null) {
      reads.putIfAbsent(key, new Parameter(key, type, text(defaultValue)));
    }
  }

  private static String text(Object value) {
    if (value instanceof Duration d) {
      return Durations.format(d);
    }
    if (value instanceof Double v && v == Math.rint(v) && !Double.isInfinite(v)) {
      return Long.toString(v.longValue());
    }
    return String.valueOf(value);
  }

  /** No overrides: every detector uses its defaults. */
  public static DetectorSettings defaults() {
    return new DetectorSettings(Map.of());
  }

  /** Overrides from configuration (keys without the {@code detector.} prefix). */
  public static DetectorSettings of(Map<String, String> values) {
    return new DetectorSettings(Objects.requireNonNull(values, "values"));
  }

  /** A number, or the default when the key is not set. */
  public double getDouble(String key, double defaultValue) {
    read(key, "number", defaultValue);
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Detector setting '" + key + "' must be a number but is '" + v + "'.", e);
    }
  }

  /** A whole number, or the default when the key is not set. */
  public int getInt(String key, int defaultValue) {
    read(key, "integer", defaultValue);
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Detector setting '" + key + "' must be a whole number but is '" + v + "'.", e);
    }
  }

  /** A text value, trimmed, or the default when the key is not set. */
  public String getString(String key, String defaultValue) {
    read(key, "text", defaultValue);
    String v = values.get(key);
    return v == null ? defaultValue : v.trim();
  }

  /** A flag, or the default when the key is not set. */
  public boolean getBoolean(String key, boolean defaultValue) {
    read(key, "boolean", defaultValue);
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(
          "Detector setting '" + key + "' must be true or false but is '" + v + "'.");
    }
    return Boolean.parseBoolean(v);
  }

  /** A duration (ISO-8601 like PT10M, or 30s / 10m / 2h / 7d), or the default. */
  public Duration getDuration(String key, Duration defaultValue) {
    read(key, "duration", defaultValue);
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Detector setting '"
              + key
              + "' must be a duration such as 10m or PT10M but is '"
              + v
              + "'.",
          e);
    }
  }

  /** Whether a detector is enabled ({@code <id>.enabled}, default true). */
  public boolean enabled(String detectorId) {
    return getBoolean(detectorId + ".enabled", true);
  }
}
