package dev.vigil.risk.detect.access;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.Ewma;
import dev.vigil.risk.detect.window.AttemptLog;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Slow insider collection ({@value FirstResourceDetector#SLOW_ID}, MITRE T1213), the third finding
 * of {@link FirstResourceDetector}, which lends it its known-resource set and learning period: a
 * subject that first-accesses a few restricted or confidential resources a day for several days.
 * Each such access alone is a weak first-resource finding and fusion keeps only the strongest one,
 * so the evidence is accumulated here: points of distinct sensitive resources first accessed over a
 * window of days (RESTRICTED 1, CONFIDENTIAL {@code slow-confidential-weight}), against the
 * subject's own daily points blended with a population (peer) prior. Reported when the window holds
 * many more than expected, spread over several days (the busiest day holding at most {@code
 * slow-max-day-share}: a burst on one day is {@code access.bulk-sensitive}'s).
 *
 * <p>The subject's rate is an EWMA of the points of each day once it has left the window (discovery
 * days included, which only makes it more tolerant), so the days being judged never raise their own
 * baseline; only days after learning are judged. A late event counts in its own day while that day
 * is in the window. One finding per episode (a window from its first report), re-emitted with the
 * same id when the total passes a power of two.
 */
final class SlowCollection {

  private static final long DAY_MILLIS = 86_400_000L;
  private static final int EVENT_IDS = 5;
  private static final int LATEST = 3;

  private final int windowDays;
  private final double minPoints;
  private final int minDays;
  private final double maxDayShare;
  private final double ratio;
  private final double confidentialWeight;
  private final double peerPerDay;
  private final double priorDays;
  private final double alpha;
  private final double score;
  private final Duration halfLife;

  /** The points of each day of the window (a ring indexed by epoch day), rate and episode. */
  static final class Tally {
    /** Newest epoch day seen. */
    long day = Long.MIN_VALUE;

    /** Per ring slot: its epoch day, points, restricted and confidential resources. */
    long[] days = new long[0];

    double[] points = new double[0];
    int[] restricted = new int[0];
    int[] confidential = new int[0];

    /** EWMA of the points of each day that has left the window. */
    Ewma rate = new Ewma();

    /** The first day the subject had finished learning (Long.MIN_VALUE before). */
    long learnedDay = Long.MIN_VALUE;

    /** First day of the current episode (Long.MIN_VALUE when none) and its emitted magnitude. */
    long episode = Long.MIN_VALUE;

    int emitted;

    /** Newest sensitive resources first accessed, and their event ids. */
    List<String> latest = new ArrayList<>();

    List<String> ids = new ArrayList<>();
  }

  /**
   * Reads, under {@code access.first-resource.}: {@code slow-window} (7d), {@code slow-min-points}
   * (10), {@code slow-min-days} (2), {@code slow-max-day-share} (0.5), {@code slow-ratio} (3: times
   * the expected points in the window), {@code slow-confidential-weight} (0.5), {@code
   * slow-peer-per-day} (0.3: population prior of new sensitive points a day), {@code
   * slow-prior-days} (14: weight of the prior in days of own history), {@code slow-alpha} (0.1),
   * {@code slow-score} (55), {@code slow-half-life} (72h).
   */
  SlowCollection(DetectorSettings settings) {
    String p = FirstResourceDetector.ID + ".slow-";
    this.windowDays =
        (int)
            Math.max(
                2, settings.getDuration(p + "window", Duration.ofDays(7)).toMillis() / DAY_MILLIS);
    this.minPoints = settings.getDouble(p + "min-points", 10);
    this.minDays = settings.getInt(p + "min-days", 2);
    this.maxDayShare = settings.getDouble(p + "max-day-share", 0.5);
    this.ratio = settings.getDouble(p + "ratio", 3);
    this.confidentialWeight = settings.getDouble(p + "confidential-weight", 0.5);
    this.peerPerDay = settings.getDouble(p + "peer-per-day", 0.3);
    this.priorDays = settings.getDouble(p + "prior-days", 14);
    this.alpha = settings.getDouble(p + "alpha", 0.1);
    this.score = settings.getDouble(p + "score", 55);
    this.halfLife = settings.getDuration(p + "half-life", Duration.ofHours(72));
  }

  /**
   * Moves to the event's day (call for every allowed access): the days that leave the window fold
   * into the subject's rate; notes the first day after learning.
   */
  void roll(Tally t, long at, long firstAt, boolean learned) {
    long day = Math.floorDiv(at, DAY_MILLIS);
    if (t.days.length != windowDays) {
      t.days = new long[windowDays];
      Arrays.fill(t.days, Long.MIN_VALUE);
      t.points = new double[windowDays];
      t.restricted = new int[windowDays];
      t.confidential = new int[windowDays];
    }
    if (t.day == Long.MIN_VALUE) {
      t.day = day;
    } else if (day > t.day) {
      long firstDay = Math.floorDiv(firstAt, DAY_MILLIS);
      long from = Math.max(firstDay, Math.max(t.day - windowDays + 1, day - windowDays - 60));
      for (long d = from; d <= day - windowDays; d++) {
        int i = (int) Math.floorMod(d, (long) windowDays);
        t.rate.update(t.days[i] == d ? t.points[i] : 0, alpha);
      }
      t.day = day;
    }
    if (learned && t.learnedDay == Long.MIN_VALUE) {
      t.learnedDay = day;
    }
  }

  /** Counts a first access to a CONFIDENTIAL or RESTRICTED resource; a finding when enough. */
  Optional<RiskFinding> firstAccess(AccessEvent event, Tally t, boolean learned) {
    long day = Math.floorDiv(event.getTimestamp().toEpochMilli(), DAY_MILLIS);
    if (t.days.length != windowDays || day <= t.day - windowDays) {
      return Optional.empty();
    }
    int i = (int) Math.floorMod(day, (long) windowDays);
    if (t.days[i] != day) {
      t.days[i] = day;
      t.points[i] = 0;
      t.restricted[i] = 0;
      t.confidential[i] = 0;
    }
    boolean restricted = event.getSensitivity() == Sensitivity.RESTRICTED;
    t.points[i] += restricted ? 1 : confidentialWeight;
    if (restricted) {
      t.restricted[i]++;
    } else {
      t.confidential[i]++;
    }
    if (!learned || day < t.learnedDay) {
      return Optional.empty(); // Discovery: counted for the baseline, never reported.
    }
    remember(t.latest, event.getResource(), LATEST);
    remember(t.ids, event.getEventId(), EVENT_IDS);
    return evaluate(event, t);
  }

  private Optional<RiskFinding> evaluate(AccessEvent event, Tally t) {
    double points = 0;
    int restricted = 0;
    int confidential = 0;
    int activeDays = 0;
    double busiest = 0;
    for (int i = 0; i < windowDays; i++) {
      if (t.days[i] > t.day - windowDays && t.days[i] >= t.learnedDay && t.points[i] > 0) {
        points += t.points[i];
        busiest = Math.max(busiest, t.points[i]);
        restricted += t.restricted[i];
        confidential += t.confidential[i];
        activeDays++;
      }
    }
    double n = t.rate.n;
    double expectedPerDay =
        (n * t.rate.mean + priorDays * peerPerDay) / Math.max(1e-9, n + priorDays);
    double threshold = Math.max(minPoints, ratio * windowDays * expectedPerDay);
    if (points < threshold || activeDays < minDays || busiest > maxDayShare * points) {
      return Optional.empty();
    }
    if (t.episode == Long.MIN_VALUE || t.day - t.episode >= windowDays) {
      t.episode = t.day;
      t.emitted = 0;
    }
    int total = restricted + confidential;
    int magnitude = AttemptLog.magnitude(total);
    if (magnitude <= t.emitted) {
      return Optional.empty();
    }
    t.emitted = magnitude;
    double extra = Math.min(20, 2 * (points - threshold)) + (restricted * 2 >= total ? 5 : 0);
    return Optional.of(
        Findings.finding(
                FirstResourceDetector.SLOW_ID,
                event.getSubjectId(),
                event.getSubjectType(),
                event.getTimestamp())
            .identity("collection|" + t.episode)
            .score(Math.min(85, score + extra))
            .confidence(0.75)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Accessed %d sensitive resources for the first time over %d of the last %d"
                        + " days (%d restricted, %d confidential; latest %s): %.1f points against"
                        + " %.1f expected from its own and its peers' rate (threshold %.1f).",
                    total,
                    activeDays,
                    windowDays,
                    restricted,
                    confidential,
                    String.join(", ", t.latest),
                    points,
                    windowDays * expectedPerDay,
                    threshold))
            .evidence("resources", total)
            .evidence("restricted", restricted)
            .evidence("confidential", confidential)
            .evidence("points", String.format(Locale.ROOT, "%.1f", points))
            .evidence("activeDays", activeDays)
            .evidence("windowDays", windowDays)
            .evidence("expectedPerDay", String.format(Locale.ROOT, "%.2f", expectedPerDay))
            .evidence("subjectDays", t.rate.n)
            .evidence("episodeStart", Instant.ofEpochMilli(t.episode * DAY_MILLIS))
            .evidence("latestResources", String.join(", ", t.latest))
            .sourceEvents(t.ids)
            .tactic("T1213")
            .build());
  }

  private static void remember(List<String> list, String value, int cap) {
    list.remove(value);
    list.add(value);
    while (list.size() > cap) {
      list.remove(0);
    }
  }
}
