package dev.vigil.app.cli;

import dev.vigil.risk.detect.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code 500ms}, {@code 60s}, {@code 2m}, {@code 1h}, {@code 3d} or ISO-8601 such as {@code
 * PT1M}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

  /** Creates the converter. */
  public DurationConverter() {}

  @Override
  public Duration convert(String value) {
    Duration duration;
    try {
      duration = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration; use e.g. 90s, 2m, 1h, 3d or PT1M");
    }
    if (duration.isZero() || duration.isNegative()) {
      throw new TypeConversionException("'" + value + "' is not a positive duration");
    }
    return duration;
  }
}
