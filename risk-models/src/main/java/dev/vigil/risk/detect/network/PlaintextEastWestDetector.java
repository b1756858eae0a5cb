package dev.vigil.risk.detect.network;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.Ewma;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.ServiceEdge;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Plaintext east-west traffic where mutual TLS is expected (Istio/Linkerd "plaintext traffic in
 * STRICT mTLS mode", service-mesh bypass detections): a flow to an internal destination without
 * mTLS, when the allowed edge requires mTLS or when the workload normally uses mTLS (EWMA share of
 * mTLS flows at or above a level, after enough flows). Reported once per destination per repeat
 * interval.
 */
public final class PlaintextEastWestDetector
    implements Detector<NetworkFlow, PlaintextEastWestDetector.State> {

  /** Detector id. */
  public static final String ID = "network.plaintext-east-west";

  private final double usualShare;
  private final long minFlows;
  private final double alpha;
  private final long repeatMillis;
  private final Duration halfLife;

  /**
   * Reads {@code usual-mtls-share} (0.95), {@code min-flows} (50), {@code alpha} (0.01), {@code
   * repeat-interval} (1h), {@code half-life} (12h).
   */
  public PlaintextEastWestDetector(DetectorSettings settings) {
    this.usualShare = settings.getDouble(ID + ".usual-mtls-share", 0.95);
    this.minFlows = settings.getInt(ID + ".min-flows", 50);
    this.alpha = settings.getDouble(ID + ".alpha", 0.01);
    this.repeatMillis =
        settings.getDuration(ID + ".repeat-interval", Duration.ofHours(1)).toMillis();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** The share of east-west flows using mTLS, and destinations reported recently. */
  public static final class State {
    Ewma mtlsShare = new Ewma();
    RecencySet reported = new RecencySet();
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
    if (!Flows.internal(flow)) {
      return List.of();
    }
    double shareBefore = state.mtlsShare.mean;
    boolean habitual = state.mtlsShare.n >= minFlows && shareBefore >= usualShare;
    state.mtlsShare.update(flow.getMtls() ? 1 : 0, alpha);
    if (flow.getMtls()) {
      return List.of();
    }
    Optional<ServiceEdge> edge =
        context.reference().allowedEdge(flow.getSourceWorkload(), Flows.destination(flow));
    boolean required = edge.isPresent() && edge.get().getRequireMtls();
    if (!required && !habitual) {
      return List.of();
    }
    long at = flow.getTimestamp().toEpochMilli();
    if (Flows.reportedRecently(state.reported, Flows.destination(flow), at, repeatMillis)) {
      return List.of();
    }
    String why =
        required
            ? "the segmentation policy requires mTLS on this edge"
            : String.format(
                Locale.ROOT, "%.0f%% of its east-west flows use mTLS", 100 * shareBefore);
    return List.of(
        Findings.finding(ID, flow.getSourceWorkload(), SubjectType.WORKLOAD, flow.getTimestamp())
            .score(required ? 50 : 40)
            .confidence(required ? 0.9 : 0.7)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Connected to %s without mTLS, but %s.",
                    Flows.describe(flow),
                    why))
            .evidence("destination", Flows.destination(flow))
            .evidence("destinationPort", flow.getDestinationPort())
            .evidence("policyRequiresMtls", required)
            .evidence("usualMtlsShare", String.format(Locale.ROOT, "%.2f", shareBefore))
            .sourceEvents(flow.getEventId())
            .build());
  }
}
