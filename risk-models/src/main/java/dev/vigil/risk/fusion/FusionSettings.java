package dev.vigil.risk.fusion;

/**
 * Parameters of risk fusion.
 *
 * @param zetaExponent p in the 1/i^p weighting of the i-th strongest detector (1.5)
 * @param maxFindings active findings kept per subject (32)
 * @param maxEventIdsPerFinding source event ids kept per finding (10)
 * @param minEffectiveScore a decayed finding below this is dropped (1.0)
 * @param hysteresisMargin points below a level's bound before the level falls (5)
 * @param topContributions contributions reported with a score (5)
 */
public record FusionSettings(
    double zetaExponent,
    int maxFindings,
    int maxEventIdsPerFinding,
    double minEffectiveScore,
    double hysteresisMargin,
    int topContributions) {

  /** The defaults. */
  public static FusionSettings defaults() {
    return new FusionSettings(1.5, 32, 10, 1.0, 5, 5);
  }
}
