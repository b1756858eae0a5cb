package dev.vigil.app.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * How a source writes time. {@code iso}: ISO-8601 with or without an offset or zone ({@code T} or a
 * space between date and time); {@code epoch-seconds}, {@code epoch-millis}, {@code epoch-micros}
 * (fractions allowed); {@code epoch}: seconds below 10^11, else milliseconds; {@code auto}: a
 * number as {@code epoch}, text as {@code iso} or a number; anything else is a {@link
 * DateTimeFormatter} pattern, e.g. {@code yyyy-MM-dd HH:mm:ss}. Stamps without a zone are read in
 * the zone given.
 */
public final class TimeFormat {

  private static final DateTimeFormatter ISO =
      new DateTimeFormatterBuilder()
          .parseCaseInsensitive()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .optionalStart()
          .appendOffset("+HH:MM:ss", "Z")
          .optionalEnd()
          .optionalStart()
          .appendOffset("+HHmm", "Z")
          .optionalEnd()
          .optionalStart()
          .appendLiteral('[')
          .appendZoneRegionId()
          .appendLiteral(']')
          .optionalEnd()
          .toFormatter(Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT)
          .withChronology(java.time.chrono.IsoChronology.INSTANCE);

  private final String name;
  private final DateTimeFormatter pattern;

  private TimeFormat(String name, DateTimeFormatter pattern) {
    this.name = name;
    this.pattern = pattern;
  }

  /**
   * The format named in a mapping file.
   *
   * @throws MappingException if a custom pattern is not valid
   */
  public static TimeFormat of(String name) {
    String n = name == null ? "auto" : name.strip();
    switch (n) {
      case "auto", "iso", "epoch", "epoch-seconds", "epoch-millis", "epoch-micros":
        return new TimeFormat(n, null);
      default:
        try {
          return new TimeFormat(
              n,
              // Year-of-era (y) needs an era under STRICT; proleptic years (u) are the same here.
              DateTimeFormatter.ofPattern(n.contains("G") ? n : n.replace('y', 'u'), Locale.ROOT)
                  .withResolverStyle(ResolverStyle.STRICT)
                  .withChronology(java.time.chrono.IsoChronology.INSTANCE));
        } catch (IllegalArgumentException e) {
          throw new MappingException("Invalid time format '" + n + "': " + e.getMessage() + ".", e);
        }
    }
  }

  /** The name as written in the mapping. */
  public String name() {
    return name;
  }

  /**
   * Reads a time.
   *
   * @param value text or a number
   * @param zone zone of stamps that carry none
   * @return the instant
   * @throws DateTimeException if the value is not a time in this format
   */
  public Instant parse(JsonNode value, ZoneId zone) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      throw new DateTimeException("no time");
    }
    if (pattern != null) {
      return fromPattern(value.asText().strip(), zone);
    }
    switch (name) {
      case "epoch-seconds":
        return epoch(number(value), 1000);
      case "epoch-millis":
        return epoch(number(value), 1);
      case "epoch-micros":
        return epoch(number(value).movePointLeft(3), 1);
      case "epoch":
        return autoEpoch(number(value));
      case "iso":
        return iso(value.asText().strip(), zone);
      default:
        if (value.isNumber()) {
          return autoEpoch(value.decimalValue());
        }
        String text = value.asText().strip();
        if (text.matches("-?\\d+(\\.\\d+)?")) {
          return autoEpoch(new BigDecimal(text));
        }
        return iso(text, zone);
    }
  }

  private static BigDecimal number(JsonNode value) {
    try {
      return value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText().strip());
    } catch (NumberFormatException e) {
      throw new DateTimeException("not a number: " + value.asText());
    }
  }

  private static Instant autoEpoch(BigDecimal n) {
    return n.abs().compareTo(BigDecimal.valueOf(100_000_000_000L)) < 0
        ? epoch(n, 1000)
        : epoch(n, 1);
  }

  private static Instant epoch(BigDecimal n, int millisPerUnit) {
    return Instant.ofEpochMilli(n.multiply(BigDecimal.valueOf(millisPerUnit)).longValue());
  }

  private static Instant iso(String text, ZoneId zone) {
    TemporalAccessor t = ISO.parse(text);
    LocalDateTime local = LocalDateTime.from(t);
    if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
      return local.toInstant(
          java.time.ZoneOffset.ofTotalSeconds(t.get(ChronoField.OFFSET_SECONDS)));
    }
    ZoneId z = t.query(java.time.temporal.TemporalQueries.zoneId());
    return local.atZone(z != null ? z : zone).toInstant();
  }

  private Instant fromPattern(String text, ZoneId zone) {
    TemporalAccessor t = pattern.parse(text);
    if (t.isSupported(ChronoField.INSTANT_SECONDS)) {
      return Instant.from(t);
    }
    return LocalDateTime.from(t).atZone(zone).toInstant();
  }
}
