package dev.vigil.risk;

import dev.vigil.schema.RiskLevel;

/**
 * Maps 0-100 risk scores to levels: none &lt; 20, low &lt; 40, medium &lt; 70, high &lt; 90,
 * critical.
 */
public final class RiskLevels {

  private RiskLevels() {}

  /** The level a score falls in, without hysteresis. */
  public static RiskLevel of(double score) {
    if (score >= 90) {
      return RiskLevel.CRITICAL;
    } else if (score >= 70) {
      return RiskLevel.HIGH;
    } else if (score >= 40) {
      return RiskLevel.MEDIUM;
    } else if (score >= 20) {
      return RiskLevel.LOW;
    }
    return RiskLevel.NONE;
  }

  /** The lowest score that belongs to a level. */
  public static double lowerBound(RiskLevel level) {
    return switch (level) {
      case NONE -> 0;
      case LOW -> 20;
      case MEDIUM -> 40;
      case HIGH -> 70;
      case CRITICAL -> 90;
    };
  }

  /**
   * The level for a score given the level held so far: rising takes effect at once, falling only
   * once the score is {@code margin} points below the held level's lower bound, so a score hovering
   * at a threshold does not flap.
   */
  public static RiskLevel withHysteresis(double score, RiskLevel held, double margin) {
    RiskLevel raw = of(score);
    if (held == null || raw.compareTo(held) >= 0) {
      return raw;
    }
    RiskLevel level = held;
    while (level.ordinal() > raw.ordinal() && score < lowerBound(level) - margin) {
      level = RiskLevel.values()[level.ordinal() - 1];
    }
    return level;
  }
}
