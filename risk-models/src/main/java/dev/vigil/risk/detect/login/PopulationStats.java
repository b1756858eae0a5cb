package dev.vigil.risk.detect.login;

import java.util.HashMap;
import java.util.Map;

/**
 * Population (all subjects) frequencies of login feature values, standing in for the attacker
 * distribution of Freeman et al.: per feature a capped, exponentially decayed count map.
 *
 * <p>It is held by one detector instance and updated from every successful sign-in that instance
 * sees, so it is per-instance (each instance sees its own partitions' subjects), approximate
 * (capped, decayed, evicting the least frequent values) and warm-started (empty after a restart and
 * filled again by traffic; while it is cold every value looks rare, which only strengthens the
 * evidence of values a subject already uses). It is not part of any subject's baseline.
 * Thread-safe.
 */
public final class PopulationStats {

  private final int capacity;
  private final double halfLifeSec;
  private final Map<String, DecayedCounts> features = new HashMap<>();

  /**
   * Creates empty statistics.
   *
   * @param capacity most values remembered per feature
   * @param halfLifeSec half-life of the counts in seconds
   */
  public PopulationStats(int capacity, double halfLifeSec) {
    this.capacity = capacity;
    this.halfLifeSec = halfLifeSec;
  }

  /** Counts one observed value of a feature at the given event time (epoch seconds). */
  public synchronized void observe(String feature, String value, long atSec) {
    if (value != null) {
      features
          .computeIfAbsent(feature, f -> new DecayedCounts())
          .add(value, atSec, capacity, halfLifeSec);
    }
  }

  /**
   * The smoothed population probability of a value: {@code (count + a) / (total + a * vocabulary)}.
   *
   * @param vocabulary the assumed number of possible values, for additive smoothing
   * @param smoothing the pseudo-count {@code a} per value
   */
  public synchronized double probability(
      String feature, String value, long nowSec, double vocabulary, double smoothing) {
    DecayedCounts c = features.get(feature);
    double count = c == null ? 0 : c.count(value, nowSec, halfLifeSec);
    double total = c == null ? 0 : c.total(nowSec, halfLifeSec);
    return (count + smoothing) / (total + smoothing * vocabulary);
  }

  /** Number of values remembered for a feature. */
  public synchronized int size(String feature) {
    DecayedCounts c = features.get(feature);
    return c == null ? 0 : c.size();
  }
}
