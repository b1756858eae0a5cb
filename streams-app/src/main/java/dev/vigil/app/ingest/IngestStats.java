package dev.vigil.app.ingest;

import dev.vigil.app.ingest.MappingResult.Mapped;
import dev.vigil.app.ingest.MappingResult.Skipped;
import dev.vigil.schema.LoginEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Counts of an ingest run: records mapped per signal and kind, skipped per reason. Not thread-safe.
 */
public final class IngestStats {

  private long records;
  private final Map<String, Long> mapped = new TreeMap<>();
  private final Map<String, Long> ignored = new TreeMap<>();
  private final Map<String, Long> rejected = new TreeMap<>();

  /** Counts one result. */
  public void add(MappingResult result) {
    records++;
    if (result instanceof Mapped m) {
      mapped.merge(label(m), 1L, Long::sum);
    } else if (result instanceof Skipped s) {
      (s.rejected() ? rejected : ignored).merge(s.reason(), 1L, Long::sum);
    }
  }

  /**
   * Counts a signal already counted as mapped as skipped instead, e.g. when it turns out it cannot
   * be delivered.
   */
  public void reclassify(Mapped m, Skipped instead) {
    mapped.computeIfPresent(label(m), (k, v) -> v > 1 ? v - 1 : null);
    (instead.rejected() ? rejected : ignored).merge(instead.reason(), 1L, Long::sum);
  }

  private static String label(Mapped m) {
    if (m.value() instanceof LoginEvent l && l.getKind() != null) {
      return m.signal().id() + "/" + l.getKind().name();
    }
    return m.signal().id();
  }

  /** Records seen. */
  public long records() {
    return records;
  }

  /** Signals mapped, per {@code signal} or {@code login/KIND}, sorted. */
  public Map<String, Long> mapped() {
    return Map.copyOf(mapped);
  }

  /** Records deliberately ignored per reason (types the mapping does not cover). */
  public Map<String, Long> ignored() {
    return Map.copyOf(ignored);
  }

  /** Records rejected per reason (missing or malformed data). */
  public Map<String, Long> rejected() {
    return Map.copyOf(rejected);
  }

  /** Total mapped. */
  public long mappedCount() {
    return sum(mapped);
  }

  /** Total ignored. */
  public long ignoredCount() {
    return sum(ignored);
  }

  /** Total rejected. */
  public long rejectedCount() {
    return sum(rejected);
  }

  /** Every count in one sorted map, {@code mapped:…}, {@code ignored:…}, {@code rejected:…}. */
  public Map<String, Long> all() {
    Map<String, Long> out = new TreeMap<>();
    mapped.forEach((k, v) -> out.put("mapped:" + k, v));
    ignored.forEach((k, v) -> out.put("ignored:" + k, v));
    rejected.forEach((k, v) -> out.put("rejected:" + k, v));
    return out;
  }

  /** The report printed at the end of a run, a few lines. */
  public List<String> report() {
    List<String> lines = new ArrayList<>();
    lines.add(
        "Read "
            + records
            + " records: "
            + mappedCount()
            + " mapped, "
            + ignoredCount()
            + " ignored, "
            + rejectedCount()
            + " rejected.");
    if (!mapped.isEmpty()) {
      lines.add("  mapped:   " + join(mapped));
    }
    if (!ignored.isEmpty()) {
      lines.add("  ignored:  " + join(ignored));
    }
    if (!rejected.isEmpty()) {
      lines.add("  rejected: " + join(rejected));
    }
    return lines;
  }

  private static String join(Map<String, Long> m) {
    return m.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static long sum(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }
}
