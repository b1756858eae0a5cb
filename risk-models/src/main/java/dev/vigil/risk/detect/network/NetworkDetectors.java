package dev.vigil.risk.detect.network;

import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.NetworkFlow;

/**
 * Registration of the network-family detectors, all over {@link NetworkFlow}, keyed by source
 * workload (subject type WORKLOAD).
 */
public final class NetworkDetectors {

  private NetworkDetectors() {}

  /** Registers every network detector with parameters from settings. */
  public static void registerDefaults(DetectorCatalog catalog, DetectorSettings settings) {
    catalog.register(NetworkFlow.class, new NewEdgeDetector(settings));
    catalog.register(NetworkFlow.class, new SegmentationViolationDetector(settings));
    catalog.register(NetworkFlow.class, new FanOutDetector(settings));
    catalog.register(NetworkFlow.class, new ExfiltrationDetector(settings));
    catalog.register(NetworkFlow.class, new PlaintextEastWestDetector(settings));
    catalog.register(NetworkFlow.class, new ThreatIntelDestinationDetector(settings));
  }
}
