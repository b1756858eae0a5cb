package dev.vigil.risk.detect.network;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.risk.reference.ThreatMatch;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A workload connecting to an address on a threat-intelligence list (IP, CIDR block or the
 * destination's ASN), as Elastic's indicator-match rules, Defender for Endpoint network IoCs and
 * GuardDuty do. Scored by the indicator's category; the indicator's confidence becomes the
 * finding's. The same destination is reported again only after a repeat interval.
 */
public final class ThreatIntelDestinationDetector
    implements Detector<NetworkFlow, ThreatIntelDestinationDetector.State> {

  /** Detector id. */
  public static final String ID = "network.threat-intel-destination";

  private final long repeatMillis;
  private final Duration halfLife;

  /** Reads {@code repeat-interval} (1h), {@code half-life} (24h). */
  public ThreatIntelDestinationDetector(DetectorSettings settings) {
    this.repeatMillis =
        settings.getDuration(ID + ".repeat-interval", Duration.ofHours(1)).toMillis();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(24));
  }

  /** Destinations reported recently. */
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
    Long asn = flow.getDestinationGeo() == null ? null : flow.getDestinationGeo().getAsn();
    Optional<ThreatMatch> match =
        context.reference().threat(flow.getDestinationIp(), asn, flow.getTimestamp());
    if (match.isEmpty()) {
      return List.of();
    }
    long at = flow.getTimestamp().toEpochMilli();
    if (Flows.reportedRecently(state.reported, flow.getDestinationIp(), at, repeatMillis)) {
      return List.of();
    }
    var indicator = match.get().indicator();
    double score =
        switch (indicator.getCategory()) {
          case MALWARE_C2 -> 90;
          case BOTNET -> 85;
          case KNOWN_ATTACKER -> 80;
          case TOR_EXIT -> 70;
          case ANONYMIZER -> 60;
          case SCANNER -> 40;
          case OTHER -> 50;
        };
    String category = indicator.getCategory().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    return List.of(
        Findings.finding(ID, flow.getSourceWorkload(), SubjectType.WORKLOAD, flow.getTimestamp())
            .score(score)
            .confidence(indicator.getConfidence())
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Connected to %s, listed as %s by %s (matched %s); sent %s.",
                    Flows.describe(flow),
                    category,
                    indicator.getSource() == null ? "threat intelligence" : indicator.getSource(),
                    match.get().matchedOn(),
                    Flows.bytes(flow.getBytesOut())))
            .evidence("destinationIp", flow.getDestinationIp())
            .evidence("destinationPort", flow.getDestinationPort())
            .evidence("indicatorId", indicator.getIndicatorId())
            .evidence("category", indicator.getCategory())
            .evidence("matchedOn", match.get().matchedOn())
            .evidence("bytesOut", flow.getBytesOut())
            .sourceEvents(flow.getEventId())
            .tactic("T1071")
            .build());
  }
}
