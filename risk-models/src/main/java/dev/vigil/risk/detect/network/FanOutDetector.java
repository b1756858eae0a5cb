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
 * jobs, Defender for Identity "network-mapping reconnaissance"). Distinct destinations in the open
 * window are estimated with a 1024-bit linear-counting sketch (128 bytes, exact enough up to a few
 * thousand); closed windows feed an EWMA mean and variance, idle windows counting as zero. Flows of
 * a window already closed (late) are not counted.
 */
public final class FanOutDetector implements Detector<NetworkFlow, FanOutDetector.State> {

  /** Detector id. */
  public static final String ID = "network.fan-out";

  private static final int BITS = 1024;
  private static final int SAMPLES = 5;

  private final long windowMillis;
  private final double zThreshold;
  private final int minDistinct;
  private final double ratio;
  private final double alpha;
  private final long learningWindows;
  private final Duration halfLife;

  /**
   * Reads {@code window} (10m), {@code z-threshold} (4), {@code min-distinct} (30), {@code ratio}
   * (5: also this many times the usual mean), {@code alpha} (0.02), {@code learning-period} (1d),
   * {@code half-life} (6h).
   */
  public FanOutDetector(DetectorSettings settings) {
    this.windowMillis = settings.getDuration(ID + ".window", Duration.ofMinutes(10)).toMillis();
    this.zThreshold = settings.getDouble(ID + ".z-threshold", 4);
    this.minDistinct = settings.getInt(ID + ".min-distinct", 30);
    this.ratio = settings.getDouble(ID + ".ratio", 5);
    this.alpha = settings.getDouble(ID + ".alpha", 0.02);
    this.learningWindows =
        settings.getDuration(ID + ".learning-period", Duration.ofDays(1)).toMillis() / windowMillis;
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(6));
  }

  /** The open window's sketch and samples, and the baseline of distinct destinations per window. */
  public static final class State {
    long window = Long.MIN_VALUE;
    byte[] sketch = new byte[BITS / 8];
    long windowsObserved;
    Ewma distinct = new Ewma();
    boolean fired;
    List<String> samples = new ArrayList<>();
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
  public List<RiskFinding> observe(NetworkFlow flow, State state, DetectionContext context) {
    long window = Math.floorDiv(flow.getTimestamp().toEpochMilli(), windowMillis);
    if (state.window == Long.MIN_VALUE) {
      state.window = window;
    } else if (window < state.window) {
      return List.of();
    } else if (window > state.window) {
      close(state, window);
    }
    String endpoint = flow.getDestinationIp() + ":" + flow.getDestinationPort();
    int bit = Math.floorMod(RecencySet.fingerprint(endpoint), BITS);
    boolean fresh = (state.sketch[bit / 8] & (1 << (bit % 8))) == 0;
    state.sketch[bit / 8] |= (byte) (1 << (bit % 8));
    if (fresh) {
      remember(state.samples, Flows.describe(flow), SAMPLES);
      remember(state.eventIds, flow.getEventId(), SAMPLES);
    }
    double estimate = estimate(state.sketch);
    if (state.fired || state.windowsObserved < learningWindows || estimate < minDistinct) {
      return List.of();
    }
    double z = (estimate - state.distinct.mean) / state.distinct.sd(1);
    if (z < zThreshold || estimate < ratio * Math.max(state.distinct.mean, 1)) {
      return List.of();
    }
    state.fired = true;
    long minutes = Math.max(1, windowMillis / 60_000L);
    return List.of(
        Findings.finding(ID, flow.getSourceWorkload(), SubjectType.WORKLOAD, flow.getTimestamp())
            .score(Math.min(85, 50 + 5 * (z - zThreshold)))
            .confidence(0.75)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Connected to about %.0f distinct destinations in %d minutes (usual: %s).",
                    estimate,
                    minutes,
                    state.distinct.usualRange()))
            .evidence("distinctDestinations", Math.round(estimate))
            .evidence("windowStart", Instant.ofEpochMilli(state.window * windowMillis))
            .evidence("usual", state.distinct.usualRange())
            .evidence("zScore", String.format(Locale.ROOT, "%.1f", z))
            .evidence("examples", String.join(", ", state.samples))
            .sourceEvents(state.eventIds)
            .tactic("T1046")
            .build());
  }

  private void close(State state, long next) {
    state.distinct.update(estimate(state.sketch), alpha);
    long idle = next - state.window - 1;
    state.distinct.updateZeros(idle, alpha, 1000);
    state.windowsObserved += next - state.window;
    state.window = next;
    state.sketch = new byte[BITS / 8];
    state.fired = false;
    state.samples.clear();
    state.eventIds.clear();
  }

  /** Linear counting: n is about -m ln(empty / m). */
  static double estimate(byte[] sketch) {
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
