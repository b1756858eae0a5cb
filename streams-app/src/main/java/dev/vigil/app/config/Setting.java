package dev.vigil.app.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One Vigil setting: key, type (as a parser), default, what is allowed, and what it does. All
 * settings are declared in {@link Settings}.
 *
 * @param key dotted key, e.g. {@code processing.guarantee}
 * @param defaultValue value when no layer sets it
 * @param parser turns text into a value, throwing {@link IllegalArgumentException} if not allowed
 * @param allowed what is allowed, as a phrase completing "must be ...", e.g. "an integer from 1 to
 *     64"
 * @param doc one sentence on what the setting does
 * @param kafkaAlias the Kafka client property with the same meaning (so that {@code kafka.<alias>}
 *     and {@code KAFKA_<ALIAS>} set this setting), or null
 * @param <T> value type
 */
public record Setting<T>(
    String key,
    T defaultValue,
    Function<String, T> parser,
    String allowed,
    String doc,
    String kafkaAlias) {

  /** Validates the components, including that the default is itself allowed. */
  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(parser, "parser");
    Objects.requireNonNull(allowed, "allowed");
    Objects.requireNonNull(doc, "doc");
    parser.apply(String.valueOf(defaultValue));
  }

  /** Parses a value for this setting; throws {@link IllegalArgumentException} if not allowed. */
  public T parse(String text) {
    return parser.apply(text.trim());
  }

  /** A non-blank string setting. */
  static Setting<String> string(String key, String defaultValue, String doc, String kafkaAlias) {
    return matching(
        key, defaultValue, Pattern.compile("\\S.*"), "a non-empty text", doc, kafkaAlias);
  }

  /** A string setting that must match a pattern, described by {@code allowed}. */
  static Setting<String> matching(
      String key,
      String defaultValue,
      Pattern pattern,
      String allowed,
      String doc,
      String kafkaAlias) {
    return new Setting<>(
        key,
        defaultValue,
        text -> {
          if (!pattern.matcher(text).matches()) {
            throw new IllegalArgumentException(allowed);
          }
          return text;
        },
        allowed,
        doc,
        kafkaAlias);
  }

  /** An integer setting within {@code [min, max]}. */
  static Setting<Integer> integer(
      String key, int defaultValue, int min, int max, String doc, String kafkaAlias) {
    String allowed = "an integer from " + min + " to " + max;
    return new Setting<>(
        key,
        defaultValue,
        text -> {
          int value;
          try {
            value = Integer.parseInt(text.replace("_", ""));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(allowed, e);
          }
          if (value < min || value > max) {
            throw new IllegalArgumentException(allowed);
          }
          return value;
        },
        allowed,
        doc,
        kafkaAlias);
  }

  /** A boolean setting, {@code true} or {@code false}. */
  static Setting<Boolean> bool(String key, boolean defaultValue, String doc) {
    String allowed = "true or false";
    return new Setting<>(
        key,
        defaultValue,
        text ->
            switch (text.toLowerCase(Locale.ROOT)) {
              case "true" -> true;
              case "false" -> false;
              default -> throw new IllegalArgumentException(allowed);
            },
        allowed,
        doc,
        null);
  }

  /** A setting with a fixed set of lower-case values. */
  static Setting<String> oneOf(
      String key, String defaultValue, List<String> values, String doc, String kafkaAlias) {
    String allowed = "one of " + String.join(", ", values);
    return new Setting<>(
        key,
        defaultValue,
        text -> {
          String value = text.toLowerCase(Locale.ROOT);
          if (!values.contains(value)) {
            throw new IllegalArgumentException(allowed);
          }
          return value;
        },
        allowed,
        doc,
        kafkaAlias);
  }

  /** Shorthand for {@link #oneOf(String, String, List, String, String)}. */
  static Setting<String> oneOf(
      String key, String defaultValue, String doc, String kafkaAlias, String... values) {
    return oneOf(key, defaultValue, Arrays.asList(values), doc, kafkaAlias);
  }

  /** A positive duration setting: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, ISO-8601. */
  static Setting<java.time.Duration> duration(String key, String defaultValue, String doc) {
    String allowed = "a positive duration such as 10s, 5m or PT5M";
    return new Setting<>(
        key,
        dev.vigil.risk.detect.Durations.parse(defaultValue),
        text -> {
          java.time.Duration d;
          try {
            d = dev.vigil.risk.detect.Durations.parse(text);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(allowed, e);
          }
          if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(allowed);
          }
          return d;
        },
        allowed,
        doc,
        null);
  }

  /**
   * A detector parameter as a setting: the value is kept as text (the detector parses it), checked
   * here against the parameter's type so that a mistake is reported before anything starts.
   */
  static Setting<String> detectorParameter(
      dev.vigil.risk.detect.DetectorSettings.Parameter parameter) {
    String allowed =
        switch (parameter.type()) {
          case "integer" -> "a whole number";
          case "number" -> "a number";
          case "boolean" -> "true or false";
          case "duration" -> "a duration such as 30s, 10m, 2h or 7d";
          default -> "any text";
        };
    return new Setting<>(
        parameter.key(),
        parameter.defaultValue(),
        text -> {
          try {
            switch (parameter.type()) {
              case "integer" -> Integer.parseInt(text.replace("_", ""));
              case "number" -> Double.parseDouble(text);
              case "boolean" -> {
                if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                  throw new IllegalArgumentException(allowed);
                }
              }
              case "duration" -> dev.vigil.risk.detect.Durations.parse(text);
              default -> {}
            }
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(allowed, e);
          }
          return parameter.type().equals("integer") ? text.replace("_", "") : text;
        },
        allowed,
        (parameter.key().startsWith("fusion.") || parameter.key().startsWith("levels.")
                ? "Risk fusion parameter ("
                : "Detector parameter (")
            + parameter.type()
            + "); see docs/decisions.md and docs/detectors.md.",
        null);
  }
}
