package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectorSettings;
import java.time.Duration;

/**
 * How much successful sign-in history a baseline has seen: the learning period that novelty
 * detectors wait for before they may fire. Out-of-order events only widen the span.
 */
public final class SignInHistory {

  /** Successful sign-ins counted. */
  long signIns;

  /** Event time of the oldest counted sign-in, epoch millis (0 when none). */
  long firstMillis;

  /** Event time of the newest counted sign-in, epoch millis. */
  long lastMillis;

  /** Counts one successful sign-in at the given event time. */
  public void record(long atMillis) {
    if (signIns == 0 || atMillis < firstMillis) {
      firstMillis = atMillis;
    }
    lastMillis = Math.max(lastMillis, atMillis);
    signIns++;
  }

  /** Sign-ins counted so far. */
  public long signIns() {
    return signIns;
  }

  /** Whole days between the oldest counted sign-in and the given time. */
  public long days(long atMillis) {
    return signIns == 0 ? 0 : Math.max(0, (atMillis - firstMillis) / 86_400_000L);
  }

  /** Whether the history covers the learning period at the given time. */
  public boolean learned(Learning learning, long atMillis) {
    return signIns >= learning.minEvents()
        && signIns > 0
        && atMillis - firstMillis >= learning.minHistory().toMillis();
  }

  /**
   * A learning period.
   *
   * @param minEvents successful sign-ins needed
   * @param minHistory span of history needed
   */
  public record Learning(int minEvents, Duration minHistory) {

    /** Reads {@code <id>.min-events} and {@code <id>.min-history}. */
    public static Learning from(
        DetectorSettings settings, String id, int defaultEvents, Duration defaultHistory) {
      return new Learning(
          settings.getInt(id + ".min-events", defaultEvents),
          settings.getDuration(id + ".min-history", defaultHistory));
    }
  }
}
