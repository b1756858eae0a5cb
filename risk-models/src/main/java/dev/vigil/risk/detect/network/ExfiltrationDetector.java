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
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Unusual outbound volume (Elastic "high bytes sent to external" and exfiltration ML jobs, Defender
 * for Cloud Apps "unusual data exfiltration"): bytes sent by a workload in the current window
 * against the EWMA of its windows and against a decayed peak, so a large transfer the workload
 * makes regularly (a nightly backup) is learned as normal. Scored higher when the destination is
 * external, and higher still when it is on a threat-intelligence list.
 */
public final class ExfiltrationDetector
    implements Detector<NetworkFlow, ExfiltrationDetector.State> {

  /** Detector id. */
  public static final String ID = "network.exfiltration";

  private static final int MAX_EVENT_IDS = 5;

  private final long windowMillis;
  private final double ratio;
  private final double peakRatio;
  private final long minBytes;
  private final double alpha;
  private final double peakHalfLifeMillis;
  private final long learningWindows;
  private final Duration halfLife;

  /**
   * Reads {@code window} (1h), {@code ratio} (10: times the usual window), {@code peak-ratio} (2:
   * times the decayed peak), {@code min-mb} (100), {@code alpha} (0.02), {@code peak-half-life}
   * (14d), {@code learning-period} (7d), {@code half-life} (24h).
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
      return List.of();
    }
    state.fired = true;
    boolean external = !Flows.internal(flow);
    Long asn = flow.getDestinationGeo() == null ? null : flow.getDestinationGeo().getAsn();
    Optional<ThreatMatch> threat =
        context.reference().threat(flow.getDestinationIp(), asn, flow.getTimestamp());
    double score = 55 + (external ? 15 : 0) + (threat.isPresent() ? 25 : 0);
    double times = state.bytes / Math.max(state.perWindow.mean, 1);
    return List.of(
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
