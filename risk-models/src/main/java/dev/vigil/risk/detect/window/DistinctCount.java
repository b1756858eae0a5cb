package dev.vigil.risk.detect.window;

import dev.vigil.risk.detect.baseline.RecencySet;
import java.util.Arrays;

/**
 * An exact distinct count of up to a cap of values (kept as 32-bit fingerprints, sorted); beyond
 * the cap it reports "at least" the cap. Plain fields, serialised by the baseline codec.
 */
public final class DistinctCount {

  /** Sorted fingerprints. */
  public int[] fps = new int[0];

  /** Whether values beyond the cap were seen. */
  public boolean overflow;

  /**
   * Adds a value.
   *
   * @return true if it was not counted before
   */
  public boolean add(String value, int cap) {
    int fp = RecencySet.fingerprint(value);
    int i = Arrays.binarySearch(fps, fp);
    if (i >= 0) {
      return false;
    }
    if (fps.length >= cap) {
      overflow = true;
      return false;
    }
    int at = -i - 1;
    int[] next = new int[fps.length + 1];
    System.arraycopy(fps, 0, next, 0, at);
    next[at] = fp;
    System.arraycopy(fps, at, next, at + 1, fps.length - at);
    fps = next;
    return true;
  }

  /** Whether a value was counted. */
  public boolean contains(String value) {
    return Arrays.binarySearch(fps, RecencySet.fingerprint(value)) >= 0;
  }

  /** Distinct values counted (the cap when {@link #overflow}). */
  public int size() {
    return fps.length;
  }

  /** The count in words: {@code 9}, or {@code more than 64}. */
  public String describe() {
    return overflow ? "more than " + fps.length : String.valueOf(fps.length);
  }

  /** Forgets everything. */
  public void clear() {
    fps = new int[0];
    overflow = false;
  }
}
