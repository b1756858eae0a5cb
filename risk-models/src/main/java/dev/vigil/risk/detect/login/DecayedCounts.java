package dev.vigil.risk.detect.login;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A capped map of value to exponentially decayed count, for bounded baselines. Each entry keeps its
 * count as of its own last sighting, so decay is applied lazily and an out-of-order sighting is
 * added with the weight it would have had, without moving the entry's clock backwards. When the map
 * is full, the entries with the lowest decayed count (least frequent and least recent) are evicted.
 * Times are epoch seconds of event time.
 */
public final class DecayedCounts {

  /** One value's decayed count ({@code c}) as of its last sighting ({@code t}, epoch seconds). */
  public static final class Entry {
    float c;
    long t;
  }

  /** Counts per value. */
  TreeMap<String, Entry> values = new TreeMap<>();

  /** Decayed number of observations, as of {@link #at}. */
  float total;

  /** Decayed number of observations whose value was not in the map, as of {@link #at}. */
  float novel;

  /** Time of the newest observation, epoch seconds. */
  long at;

  /** How many values were ever evicted; when zero, "not in the map" means "never seen". */
  long evicted;

  /** Whether the value is currently remembered. */
  public boolean contains(String value) {
    return value != null && values.containsKey(value);
  }

  /** The value's decayed count at the given time (0 when not remembered). */
  public double count(String value, long nowSec, double halfLifeSec) {
    Entry e = value == null ? null : values.get(value);
    return e == null ? 0 : e.c * decay(nowSec - e.t, halfLifeSec);
  }

  /** Sum of the remembered values' decayed counts at the given time. */
  public double sum(long nowSec, double halfLifeSec) {
    double s = 0;
    for (Entry e : values.values()) {
      s += e.c * decay(nowSec - e.t, halfLifeSec);
    }
    return s;
  }

  /** Decayed number of observations at the given time. */
  public double total(long nowSec, double halfLifeSec) {
    return total * decay(nowSec - at, halfLifeSec);
  }

  /** Decayed number of observations of a value not remembered at the time, at the given time. */
  public double novel(long nowSec, double halfLifeSec) {
    return novel * decay(nowSec - at, halfLifeSec);
  }

  /** Number of remembered values. */
  public int size() {
    return values.size();
  }

  /**
   * Counts one observation.
   *
   * @param value the observed value
   * @param atSec event time, epoch seconds
   * @param capacity the most values kept
   * @param halfLifeSec half-life of counts; zero or negative for no decay
   * @return true if the value was not remembered before
   */
  public boolean add(String value, long atSec, int capacity, double halfLifeSec) {
    boolean isNew = !values.containsKey(value);
    if (atSec >= at) {
      double d = decay(atSec - at, halfLifeSec);
      total = (float) (total * d + 1);
      novel = (float) (novel * d + (isNew ? 1 : 0));
      at = atSec;
    } else {
      double w = decay(at - atSec, halfLifeSec);
      total = (float) (total + w);
      novel = (float) (novel + (isNew ? w : 0));
    }
    if (isNew) {
      if (values.size() >= Math.max(1, capacity)) {
        evict(Math.max(1, capacity / 8), atSec, halfLifeSec);
      }
      Entry e = new Entry();
      e.c = 1;
      e.t = atSec;
      values.put(value, e);
      return true;
    }
    Entry e = values.get(value);
    if (atSec >= e.t) {
      e.c = (float) (e.c * decay(atSec - e.t, halfLifeSec) + 1);
      e.t = atSec;
    } else {
      e.c = (float) (e.c + decay(e.t - atSec, halfLifeSec));
    }
    return false;
  }

  /** Forgets values last seen more than {@code maxAgeSec} before {@code nowSec}. */
  public void forgetOlderThan(long nowSec, long maxAgeSec) {
    if (maxAgeSec <= 0) {
      return;
    }
    int before = values.size();
    values.values().removeIf(e -> nowSec - e.t > maxAgeSec);
    evicted += before - values.size();
  }

  private void evict(int howMany, long nowSec, double halfLifeSec) {
    List<Map.Entry<String, Entry>> entries = new ArrayList<>(values.entrySet());
    entries.sort(
        Comparator.<Map.Entry<String, Entry>>comparingDouble(
                x -> x.getValue().c * decay(nowSec - x.getValue().t, halfLifeSec))
            .thenComparingLong(x -> x.getValue().t)
            .thenComparing(Map.Entry::getKey));
    for (int i = 0; i < howMany && i < entries.size(); i++) {
      values.remove(entries.get(i).getKey());
      evicted++;
    }
  }

  /** {@code 2^(-dt/halfLife)}; 1 when there is no decay or dt is not positive. */
  static double decay(long dtSec, double halfLifeSec) {
    if (halfLifeSec <= 0 || dtSec <= 0) {
      return 1;
    }
    return Math.pow(2, -dtSec / halfLifeSec);
  }
}
