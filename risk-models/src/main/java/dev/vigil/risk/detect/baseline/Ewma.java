package dev.vigil.risk.detect.baseline;

/**
 * Exponentially weighted mean and variance. The first observations are averaged plainly (the weight
 * never drops below 1/(n+1)), so an early baseline is not biased towards zero. Shared by the access
 * and network baselines; its fields are its encoding, so renaming one is a migration.
 */
public final class Ewma {

  /** The weighted mean. */
  public double mean;

  /** The weighted variance. */
  public double var;

  /** Observations folded in. */
  public long n;

  /** Folds in one observation with smoothing factor {@code alpha}. */
  public void update(double x, double alpha) {
    double a = Math.max(alpha, 1.0 / (n + 1));
    if (n == 0) {
      mean = x;
      var = 0;
    } else {
      double d = x - mean;
      mean += a * d;
      var = (1 - a) * (var + a * d * d);
    }
    n++;
  }

  /** A copy of one slot of a packed set of baselines. */
  public static Ewma slot(double[] means, double[] vars, long[] counts, int i) {
    Ewma e = new Ewma();
    e.mean = means[i];
    e.var = vars[i];
    e.n = counts[i];
    return e;
  }

  /** Updates one slot of a packed set of baselines (parallel arrays encode more compactly). */
  public static void update(
      double[] means, double[] vars, long[] counts, int i, double x, double alpha) {
    Ewma e = slot(means, vars, counts, i);
    e.update(x, alpha);
    means[i] = e.mean;
    vars[i] = e.var;
    counts[i] = e.n;
  }

  /** Folds in {@code times} observations of zero (capped, since the effect saturates). */
  public void updateZeros(long times, double alpha, int cap) {
    for (long i = 0; i < Math.min(times, cap); i++) {
      update(0, alpha);
    }
  }

  /** Standard deviation, floored at the Poisson deviation sqrt(mean) and at {@code floor}. */
  public double sd(double floor) {
    return Math.max(Math.sqrt(Math.max(var, 0)), Math.max(Math.sqrt(Math.max(mean, 0)), floor));
  }

  /** "lo-hi": the usual range, mean plus or minus one standard deviation, as whole numbers. */
  public String usualRange() {
    double sd = Math.sqrt(Math.max(var, 0));
    long lo = (long) Math.floor(Math.max(0, mean - sd));
    long hi = (long) Math.ceil(mean + sd);
    return lo + "-" + Math.max(lo, hi);
  }
}
