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
    ToIntFunction<String> signalPartitions) {

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
        topic -> 0);
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
        signalPartitions);
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
        partitions);
  }
}
