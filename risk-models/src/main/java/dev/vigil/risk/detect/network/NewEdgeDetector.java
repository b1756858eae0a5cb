package dev.vigil.risk.detect.network;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A workload talking to a destination it has never talked to, after a learning period (Elastic
 * "first time seen" network rules, Defender for Cloud "anomalous network connection", service-mesh
 * observability baselines). Destinations are the destination workload when known, else the IP; they
 * are kept as fingerprints in a capped set with least-recently-used eviction. Destinations the
 * segmentation policy declares for the workload (on an allowed port) are learned but never
 * reported.
 */
public final class NewEdgeDetector implements Detector<NetworkFlow, NewEdgeDetector.State> {

  /** Detector id. */
  public static final String ID = "network.new-edge";

  private final int capacity;
  private final long learningMillis;
  private final long learningMinFlows;
  private final Duration halfLife;

  /**
   * Reads {@code capacity} (128 destinations), {@code learning-period} (7d), {@code
   * learning-min-flows} (50), {@code half-life} (12h).
   */
  public NewEdgeDetector(DetectorSettings settings) {
    this.capacity = settings.getInt(ID + ".capacity", 128);
    this.learningMillis =
        settings.getDuration(ID + ".learning-period", Duration.ofDays(7)).toMillis();
    this.learningMinFlows = settings.getInt(ID + ".learning-min-flows", 50);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** Known destinations and learning progress. */
  public static final class State {
    long firstAt = Long.MAX_VALUE;
    long flows;
    RecencySet destinations = new RecencySet();
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
    boolean learned =
        state.flows >= learningMinFlows
            && state.firstAt != Long.MAX_VALUE
            && at - state.firstAt >= learningMillis;
    state.firstAt = Math.min(state.firstAt, at);
    state.flows++;
    int known = state.destinations.size();
    boolean isNew =
        state.destinations.touch(
            RecencySet.fingerprint(Flows.destination(flow)), RecencySet.minute(at), capacity);
    if (!isNew || !learned) {
      return List.of();
    }
    // A destination the segmentation policy declares is expected, even the first time.
    if (Flows.declaredEdge(flow, context.reference())
        .filter(e -> Flows.allowsPort(e, flow))
        .isPresent()) {
      return List.of();
    }
    boolean internal = Flows.internal(flow);
    return List.of(
        Findings.finding(ID, flow.getSourceWorkload(), SubjectType.WORKLOAD, flow.getTimestamp())
            .score(internal ? 30 : 40)
            .confidence(0.6)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Connected to %s%s for the first time (%d destinations known from %d flows).",
                    internal ? "" : "external ",
                    Flows.describe(flow),
                    known,
                    state.flows - 1))
            .evidence("destination", Flows.destination(flow))
            .evidence("destinationIp", flow.getDestinationIp())
            .evidence("destinationPort", flow.getDestinationPort())
            .evidence("internal", internal)
            .evidence("knownDestinations", known)
            .sourceEvents(flow.getEventId())
            .tactic(internal ? "T1021" : null)
            .build());
  }
}
