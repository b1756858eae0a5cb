package dev.vigil.risk.fusion;

import dev.vigil.schema.Contribution;
import dev.vigil.schema.RiskLevel;
import java.util.List;

/**
 * A subject's risk after fusion.
 *
 * @param score 0-100
 * @param level the level after hysteresis
 * @param previousLevel the level held before
 * @param contributions strongest first, capped
 * @param sourceEventIds the raw events behind the contributions
 */
public record FusionResult(
    double score,
    RiskLevel level,
    RiskLevel previousLevel,
    List<Contribution> contributions,
    List<String> sourceEventIds) {

  /** Whether the level changed. */
  public boolean levelChanged() {
    return level != previousLevel;
  }
}
