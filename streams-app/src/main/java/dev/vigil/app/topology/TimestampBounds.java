package dev.vigil.app.topology;

import dev.vigil.risk.detect.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The range of event times Vigil accepts, relative to the wall clock: at most {@code maxFutureSkew}
 * ahead (a broker rejects output stamped more than an hour ahead) and at most {@code maxAge} old.
 * Read from the Kafka Streams config so that every processor and the timestamp extractor agree.
 *
 * @param maxFutureSkew how far ahead of the wall clock an event may be
 * @param maxAge how far behind the wall clock an event may be
 */
public record TimestampBounds(Duration maxFutureSkew, Duration maxAge) {

  /** Config key: the accepted future skew in milliseconds. */
  public static final String MAX_FUTURE_SKEW_MS_CONFIG = "vigil.timestamp.max.future.skew.ms";

  /** Config key: the accepted age in milliseconds. */
  public static final String MAX_AGE_MS_CONFIG = "vigil.timestamp.max.age.ms";

  /** Five minutes ahead, two years behind. */
  public static final TimestampBounds DEFAULTS =
      new TimestampBounds(Duration.ofMinutes(5), Duration.ofDays(730));

  /** The bounds in a Kafka Streams config, defaults where absent. */
  public static TimestampBounds from(Map<String, ?> configs) {
    return new TimestampBounds(
        millis(configs.get(MAX_FUTURE_SKEW_MS_CONFIG), DEFAULTS.maxFutureSkew),
        millis(configs.get(MAX_AGE_MS_CONFIG), DEFAULTS.maxAge));
  }

  private static Duration millis(Object v, Duration fallback) {
    return v == null ? fallback : Duration.ofMillis(Long.parseLong(v.toString()));
  }

  /** Whether an epoch-millisecond time is within the bounds at wall-clock time {@code now}. */
  public boolean accepts(long timeMillis, long nowMillis) {
    return timeMillis <= nowMillis + maxFutureSkew.toMillis()
        && timeMillis >= nowMillis - maxAge.toMillis();
  }

  /** One sentence saying why {@code time} is out of range, or empty when it is within it. */
  public Optional<String> problem(String field, Instant time, long nowMillis) {
    if (time == null || accepts(time.toEpochMilli(), nowMillis)) {
      return Optional.empty();
    }
    Instant now = Instant.ofEpochMilli(nowMillis);
    return Optional.of(
        time.isAfter(now)
            ? field
                + " "
                + time
                + " is more than "
                + Durations.format(maxFutureSkew)
                + " ahead of the wall clock ("
                + now
                + ")"
            : field
                + " "
                + time
                + " is more than "
                + Durations.format(maxAge)
                + " before the wall clock ("
                + now
                + ")");
  }
}
