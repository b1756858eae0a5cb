package dev.vigil.risk.detect.network;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.Ewma;
import dev.vigil.risk.reference.ThreatMatch;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Unusual outbound volume (Elastic "high bytes sent to external" and exfiltration ML jobs, Defender
 * for Cloud Apps "unusual data exfiltration"): bytes sent by a workload in the current window
 * against the EWMA of its windows and against a decayed peak, so a large transfer the workload
 * makes regularly (a nightly backup) is learned as normal. Scored higher when the destination is
 * external, and higher still when it is on a threat-intelligence list.
 *
 * <p>Creeping exfiltration ({@value #CREEP_ID}): the hourly test needs each window to exceed twice
 * the recent peak, so volume that grows a little every day never fires it. A second, longer
 * baseline, a slow EWMA of the workload's daily volume (UTC days), catches it: once learned, a day
 * whose volume so far is {@code daily-ratio} times that baseline, after {@code rising-days} days
 * each already {@code rising-ratio} times above it, is reported once for that day. The sustained
 * rise is what tells creeping growth from a one-off spike (which the hourly test covers) and from a
 * stable high volume (which is its own baseline).
 */
public final class ExfiltrationDetector
    implements Detector<NetworkFlow, ExfiltrationDetector.State> {

  /** Detector id. */
  public static final String ID = "network.exfiltration";

  /** Id of the findings for volume that grew over days to many times the long baseline. */
  public static final String CREEP_ID = "network.creeping-exfiltration";

  private static final long DAY_MILLIS = 86_400_000L;

  private static final int MAX_EVENT_IDS = 5;

  private final long windowMillis;
  private final double ratio;
  private final double peakRatio;
  private final long minBytes;
  private final double alpha;
  private final double peakHalfLifeMillis;
  private final long learningWindows;
  private final Duration halfLife;
  private final double dailyRatio;
  private final double dailyAlpha;
  private final long dailyLearningDays;
  private final long dailyMinBytes;
  private final int risingDays;
  private final double risingRatio;
  private final double creepScore;
  private final Duration creepHalfLife;

  /**
   * Reads {@code window} (1h), {@code ratio} (10: times the usual window), {@code peak-ratio} (2:
   * times the decayed peak), {@code min-mb} (100), {@code alpha} (0.02), {@code peak-half-life}
   * (14d), {@code learning-period} (7d), {@code half-life} (24h); for creeping growth {@code
   * daily-ratio} (4: times the long baseline), {@code daily-alpha} (0.05: about three weeks of
   * memory), {@code daily-learning-period} (7d), {@code daily-min-mb} (1000), {@code rising-days}
   * (3), {@code rising-ratio} (1.5), {@code creep-score} (60), {@code creep-half-life} (48h).
   */
  public ExfiltrationDetector(DetectorSettings settings) {
    this.windowMillis = settings.getDuration(ID + ".window", Duration.ofHours(1)).toMillis();
    this.ratio = settings.getDouble(ID + ".ratio", 10);
    this.peakRatio = settings.getDouble(ID + ".peak-ratio", 2);
    this.minBytes = (long) (settings.getDouble(ID + ".min-mb", 100) * 1_000_000L);
    this.alpha = settings.getDouble(ID + ".alpha", 0.02);
    this.peakHalfLifeMillis =
        settings.getDuration(ID + ".peak-half-life", Duration.ofDays(14)).toMillis();
    this.learningWindows =
        settings.getDuration(ID + ".learning-period", Duration.ofDays(7)).toMillis() / windowMillis;
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(24));
    this.dailyRatio = settings.getDouble(ID + ".daily-ratio", 4);
    this.dailyAlpha = settings.getDouble(ID + ".daily-alpha", 0.05);
    this.dailyLearningDays =
        Math.max(
            1,
            settings.getDuration(ID + ".daily-learning-period", Duration.ofDays(7)).toMillis()
                / DAY_MILLIS);
    this.dailyMinBytes = (long) (settings.getDouble(ID + ".daily-min-mb", 1000) * 1_000_000L);
    this.risingDays = Math.max(0, settings.getInt(ID + ".rising-days", 3));
    this.risingRatio = settings.getDouble(ID + ".rising-ratio", 1.5);
    this.creepScore = settings.getDouble(ID + ".creep-score", 60);
    this.creepHalfLife = settings.getDuration(ID + ".creep-half-life", Duration.ofHours(48));
  }

  @Override
  public Set<String> findingIds() {
    return Set.of(ID, CREEP_ID);
  }

  /** The open window's total, the per-window baseline and the decayed peak. */
  public static final class State {
    long window = Long.MIN_VALUE;
    long bytes;
    long windowsObserved;
    Ewma perWindow = new Ewma();
    double peak;
    long peakWindow;
    boolean fired;
    List<String> eventIds = new ArrayList<>();

    /** The open UTC day (epoch day) and its bytes so far. */
    long day = Long.MIN_VALUE;

    long dayBytes;

    /** Whole days folded into {@link #daily}. */
    long days;

    /** The long baseline: EWMA of daily bytes. */
    Ewma daily = new Ewma();

    /** Bytes of the last completed days, oldest first (at most {@code rising-days}). */
    long[] lastDays = new long[0];

    /** The day a creeping finding was emitted for. */
    long creepDay = Long.MIN_VALUE;
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
  public List<RiskFinding> observe(NetworkFlow flow, State state, DetectionContext context) {
    List<RiskFinding> out = new ArrayList<>(2);
    hourly(flow, state, context).ifPresent(out::add);
    daily(flow, state, context).ifPresent(out::add);
    return out;
  }

  private Optional<RiskFinding> hourly(NetworkFlow flow, State state, DetectionContext context) {
    long window = Math.floorDiv(flow.getTimestamp().toEpochMilli(), windowMillis);
    if (state.window == Long.MIN_VALUE) {
      state.window = window;
    } else if (window < state.window) {
      return Optional.empty();
    } else if (window > state.window) {
      close(state, window);
    }
    state.bytes += Math.max(0, flow.getBytesOut());
    if (flow.getBytesOut() > 0) {
      state.eventIds.add(flow.getEventId());
      while (state.eventIds.size() > MAX_EVENT_IDS) {
        state.eventIds.remove(0);
      }
    }
    double peak = decayedPeak(state, window);
    if (state.fired
        || state.windowsObserved < learningWindows
        || state.bytes < minBytes
        || state.bytes < ratio * Math.max(state.perWindow.mean, 1)
        || state.bytes < peakRatio * peak) {
      return Optional.empty();
    }
    state.fired = true;
    boolean external = !Flows.internal(flow);
    Long asn = flow.getDestinationGeo() == null ? null : flow.getDestinationGeo().getAsn();
    Optional<ThreatMatch> threat =
        context.reference().threat(flow.getDestinationIp(), asn, flow.getTimestamp());
    double score = 55 + (external ? 15 : 0) + (threat.isPresent() ? 25 : 0);
    double times = state.bytes / Math.max(state.perWindow.mean, 1);
    return Optional.of(
        Findings.finding(ID, flow.getSourceWorkload(), SubjectType.WORKLOAD, flow.getTimestamp())
            .score(score)
            .confidence(threat.isPresent() ? 0.9 : 0.7)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Sent %s in %d minutes, last to %s%s (%.0fx its usual %s per window;"
                        + " largest recent window %s).",
                    Flows.bytes(state.bytes),
                    Math.max(1, windowMillis / 60_000L),
                    threat.isPresent() ? "threat-listed " : external ? "external " : "",
                    Flows.describe(flow),
                    times,
                    Flows.bytes(state.perWindow.mean),
                    Flows.bytes(peak)))
            .evidence("bytesOut", state.bytes)
            .evidence("usualBytesPerWindow", Math.round(state.perWindow.mean))
            .evidence("decayedPeakBytes", Math.round(peak))
            .evidence("windowStart", Instant.ofEpochMilli(window * windowMillis))
            .evidence("destination", Flows.destination(flow))
            .evidence("destinationIp", flow.getDestinationIp())
            .evidence("external", external)
            .evidence(
                "threatIndicator", threat.map(t -> t.indicator().getIndicatorId()).orElse(null))
            .sourceEvents(state.eventIds)
            .tactic("T1048")
            .build());
  }

  /** The long baseline: rolls the day, then tests creeping growth once learned. */
  private Optional<RiskFinding> daily(NetworkFlow flow, State state, DetectionContext context) {
    long day = Math.floorDiv(flow.getTimestamp().toEpochMilli(), DAY_MILLIS);
    if (state.day == Long.MIN_VALUE) {
      state.day = day;
    } else if (day < state.day) {
      return Optional.empty(); // A late flow of a closed day: that day is in the baseline already.
    } else if (day > state.day) {
      closeDay(state, day);
    }
    state.dayBytes += Math.max(0, flow.getBytesOut());
    double usual = Math.max(state.daily.mean, 1);
    if (state.creepDay == day
        || state.days < dailyLearningDays
        || state.dayBytes < dailyMinBytes
        || state.dayBytes < dailyRatio * usual
        || state.lastDays.length < risingDays) {
      return Optional.empty();
    }
    for (long previous : state.lastDays) {
      if (previous < risingRatio * usual) {
        return Optional.empty(); // Not a sustained rise: a one-off spike is the hourly test's.
      }
    }
    state.creepDay = day;
    boolean external = !Flows.internal(flow);
    Long asn = flow.getDestinationGeo() == null ? null : flow.getDestinationGeo().getAsn();
    Optional<ThreatMatch> threat =
        context.reference().threat(flow.getDestinationIp(), asn, flow.getTimestamp());
    double times = state.dayBytes / usual;
    double score =
        Math.min(
            95,
            creepScore
                + Math.min(10, 2 * (times - dailyRatio))
                + (external ? 10 : 0)
                + (threat.isPresent() ? 25 : 0));
    List<String> rising = new ArrayList<>();
    for (long previous : state.lastDays) {
      rising.add(Flows.bytes(previous));
    }
    return Optional.of(
        Findings.finding(
                CREEP_ID, flow.getSourceWorkload(), SubjectType.WORKLOAD, flow.getTimestamp())
            .identity("creep|" + day)
            .score(score)
            .confidence(threat.isPresent() ? 0.9 : 0.75)
            .halfLife(creepHalfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Sent %s so far today, %.1fx its long-run %s a day, after %d days of growth"
                        + " (%s); last to %s%s.",
                    Flows.bytes(state.dayBytes),
                    times,
                    Flows.bytes(state.daily.mean),
                    state.lastDays.length,
                    String.join(", ", rising),
                    threat.isPresent() ? "threat-listed " : external ? "external " : "",
                    Flows.describe(flow)))
            .evidence("bytesToday", state.dayBytes)
            .evidence("usualBytesPerDay", Math.round(state.daily.mean))
            .evidence("timesUsual", String.format(Locale.ROOT, "%.1f", times))
            .evidence("previousDaysBytes", Arrays.toString(state.lastDays))
            .evidence("day", Instant.ofEpochMilli(day * DAY_MILLIS))
            .evidence("destination", Flows.destination(flow))
            .evidence("destinationIp", flow.getDestinationIp())
            .evidence("external", external)
            .evidence(
                "threatIndicator", threat.map(t -> t.indicator().getIndicatorId()).orElse(null))
            .sourceEvents(state.eventIds)
            .tactic("T1030")
            .build());
  }

  private void closeDay(State state, long next) {
    long gap = next - state.day - 1;
    state.daily.update(state.dayBytes, dailyAlpha);
    state.daily.updateZeros(gap, dailyAlpha, 60);
    long[] recent = new long[state.lastDays.length + 1 + (int) Math.min(gap, risingDays)];
    System.arraycopy(state.lastDays, 0, recent, 0, state.lastDays.length);
    recent[state.lastDays.length] = state.dayBytes;
    int keep = Math.min(risingDays, recent.length);
    state.lastDays = Arrays.copyOfRange(recent, recent.length - keep, recent.length);
    state.days += next - state.day;
    state.day = next;
    state.dayBytes = 0;
  }

  private void close(State state, long next) {
    double peak = decayedPeak(state, state.window);
    state.peak = Math.max(peak, state.bytes);
    state.peakWindow = state.window;
    state.perWindow.update(state.bytes, alpha);
    state.perWindow.updateZeros(next - state.window - 1, alpha, 1000);
    state.windowsObserved += next - state.window;
    state.window = next;
    state.bytes = 0;
    state.fired = false;
    state.eventIds.clear();
  }

  private double decayedPeak(State state, long window) {
    double ageMillis = (double) (window - state.peakWindow) * windowMillis;
    return state.peak * Math.pow(2, -Math.max(0, ageMillis) / peakHalfLifeMillis);
  }
}
