package dev.vigil.risk.detect.access;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.Ewma;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Unusual access volume (Defender for Cloud Apps "unusual file download/activity", Elastic "spike
 * in ..." ML jobs): the number of accesses in the current hour against the subject's EWMA mean and
 * variance for the same hour of day (UTC), so a regular nightly batch burst is learned as normal
 * for its hour. A spike must be far above that hour's baseline (z-score), well above the subject's
 * overall hourly mean, and above an absolute floor.
 *
 * <p>Hours closed by an event of a later hour feed the baselines (hours with no events count as
 * zero); events of an hour already closed (late) are not counted, so they cannot distort a
 * baseline.
 */
public final class RateAnomalyDetector
    implements Detector<AccessSignal, RateAnomalyDetector.State> {

  /** Detector id. */
  public static final String ID = "access.rate-anomaly";

  private static final long HOUR = 3_600_000L;
  private static final int MAX_EVENT_IDS = 5;

  private final double zThreshold;
  private final int minCount;
  private final double overallRatio;
  private final double alpha;
  private final long learningHours;
  private final Duration halfLife;

  /**
   * Reads {@code z-threshold} (4), {@code min-count} (50 accesses in the hour), {@code
   * overall-ratio} (5: also this many times the overall hourly mean), {@code alpha} (0.15: weight
   * of each new day in an hour-of-day baseline), {@code learning-period} (7d), {@code half-life}
   * (6h).
   */
  public RateAnomalyDetector(DetectorSettings settings) {
    this.zThreshold = settings.getDouble(ID + ".z-threshold", 4);
    this.minCount = settings.getInt(ID + ".min-count", 50);
    this.overallRatio = settings.getDouble(ID + ".overall-ratio", 5);
    this.alpha = settings.getDouble(ID + ".alpha", 0.15);
    this.learningHours =
        settings.getDuration(ID + ".learning-period", Duration.ofDays(7)).toHours();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(6));
  }

  /** Per hour-of-day baselines, the overall hourly baseline and the open hour. */
  public static final class State {
    double[] hourMean = new double[24];
    double[] hourVar = new double[24];
    long[] hourN = new long[24];
    Ewma overall = new Ewma();
    long hour = Long.MIN_VALUE;
    long count;
    long hoursObserved;
    boolean fired;
    List<String> eventIds = new ArrayList<>();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<State> stateType() {
    return State.class;
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public boolean reads(AccessSignal signal, DetectionContext context) {
    return signal.access() != null;
  }

  @Override
  public List<RiskFinding> observe(AccessSignal signal, State state, DetectionContext context) {
    AccessEvent event = signal.access();
    if (event == null) {
      return List.of();
    }
    long hour = Math.floorDiv(event.getTimestamp().toEpochMilli(), HOUR);
    if (state.hour == Long.MIN_VALUE) {
      state.hour = hour;
    } else if (hour < state.hour) {
      return List.of();
    } else if (hour > state.hour) {
      close(state, hour);
    }
    state.count++;
    state.eventIds.add(event.getEventId());
    while (state.eventIds.size() > MAX_EVENT_IDS) {
      state.eventIds.remove(0);
    }
    if (state.fired || state.hoursObserved < learningHours || state.count < minCount) {
      return List.of();
    }
    Ewma slot =
        Ewma.slot(state.hourMean, state.hourVar, state.hourN, (int) Math.floorMod(hour, 24L));
    double z = (state.count - slot.mean) / slot.sd(1);
    if (z < zThreshold || state.count < overallRatio * Math.max(state.overall.mean, 1)) {
      return List.of();
    }
    state.fired = true;
    return List.of(finding(event, state, slot, hour, z));
  }

  private void close(State state, long nextHour) {
    int slot = (int) Math.floorMod(state.hour, 24L);
    Ewma.update(state.hourMean, state.hourVar, state.hourN, slot, state.count, alpha);
    state.overall.update(state.count, alpha / 24);
    long gap = Math.min(nextHour - state.hour - 1, 24L * 30);
    for (long h = 1; h <= gap; h++) {
      int empty = (int) Math.floorMod(state.hour + h, 24L);
      Ewma.update(state.hourMean, state.hourVar, state.hourN, empty, 0, alpha);
      state.overall.update(0, alpha / 24);
    }
    state.hoursObserved += nextHour - state.hour;
    state.hour = nextHour;
    state.count = 0;
    state.fired = false;
    state.eventIds.clear();
  }

  private RiskFinding finding(AccessEvent event, State state, Ewma slot, long hour, double z) {
    int hourOfDay = (int) Math.floorMod(hour, 24L);
    return Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .score(Math.min(80, 45 + 5 * (z - zThreshold)))
        .confidence(state.hoursObserved >= 4 * learningHours ? 0.8 : 0.6)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Made %d accesses in the hour from %02d:00 UTC (usual for that hour: %s;"
                    + " overall about %.0f an hour).",
                state.count,
                hourOfDay,
                slot.usualRange(),
                state.overall.mean))
        .evidence("count", state.count)
        .evidence("hourStart", Instant.ofEpochMilli(hour * HOUR))
        .evidence("usualForHour", slot.usualRange())
        .evidence("overallHourlyMean", String.format(Locale.ROOT, "%.1f", state.overall.mean))
        .evidence("zScore", String.format(Locale.ROOT, "%.1f", z))
        .sourceEvents(state.eventIds)
        .tactic("T1213")
        .build();
  }
}
