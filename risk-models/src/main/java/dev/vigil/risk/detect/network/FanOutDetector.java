package dev.vigil.risk.detect.network;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.Ewma;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A workload reaching far more distinct destinations (IP and port) in a window than it usually
 * does: scanning or lateral movement (Elastic "network connection to many hosts" / port-scan ML
 * jobs, Defender for Identity "network-mapping reconnaissance"). Distinct destinations per window
 * are estimated with a 1024-bit linear-counting sketch (128 bytes, exact enough up to a few
 * thousand); windows feed an EWMA mean and variance, idle windows counting as zero.
 *
 * <p>Order independence: the newest window and the one before it stay open (a flow of the previous
 * window is still counted while it is at most {@code allowed-lateness}, capped at the window,
 * behind the newest flow), and a window is always judged against the baseline of the windows before
 * its predecessor, so the same flows in any arrival order within the lateness give the same
 * findings; a finding's id is keyed by its window. Flows of older windows are ignored.
 */
public final class FanOutDetector implements Detector<NetworkFlow, FanOutDetector.State> {

  /** Detector id. */
  public static final String ID = "network.fan-out";

  private static final int BITS = 1024;
  private static final int SAMPLES = 5;
  private static final int MAX_IDLE_UPDATES = 1000;

  private final long windowMillis;
  private final long latenessMillis;
  private final double zThreshold;
  private final int minDistinct;
  private final double ratio;
  private final double alpha;
  private final long learningWindows;
  private final Duration halfLife;

  /**
   * Reads {@code window} (10m), {@code z-threshold} (4), {@code min-distinct} (30), {@code ratio}
   * (5: also this many times the usual mean), {@code alpha} (0.02), {@code learning-period} (1d),
   * {@code allowed-lateness} (5m), {@code half-life} (6h).
   */
  public FanOutDetector(DetectorSettings settings) {
    this.windowMillis = settings.getDuration(ID + ".window", Duration.ofMinutes(10)).toMillis();
    this.zThreshold = settings.getDouble(ID + ".z-threshold", 4);
    this.minDistinct = settings.getInt(ID + ".min-distinct", 30);
    this.ratio = settings.getDouble(ID + ".ratio", 5);
    this.alpha = settings.getDouble(ID + ".alpha", 0.02);
    this.learningWindows =
        settings.getDuration(ID + ".learning-period", Duration.ofDays(1)).toMillis() / windowMillis;
    this.latenessMillis =
        Math.min(
            windowMillis,
            settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis());
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(6));
  }

  /**
   * The open windows' sketches and samples (the newest and its predecessor), and the baseline of
   * distinct destinations per window: folded through the window before the predecessor, with a copy
   * one window older for judging the predecessor.
   */
  public static final class State {
    long window = Long.MIN_VALUE;
    long first;
    long foldedThrough;
    long newest;
    byte[] sketch = new byte[BITS / 8];
    byte[] previous = new byte[0];
    long windowsObserved;
    long observedBefore;
    Ewma distinct = new Ewma();
    Ewma before = new Ewma();
    boolean fired;
    boolean firedPrevious;
    List<String> samples = new ArrayList<>();
    List<String> eventIds = new ArrayList<>();
    List<String> previousSamples = new ArrayList<>();
    List<String> previousEventIds = new ArrayList<>();
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
    long at = flow.getTimestamp().toEpochMilli();
    long window = Math.floorDiv(at, windowMillis);
    if (state.window == Long.MIN_VALUE) {
      state.window = window;
      state.first = window;
      state.foldedThrough = window - 2;
    } else if (window > state.window) {
      advance(state, window);
    }
    boolean current = window == state.window;
    if (!current && (window != state.window - 1 || at < state.newest - latenessMillis)) {
      return List.of(); // Older than the open windows, or beyond the lateness: already judged.
    }
    if (!current && state.previous.length == 0) {
      state.previous = new byte[BITS / 8]; // A late first flow of a window thought idle.
      state.first = Math.min(state.first, window);
    }
    state.newest = Math.max(state.newest, at);
    byte[] sketch = current ? state.sketch : state.previous;
    String endpoint = flow.getDestinationIp() + ":" + flow.getDestinationPort();
    int bit = Math.floorMod(RecencySet.fingerprint(endpoint), BITS);
    boolean fresh = (sketch[bit / 8] & (1 << (bit % 8))) == 0;
    sketch[bit / 8] |= (byte) (1 << (bit % 8));
    if (fresh) {
      remember(current ? state.samples : state.previousSamples, Flows.describe(flow), SAMPLES);
      remember(current ? state.eventIds : state.previousEventIds, flow.getEventId(), SAMPLES);
    }
    Ewma baseline = current ? state.distinct : state.before;
    long observed = current ? state.windowsObserved : state.observedBefore;
    boolean fired = current ? state.fired : state.firedPrevious;
    double estimate = estimate(sketch);
    if (fired || observed < learningWindows || estimate < minDistinct) {
      return List.of();
    }
    double z = (estimate - baseline.mean) / baseline.sd(1);
    if (z < zThreshold || estimate < ratio * Math.max(baseline.mean, 1)) {
      return List.of();
    }
    if (current) {
      state.fired = true;
    } else {
      state.firedPrevious = true;
    }
    long minutes = Math.max(1, windowMillis / 60_000L);
    Instant windowStart = Instant.ofEpochMilli(window * windowMillis);
    return List.of(
        Findings.finding(ID, flow.getSourceWorkload(), SubjectType.WORKLOAD, windowStart)
            .identity("window|" + window)
            .score(Math.min(85, 50 + 5 * (z - zThreshold)))
            .confidence(0.75)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Connected to about %.0f distinct destinations in %d minutes (usual: %s).",
                    estimate,
                    minutes,
                    baseline.usualRange()))
            .evidence("distinctDestinations", Math.round(estimate))
            .evidence("windowStart", windowStart)
            .evidence("usual", baseline.usualRange())
            .evidence("zScore", String.format(Locale.ROOT, "%.1f", z))
            .evidence(
                "examples", String.join(", ", current ? state.samples : state.previousSamples))
            .sourceEvents(current ? state.eventIds : state.previousEventIds)
            .tactic("T1046")
            .build());
  }

  /** Opens window {@code next}: folds every window up to {@code next - 2} into the baseline. */
  private void advance(State state, long next) {
    long target = next - 2;
    if (state.foldedThrough == target - 1) {
      snapshot(state);
    }
    long x = state.foldedThrough + 1;
    while (x <= target) {
      if (x > state.window) {
        // Idle windows: zeros up to the one before the target, the snapshot, then the last one.
        long zeros = target - 1 - x + 1;
        if (zeros > 0) {
          state.distinct.updateZeros(zeros, alpha, MAX_IDLE_UPDATES);
          state.windowsObserved += zeros;
          x += zeros;
          snapshot(state);
        }
        state.distinct.update(0, alpha);
        state.windowsObserved++;
        x++;
        continue;
      }
      if (x >= state.first) {
        double v = x == state.window ? estimate(state.sketch) : estimate(state.previous);
        state.distinct.update(v, alpha);
        state.windowsObserved++;
      }
      if (x == target - 1) {
        snapshot(state);
      }
      x++;
    }
    state.foldedThrough = Math.max(state.foldedThrough, target);
    if (next == state.window + 1) {
      state.previous = state.sketch;
      state.firedPrevious = state.fired;
      state.previousSamples = state.samples;
      state.previousEventIds = state.eventIds;
    } else {
      state.previous = new byte[0];
      state.firedPrevious = false;
      state.previousSamples = new ArrayList<>();
      state.previousEventIds = new ArrayList<>();
    }
    state.window = next;
    state.sketch = new byte[BITS / 8];
    state.fired = false;
    state.samples = new ArrayList<>();
    state.eventIds = new ArrayList<>();
  }

  private static void snapshot(State state) {
    state.before = new Ewma();
    state.before.mean = state.distinct.mean;
    state.before.var = state.distinct.var;
    state.before.n = state.distinct.n;
    state.observedBefore = state.windowsObserved;
  }

  /** Linear counting: n is about -m ln(empty / m). */
  static double estimate(byte[] sketch) {
    if (sketch.length == 0) {
      return 0;
    }
    int set = 0;
    for (byte b : sketch) {
      set += Integer.bitCount(b & 0xFF);
    }
    int empty = BITS - set;
    if (empty == 0) {
      return BITS * Math.log(BITS);
    }
    return Math.round(-BITS * Math.log((double) empty / BITS));
  }

  private static void remember(List<String> list, String value, int cap) {
    if (list.size() < cap) {
      list.add(value);
    }
  }
}
