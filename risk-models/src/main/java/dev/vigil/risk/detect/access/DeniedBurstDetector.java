package dev.vigil.risk.detect.access;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.Ewma;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A burst of denied accesses to several distinct resources in a short window: privilege probing or
 * permission discovery (Defender for Cloud Apps "multiple failed access attempts", Elastic
 * "multiple denied ... actions" rules). The threshold rises for subjects that are routinely denied
 * (a misconfigured job): it is at least a multiple of the usual denials per window, from an EWMA of
 * denials per day.
 */
public final class DeniedBurstDetector
    implements Detector<AccessSignal, DeniedBurstDetector.State> {

  /** Detector id. */
  public static final String ID = "access.denied-burst";

  private static final long DAY = 86_400_000L;
  private static final int MAX_EVENT_IDS = 10;
  private static final int MAX_KEPT = 128;
  private static final double DAILY_ALPHA = 0.1;

  private final long windowMillis;
  private final int minCount;
  private final int minDistinct;
  private final double baselineMultiplier;
  private final Duration halfLife;

  /**
   * Reads {@code window} (10m), {@code min-count} (10 denials), {@code min-distinct-resources} (3),
   * {@code baseline-multiplier} (10: the threshold is at least this times the usual denials per
   * window), {@code half-life} (6h).
   */
  public DeniedBurstDetector(DetectorSettings settings) {
    this.windowMillis = settings.getDuration(ID + ".window", Duration.ofMinutes(10)).toMillis();
    this.minCount = Math.min(MAX_KEPT, settings.getInt(ID + ".min-count", 10));
    this.minDistinct = settings.getInt(ID + ".min-distinct-resources", 3);
    this.baselineMultiplier = settings.getDouble(ID + ".baseline-multiplier", 10);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(6));
  }

  /** Recent denials (time and resource fingerprint), the daily denial baseline, last finding. */
  public static final class State {
    long[] times = new long[0];
    int[] resources = new int[0];
    List<String> eventIds = new ArrayList<>();
    Ewma deniedPerDay = new Ewma();
    long day = Long.MIN_VALUE;
    int deniedToday;
    long firedAt = Long.MIN_VALUE;
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
  public List<RiskFinding> observe(AccessSignal signal, State state, DetectionContext context) {
    AccessEvent event = signal.access();
    if (event == null || event.getDecision() != AccessDecision.DENIED) {
      return List.of();
    }
    long at = event.getTimestamp().toEpochMilli();
    double usualPerDay = state.deniedPerDay.mean;
    rollDay(state, at);
    add(state, at, RecencySet.fingerprint(event.getResource()), event.getEventId());
    int count = 0;
    long distinct = Arrays.stream(window(state, at)).distinct().count();
    for (long t : state.times) {
      if (t > at - windowMillis && t <= at) {
        count++;
      }
    }
    double usualPerWindow = usualPerDay * windowMillis / DAY;
    int threshold =
        (int)
            Math.min(MAX_KEPT, Math.max(minCount, Math.ceil(baselineMultiplier * usualPerWindow)));
    boolean recentlyFired =
        state.firedAt != Long.MIN_VALUE && Math.abs(at - state.firedAt) < windowMillis;
    if (count < threshold || distinct < minDistinct || recentlyFired) {
      return List.of();
    }
    state.firedAt = at;
    long minutes = Math.max(1, Math.round(windowMillis / 60_000.0));
    return List.of(
        Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
            .score(Math.min(70, 45 + 2.0 * (count - threshold) + 2.0 * distinct))
            .confidence(0.7)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Was denied %d times on %d different resources in %d minutes (usual: %.1f"
                        + " denials a day).",
                    count,
                    distinct,
                    minutes,
                    usualPerDay))
            .evidence("denied", count)
            .evidence("distinctResources", distinct)
            .evidence("windowMinutes", minutes)
            .evidence("lastResource", event.getResource())
            .evidence("lastAction", event.getAction())
            .evidence("usualDeniedPerDay", String.format(Locale.ROOT, "%.1f", usualPerDay))
            .sourceEvents(state.eventIds)
            .tactic("T1069")
            .build());
  }

  private int[] window(State state, long at) {
    int[] out = new int[state.times.length];
    int n = 0;
    for (int i = 0; i < state.times.length; i++) {
      if (state.times[i] > at - windowMillis && state.times[i] <= at) {
        out[n++] = state.resources[i];
      }
    }
    return Arrays.copyOf(out, n);
  }

  private void add(State state, long at, int resource, String eventId) {
    // Keep the newest window's worth (by event time), so a late denial lands in its place.
    long newest = state.times.length == 0 ? at : Math.max(at, state.times[state.times.length - 1]);
    int n = 0;
    long[] times = new long[state.times.length + 1];
    int[] resources = new int[state.times.length + 1];
    boolean placed = false;
    for (int i = 0; i < state.times.length; i++) {
      if (!placed && at < state.times[i]) {
        times[n] = at;
        resources[n++] = resource;
        placed = true;
      }
      times[n] = state.times[i];
      resources[n++] = state.resources[i];
    }
    if (!placed) {
      times[n] = at;
      resources[n++] = resource;
    }
    int from = 0;
    while (from < n && (times[from] <= newest - windowMillis || n - from > MAX_KEPT)) {
      from++;
    }
    state.times = Arrays.copyOfRange(times, from, n);
    state.resources = Arrays.copyOfRange(resources, from, n);
    if (state.times.length == 1) {
      state.eventIds.clear();
    }
    state.eventIds.add(eventId);
    while (state.eventIds.size() > MAX_EVENT_IDS) {
      state.eventIds.remove(0);
    }
  }

  private static void rollDay(State state, long at) {
    long day = Math.floorDiv(at, DAY);
    if (state.day == Long.MIN_VALUE) {
      state.day = day;
    } else if (day > state.day) {
      state.deniedPerDay.update(state.deniedToday, DAILY_ALPHA);
      state.deniedPerDay.updateZeros(day - state.day - 1, DAILY_ALPHA, 60);
      state.day = day;
      state.deniedToday = 0;
    } else if (day < state.day) {
      return;
    }
    state.deniedToday++;
  }
}
