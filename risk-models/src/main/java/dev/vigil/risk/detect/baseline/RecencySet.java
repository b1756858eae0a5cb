package dev.vigil.risk.detect.baseline;

import java.util.Arrays;

/**
 * A capped set of 32-bit fingerprints, each with the minute it was last seen; when full, the least
 * recently seen entry is evicted. About ten bytes per entry once encoded. Shared by the access and
 * network baselines; its fields are its encoding, so renaming one is a migration.
 */
public final class RecencySet {

  int[] keys = new int[0];
  int[] seen = new int[0];

  /** Whether the fingerprint is present. */
  public boolean contains(int key) {
    return indexOf(key) >= 0;
  }

  /** The minute the fingerprint was last seen, or {@link Integer#MIN_VALUE} if absent. */
  public int lastSeen(int key) {
    int i = indexOf(key);
    return i < 0 ? Integer.MIN_VALUE : seen[i];
  }

  /** Number of entries. */
  public int size() {
    return keys.length;
  }

  /**
   * Records the fingerprint as seen at {@code minute} (a late sighting never moves it back).
   *
   * @return true if it was not present before
   */
  public boolean touch(int key, int minute, int capacity) {
    int i = indexOf(key);
    if (i >= 0) {
      seen[i] = Math.max(seen[i], minute);
      return false;
    }
    if (capacity <= 0) {
      return true;
    }
    while (keys.length > capacity) {
      remove(oldest());
    }
    if (keys.length == capacity) {
      int oldest = oldest();
      if (seen[oldest] > minute) {
        // A sighting older than everything kept would be the next to go: don't evict for it.
        return true;
      }
      remove(oldest);
    }
    keys = Arrays.copyOf(keys, keys.length + 1);
    seen = Arrays.copyOf(seen, seen.length + 1);
    keys[keys.length - 1] = key;
    seen[seen.length - 1] = minute;
    return true;
  }

  private int indexOf(int key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    return -1;
  }

  private int oldest() {
    int oldest = 0;
    for (int i = 1; i < seen.length; i++) {
      if (seen[i] < seen[oldest]) {
        oldest = i;
      }
    }
    return oldest;
  }

  private void remove(int i) {
    int last = keys.length - 1;
    keys[i] = keys[last];
    seen[i] = seen[last];
    keys = Arrays.copyOf(keys, last);
    seen = Arrays.copyOf(seen, last);
  }

  /** A stable 32-bit fingerprint of a string (FNV-1a 64, folded). */
  public static int fingerprint(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return (int) (h ^ (h >>> 32));
  }

  /** Minutes since the epoch, the resolution kept. */
  public static int minute(long epochMillis) {
    return (int) Math.floorDiv(epochMillis, 60_000L);
  }
}
