package dev.vigil.app.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that keeps its most recently used entries, up to a capacity: the least recently read or
 * written entry goes first. For what a processor remembers in memory per task.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class RecentlyUsed<K, V> extends LinkedHashMap<K, V> {

  private static final long serialVersionUID = 1L;

  private final int capacity;

  RecentlyUsed(int capacity) {
    super(Math.min(capacity, 1024), 0.75f, true);
    this.capacity = capacity;
  }

  @Override
  protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
    return size() > capacity;
  }
}
