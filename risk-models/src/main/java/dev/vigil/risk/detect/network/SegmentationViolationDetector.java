package dev.vigil.risk.detect.network;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
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
 * A flow outside the micro-segmentation policy (Istio/Cilium policy-denied telemetry, Illumio and
 * Guardicore segmentation alerts): when the source workload has an edge policy, a destination not
 * listed for it, or a port the allowed edge does not include. Edges name a workload, or an external
 * destination: a CIDR block containing the destination address, or a domain (exact or {@code
 * *.parent}) matching the flow's {@code domain}/{@code sni} attribute, so declared external traffic
 * (a payment API, a SaaS) is allowed while any other external destination is not. Workloads without
 * a policy are left to {@code network.new-edge}. The same (destination, port) is reported again
 * only after a repeat interval.
 */
public final class SegmentationViolationDetector
    implements Detector<NetworkFlow, SegmentationViolationDetector.State> {

  /** Detector id. */
  public static final String ID = "network.segmentation-violation";

  private final long repeatMillis;
  private final Duration halfLife;

  /** Reads {@code repeat-interval} (1h), {@code half-life} (12h). */
  public SegmentationViolationDetector(DetectorSettings settings) {
    this.repeatMillis =
        settings.getDuration(ID + ".repeat-interval", Duration.ofHours(1)).toMillis();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** Violations reported recently. */
  public static final class State {
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
    String source = flow.getSourceWorkload();
    if (!context.reference().hasEdgePolicy(source)) {
      return List.of();
    }
    String destination = Flows.destination(flow);
    String domain = Flows.domain(flow);
    Optional<ServiceEdge> edge = Flows.declaredEdge(flow, context.reference());
    int port = flow.getDestinationPort();
    boolean portViolation = edge.isPresent() && !Flows.allowsPort(edge.get(), flow);
    if (edge.isPresent() && !portViolation) {
      return List.of();
    }
    long at = flow.getTimestamp().toEpochMilli();
    if (Flows.reportedRecently(state.reported, destination + ":" + port, at, repeatMillis)) {
      return List.of();
    }
    String summary =
        portViolation
            ? String.format(
                Locale.ROOT,
                "Connected to %s on port %d, but the segmentation policy allows only ports %s.",
                domain == null || flow.getDestinationWorkload() != null
                    ? destination
                    : destination + " (" + domain + ")",
                port,
                edge.get().getPorts())
            : String.format(
                Locale.ROOT,
                "Connected to %s%s, which the segmentation policy does not allow for this"
                    + " workload.",
                Flows.describe(flow),
                domain == null ? "" : " (" + domain + ")");
    return List.of(
        Findings.finding(ID, source, SubjectType.WORKLOAD, flow.getTimestamp())
            .score(portViolation ? 55 : 70)
            .confidence(0.9)
            .halfLife(halfLife)
            .summary(summary)
            .evidence("destination", destination)
            .evidence("destinationIp", flow.getDestinationIp())
            .evidence("destinationPort", port)
            .evidence("violation", portViolation ? "port" : "edge")
            .evidence("destinationDomain", domain == null ? "" : domain)
            .evidence("external", !Flows.internal(flow))
            .evidence("bytesOut", flow.getBytesOut())
            .sourceEvents(flow.getEventId())
            .tactic(Flows.internal(flow) ? "T1021" : "T1048")
            .build());
  }
}
