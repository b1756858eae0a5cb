package dev.vigil.app.ssf;

import java.util.List;
import java.util.Map;

/** Random read access to the SETs topic, for poll delivery. */
public interface SetLog extends AutoCloseable {

  /**
   * One SET on the log.
   *
   * @param partition its partition
   * @param offset its offset
   * @param value the compact SET
   */
  record Entry(int partition, long offset, String value) {}

  /**
   * What one read returned.
   *
   * @param entries in log order per partition
   * @param next the next offset to read per partition
   * @param more whether records remain after {@code next}
   */
  record Batch(List<Entry> entries, Map<Integer, Long> next, boolean more) {}

  /**
   * Reads at most {@code max} SETs.
   *
   * @param from next offset per partition; a partition not named starts at {@code start}
   * @param start where partitions not in {@code from} begin; a partition named in neither starts at
   *     its beginning
   * @param max the most entries to return
   * @return the batch
   */
  Batch read(Map<Integer, Long> from, Map<Integer, Long> start, int max);

  /** The current end offset of every partition: where a stream created now starts. */
  Map<Integer, Long> endOffsets();

  @Override
  default void close() {}
}
