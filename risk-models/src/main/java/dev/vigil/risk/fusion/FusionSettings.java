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
 * @param repeatExponent q in the 1/j^q weighting of a detector's j-th strongest finding, so many
 *     weak findings of one kind add up (2.0; larger: repeats count less)
 * @param repeatCapFactor repeated findings of one detector weigh at most this many times its
 *     strongest finding (2.0; 1 turns accumulation off)
 * @param repeatMinGapSeconds findings of one detector closer in time than this count as one (the
 *     strongest), so a detector re-firing on one burst does not stack (3600)
 * @param maxClockSkewSeconds an event stamped later than the wall clock plus this is scored at the
 *     wall clock plus this (300)
 * @param allowedLatenessSeconds subjects are moved forward on stream time only up to this far
 *     behind it, so findings up to this late are still scored at their own time (300)
 */
public record FusionSettings(
    double zetaExponent,
    int maxFindings,
    int maxEventIdsPerFinding,
    double minEffectiveScore,
    double hysteresisMargin,
    int topContributions,
    double repeatExponent,
    double repeatCapFactor,
    long repeatMinGapSeconds,
    long maxClockSkewSeconds,
    long allowedLatenessSeconds) {

  /** The defaults. */
  public static FusionSettings defaults() {
    return new FusionSettings(1.5, 32, 10, 1.0, 5, 5, 2.0, 2.0, 3600, 300, 300);
  }
}
