package dev.vigil.risk.detect.access;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.Ewma;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.risk.detect.window.AttemptLog;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A burst of denied accesses to several distinct resources in a short window: privilege probing or
 * permission discovery (Defender for Cloud Apps "multiple failed access attempts", Elastic
 * "multiple denied ... actions" rules). The threshold rises for subjects that are routinely denied
 * (a misconfigured job): it is at least a multiple of the usual denials per window, from an EWMA of
 * denials per day.
 *
 * <p>Runs on the shared windowed engine ({@link AttemptLog}): the subject's denials of the last
 * window plus allowed lateness are kept sorted by event time and every window ending at a buffered
 * denial is re-evaluated on each event, so the same denials in any arrival order within the
 * lateness give the same finding. One finding per episode (denials with no gap longer than the
 * window), keyed by the episode and re-emitted with the same id when the densest window grows, so
 * its summary states the true total.
 */
public final class DeniedBurstDetector
    implements Detector<AccessSignal, DeniedBurstDetector.State> {

  /** Detector id. */
  public static final String ID = "access.denied-burst";

  private static final long DAY = 86_400_000L;
  private static final int MAX_EVENT_IDS = 10;
  private static final int MAX_KEPT = 128;
  private static final int EMITTED = 8;
  private static final double DAILY_ALPHA = 0.1;

  private final long windowMillis;
  private final long latenessMillis;
  private final int minCount;
  private final int minDistinct;
  private final double baselineMultiplier;
  private final Duration halfLife;

  /**
   * Reads {@code window} (10m), {@code min-count} (10 denials), {@code min-distinct-resources} (3),
   * {@code baseline-multiplier} (10: the threshold is at least this times the usual denials per
   * window), {@code allowed-lateness} (5m), {@code half-life} (6h).
   */
  public DeniedBurstDetector(DetectorSettings settings) {
    this.windowMillis = settings.getDuration(ID + ".window", Duration.ofMinutes(10)).toMillis();
    this.minCount = Math.min(MAX_KEPT, settings.getInt(ID + ".min-count", 10));
    this.minDistinct = settings.getInt(ID + ".min-distinct-resources", 3);
    this.baselineMultiplier = settings.getDouble(ID + ".baseline-multiplier", 10);
    this.latenessMillis =
        settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(6));
  }

  /** Recent denials (shared windowed engine) and the daily denial baseline. */
  public static final class State {
    AttemptLog log = new AttemptLog();
    Ewma deniedPerDay = new Ewma();
    long day = Long.MIN_VALUE;
    int deniedToday;
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

  /** The densest qualifying window of the current episode. */
  private record Burst(long end, int count, int distinct, List<String> eventIds) {}

  @Override
  public boolean reads(AccessSignal signal, DetectionContext context) {
    AccessEvent event = signal.access();
    return event != null && event.getDecision() == AccessDecision.DENIED;
  }

  @Override
  public List<RiskFinding> observe(AccessSignal signal, State state, DetectionContext context) {
    AccessEvent event = signal.access();
    if (event == null || event.getDecision() != AccessDecision.DENIED) {
      return List.of();
    }
    long at = event.getTimestamp().toEpochMilli();
    AttemptLog log = state.log;
    if (!log.admit(at, latenessMillis)) {
      return List.of(); // Beyond the allowed lateness: its window has been evaluated.
    }
    double usualPerDay = state.deniedPerDay.mean;
    rollDay(state, at);
    AttemptLog.Entry e = new AttemptLog.Entry();
    e.t = at;
    e.id = event.getEventId();
    // The resource's fingerprint: distinct counting needs no more, and the state stays small.
    e.what = Integer.toHexString(RecencySet.fingerprint(event.getResource()));
    e.ep = log.episodeOf(at, windowMillis);
    log.add(e, windowMillis + latenessMillis, MAX_KEPT);
    double usualPerWindow = usualPerDay * windowMillis / DAY;
    int threshold =
        (int)
            Math.min(MAX_KEPT, Math.max(minCount, Math.ceil(baselineMultiplier * usualPerWindow)));
    Burst burst = densest(log, threshold);
    if (burst == null) {
      return List.of();
    }
    int digest = AttemptLog.revision(burst.count()) * 256 + Math.min(255, burst.distinct());
    if (!log.markEmitted("burst|" + log.episode, digest, EMITTED)) {
      return List.of();
    }
    long minutes = Math.max(1, Math.round(windowMillis / 60_000.0));
    Instant end = Instant.ofEpochMilli(burst.end());
    return List.of(
        Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), end)
            .identity("burst|" + log.episode)
            .score(Math.min(70, 45 + 2.0 * (burst.count() - threshold) + 2.0 * burst.distinct()))
            .confidence(0.7)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Was denied %d times on %d different resources in %d minutes (usual: %.1f"
                        + " denials a day).",
                    burst.count(),
                    burst.distinct(),
                    minutes,
                    usualPerDay))
            .evidence("denied", burst.count())
            .evidence("distinctResources", burst.distinct())
            .evidence("windowMinutes", minutes)
            .evidence("windowEnd", end)
            .evidence("lastResource", event.getResource())
            .evidence("lastAction", event.getAction())
            .evidence("usualDeniedPerDay", String.format(Locale.ROOT, "%.1f", usualPerDay))
            .sourceEvents(burst.eventIds())
            .tactic("T1069")
            .build());
  }

  /** The window (ending at a buffered denial) with the most denials, if it qualifies. */
  private Burst densest(AttemptLog log, int threshold) {
    List<AttemptLog.Entry> entries = new ArrayList<>();
    for (AttemptLog.Entry e : log.entries) {
      if (e.ep == log.episode) {
        entries.add(e);
      }
    }
    Burst best = null;
    int from = 0;
    for (int to = 0; to < entries.size(); to++) {
      long end = entries.get(to).t;
      while (entries.get(from).t <= end - windowMillis) {
        from++;
      }
      int count = to - from + 1;
      if (count < threshold || (best != null && count <= best.count())) {
        continue;
      }
      Set<String> resources = new HashSet<>();
      List<String> ids = new ArrayList<>();
      for (int i = from; i <= to; i++) {
        resources.add(entries.get(i).what);
        ids.add(entries.get(i).id);
      }
      if (resources.size() >= minDistinct) {
        best =
            new Burst(
                end,
                count,
                resources.size(),
                ids.subList(Math.max(0, ids.size() - MAX_EVENT_IDS), ids.size()));
      }
    }
    return best;
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
