package dev.vigil.app.ssf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A one-partition {@link SetLog} in memory: what the SETs topic would hold. */
final class InMemorySetLog implements SetLog {

  private final List<String> sets = new ArrayList<>();

  synchronized void append(String set) {
    sets.add(set);
  }

  @Override
  public synchronized Map<Integer, Long> endOffsets() {
    return Map.of(0, (long) sets.size());
  }

  @Override
  public synchronized Batch read(Map<Integer, Long> from, Map<Integer, Long> start, int max) {
    long next = from.containsKey(0) ? from.get(0) : start.getOrDefault(0, 0L);
    List<Entry> out = new ArrayList<>();
    while (next < sets.size() && out.size() < max) {
      out.add(new Entry(0, next, sets.get((int) next)));
      next++;
    }
    Map<Integer, Long> positions = new HashMap<>();
    positions.put(0, next);
    return new Batch(out, positions, next < sets.size());
  }
}
