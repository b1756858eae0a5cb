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

  /**
   * Where each level starts, for deployments that move the thresholds.
   *
   * @param low lowest score of LOW (20)
   * @param medium lowest score of MEDIUM (40)
   * @param high lowest score of HIGH (70)
   * @param critical lowest score of CRITICAL (90)
   */
  public record Bounds(double low, double medium, double high, double critical) {

    /** The defaults: none &lt; 20 &le; low &lt; 40 &le; medium &lt; 70 &le; high &lt; 90. */
    public static final Bounds DEFAULT = new Bounds(20, 40, 70, 90);

    /** Validates that the bounds rise within 0..100. */
    public Bounds {
      if (!(0 < low && low < medium && medium < high && high < critical && critical <= 100)) {
        throw new IllegalArgumentException(
            "Level bounds must rise within 0..100 (low < medium < high < critical), not "
                + low
                + ", "
                + medium
                + ", "
                + high
                + ", "
                + critical
                + ".");
      }
    }

    /** The level a score falls in, without hysteresis. */
    public RiskLevel of(double score) {
      if (score >= critical) {
        return RiskLevel.CRITICAL;
      } else if (score >= high) {
        return RiskLevel.HIGH;
      } else if (score >= medium) {
        return RiskLevel.MEDIUM;
      } else if (score >= low) {
        return RiskLevel.LOW;
      }
      return RiskLevel.NONE;
    }

    /** The lowest score that belongs to a level. */
    public double lowerBound(RiskLevel level) {
      return switch (level) {
        case NONE -> 0;
        case LOW -> low;
        case MEDIUM -> medium;
        case HIGH -> high;
        case CRITICAL -> critical;
      };
    }

    /** {@link RiskLevels#withHysteresis} with these bounds. */
    public RiskLevel withHysteresis(double score, RiskLevel held, double margin) {
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
}
