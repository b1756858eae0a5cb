package dev.vigil.risk.fusion;

import dev.vigil.schema.Contribution;
import dev.vigil.schema.RiskLevel;
import java.time.Instant;
import java.util.List;

/**
 * A subject's risk after fusion.
 *
 * @param score 0-100
 * @param level the level after hysteresis
 * @param previousLevel the level held before
 * @param contributions one per detector, heaviest first, capped
 * @param sourceEventIds the raw events behind the contributions
 * @param findingCount every active finding, not only those reported
 * @param detectorCount every detector with an active finding
 * @param windowStart event time of the oldest active finding (null when none)
 * @param windowEnd event time of the newest active finding (null when none)
 * @param targets what the findings name (targets, hosts, resources), heaviest finding first,
 *     distinct, capped; {@code targetCount} is the true total
 * @param targetCount distinct targets over all active findings
 * @param findingsPerDetector active findings per detector id, in contribution order
 */
public record FusionResult(
    double score,
    RiskLevel level,
    RiskLevel previousLevel,
    List<Contribution> contributions,
    List<String> sourceEventIds,
    int findingCount,
    int detectorCount,
    Instant windowStart,
    Instant windowEnd,
    List<String> targets,
    int targetCount,
    java.util.Map<String, Integer> findingsPerDetector) {

  /** A result without totals, for callers that only need score and level. */
  public FusionResult(
      double score,
      RiskLevel level,
      RiskLevel previousLevel,
      List<Contribution> contributions,
      List<String> sourceEventIds) {
    this(
        score,
        level,
        previousLevel,
        contributions,
        sourceEventIds,
        contributions.size(),
        contributions.size(),
        null,
        null,
        List.of(),
        0,
        java.util.Map.of());
  }

  /** Whether the level changed. */
  public boolean levelChanged() {
    return level != previousLevel;
  }
}
