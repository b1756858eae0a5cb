package dev.vigil.risk.fusion;

import dev.vigil.risk.RiskLevels;
import dev.vigil.risk.detect.DetectorSettings;
import java.time.Duration;

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
 * @param levels where each risk level starts (20, 40, 70, 90)
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
    long allowedLatenessSeconds,
    RiskLevels.Bounds levels) {

  /** The defaults. */
  public static FusionSettings defaults() {
    return from(DetectorSettings.defaults());
  }

  /**
   * Fusion parameters from settings ({@code fusion.*}, {@code levels.*}), each defaulting as
   * documented above; read through {@link DetectorSettings} so they are settings like detector
   * parameters.
   */
  public static FusionSettings from(DetectorSettings s) {
    return new FusionSettings(
        s.getDouble("fusion.zeta-exponent", 1.5),
        s.getInt("fusion.max-findings", 32),
        s.getInt("fusion.max-event-ids", 10),
        s.getDouble("fusion.min-effective-score", 1.0),
        s.getDouble("fusion.hysteresis-margin", 5),
        s.getInt("fusion.top-contributions", 5),
        s.getDouble("fusion.repeat-exponent", 2.0),
        s.getDouble("fusion.repeat-cap-factor", 2.0),
        s.getDuration("fusion.repeat-min-gap", Duration.ofHours(1)).toSeconds(),
        s.getDuration("fusion.max-clock-skew", Duration.ofMinutes(5)).toSeconds(),
        s.getDuration("fusion.allowed-lateness", Duration.ofMinutes(5)).toSeconds(),
        new RiskLevels.Bounds(
            s.getDouble("levels.low", 20),
            s.getDouble("levels.medium", 40),
            s.getDouble("levels.high", 70),
            s.getDouble("levels.critical", 90)));
  }
}
