package dev.vigil.app.topology;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.enforcement.SetIssuer;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.fusion.FusionSettings;
import java.time.Duration;
import java.util.function.ToIntFunction;

/**
 * What the topology needs besides topics: detectors, reference data, scoring parameters, the policy
 * holder and metrics. Built by the application from configuration, or by tests.
 *
 * @param catalog detectors per signal family
 * @param detection reference data and detector settings
 * @param fusion fusion parameters
 * @param policy the policy in force, updated from the policy topic
 * @param decayInterval how often risk is recomputed as time passes (wall clock)
 * @param metrics Vigil's meters
 * @param deviceCheckInterval how often devices are checked for stale posture (wall clock)
 * @param sets signs decisions as CAEP SETs for the SETs topic, or null for no SETs
 * @param signalPartitions partitions of a signal topic by name, 0 when unknown (every record of it
 *     is then repartitioned by its key)
 * @param rawMappings mappings whose raw topics the topology maps to signals (none: no raw stage)
 */
public record TopologyDependencies(
    DetectorCatalog catalog,
    DetectionContext detection,
    FusionSettings fusion,
    PolicyHolder policy,
    Duration decayInterval,
    VigilMetrics metrics,
    Duration deviceCheckInterval,
    SetIssuer sets,
    ToIntFunction<String> signalPartitions,
    java.util.List<dev.vigil.app.ingest.Mapping> rawMappings) {

  /** Dependencies without SETs. */
  public TopologyDependencies(
      DetectorCatalog catalog,
      DetectionContext detection,
      FusionSettings fusion,
      PolicyHolder policy,
      Duration decayInterval,
      VigilMetrics metrics,
      Duration deviceCheckInterval) {
    this(
        catalog,
        detection,
        fusion,
        policy,
        decayInterval,
        metrics,
        deviceCheckInterval,
        null,
        topic -> 0,
        java.util.List.of());
  }

  /** Dependencies with a device check every five minutes. */
  public TopologyDependencies(
      DetectorCatalog catalog,
      DetectionContext detection,
      FusionSettings fusion,
      PolicyHolder policy,
      Duration decayInterval,
      VigilMetrics metrics) {
    this(catalog, detection, fusion, policy, decayInterval, metrics, Duration.ofMinutes(5));
  }

  /** The same dependencies, with SETs signed by the given issuer (null: none). */
  public TopologyDependencies withSets(SetIssuer issuer) {
    return new TopologyDependencies(
        catalog,
        detection,
        fusion,
        policy,
        decayInterval,
        metrics,
        deviceCheckInterval,
        issuer,
        signalPartitions,
        rawMappings);
  }

  /** The same dependencies, with the partition counts of the signal topics. */
  public TopologyDependencies withSignalPartitions(ToIntFunction<String> partitions) {
    return new TopologyDependencies(
        catalog,
        detection,
        fusion,
        policy,
        decayInterval,
        metrics,
        deviceCheckInterval,
        sets,
        partitions,
        rawMappings);
  }

  /** The same dependencies, with a raw-topic mapping stage for these mappings. */
  public TopologyDependencies withRawMappings(
      java.util.List<dev.vigil.app.ingest.Mapping> mappings) {
    return new TopologyDependencies(
        catalog,
        detection,
        fusion,
        policy,
        decayInterval,
        metrics,
        deviceCheckInterval,
        sets,
        signalPartitions,
        java.util.List.copyOf(mappings));
  }
}
