package dev.vigil.risk.detect;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every detector's baseline for one key, plus fingerprints of the last events seen so a redelivered
 * event is not counted twice. Stored as one value per key in a family's state store, encoded by
 * {@link BaselineBundleCodec}.
 *
 * <p>Recent events are remembered as 64-bit hashes of their ids ({@link #eventIdHash}), not as the
 * ids themselves: eight bytes instead of ~36 per id. Two different ids share a hash with
 * probability 2<sup>-64</sup>, so with {@value #RECENT_EVENT_IDS} remembered hashes an event is
 * wrongly taken for a duplicate with probability about 32 × 2<sup>-64</sup> ≈ 2 × 10<sup>-18</sup>
 * per event: negligible against any event volume.
 *
 * <p>A bundle also carries, in memory only, the decoded baseline objects matching its bytes, so
 * that an engine observing several events of the same key in a row need not decode them again
 * ({@link #adoptDecodedStates}).
 */
public final class BaselineBundle {

  /** How many recent event ids are remembered for de-duplication. */
  public static final int RECENT_EVENT_IDS = 32;

  private static final long[] NO_HASHES = new long[0];

  /** Serialised baseline per detector id. */
  public Map<String, byte[]> baselines = new TreeMap<>();

  /** Hashes ({@link #eventIdHash}) of the most recent event ids, oldest first, newest last. */
  public long[] recentEventIds = NO_HASHES;

  /** Decoded baselines whose encoding is the current value in {@link #baselines}; memory only. */
  private transient Map<String, Object> decoded;

  /** Whether anything was recorded since the bundle was read. */
  private transient boolean changed;

  /**
   * Records an event id.
   *
   * @return false if the id was already among the recent ones (a duplicate)
   */
  public boolean markSeen(String eventId) {
    if (eventId == null) {
      return true;
    }
    return markSeenHash(eventIdHash(eventId));
  }

  /**
   * Records the hash of an event id ({@link #eventIdHash}).
   *
   * @return false if the hash was already among the recent ones (a duplicate)
   */
  public boolean markSeenHash(long hash) {
    long[] recent = recentEventIds;
    for (long h : recent) {
      if (h == hash) {
        return false;
      }
    }
    if (recent.length < RECENT_EVENT_IDS) {
      long[] grown = Arrays.copyOf(recent, recent.length + 1);
      grown[recent.length] = hash;
      recentEventIds = grown;
    } else {
      long[] kept = recent;
      if (kept.length > RECENT_EVENT_IDS) {
        kept = Arrays.copyOfRange(kept, kept.length - RECENT_EVENT_IDS, kept.length);
      }
      System.arraycopy(kept, 1, kept, 0, kept.length - 1);
      kept[kept.length - 1] = hash;
      recentEventIds = kept;
    }
    changed = true;
    return true;
  }

  /**
   * The 64-bit fingerprint an event id is remembered by: FNV-1a over its UTF-8 bytes, then the
   * MurmurHash3 finaliser to spread the bits. Stable across JVMs and versions (it is stored).
   */
  public static long eventIdHash(String eventId) {
    long h = 0xcbf29ce484222325L;
    for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /**
   * Stores a detector's encoded baseline with its decoded form, marking the bundle changed if the
   * bytes differ from those stored.
   */
  void update(String detectorId, byte[] encoded, Object state) {
    byte[] before = baselines.get(detectorId);
    if (before == null || !Arrays.equals(before, encoded)) {
      baselines.put(detectorId, encoded);
      changed = true;
    }
    decodedStates().put(detectorId, state);
  }

  /**
   * Like {@link #update(String, byte[], Object)} with the encoding in a reused buffer: copied only
   * when it differs from the stored bytes.
   */
  void update(String detectorId, StateCodec.Out encoded, Object state) {
    byte[] before = baselines.get(detectorId);
    if (!encoded.contentEquals(before)) {
      baselines.put(detectorId, encoded.toByteArray());
      changed = true;
    }
    decodedStates().put(detectorId, state);
  }

  /** The decoded baseline of a detector if it is known to match the stored bytes, else null. */
  Object decodedState(String detectorId) {
    return decoded == null ? null : decoded.get(detectorId);
  }

  private Map<String, Object> decodedStates() {
    if (decoded == null) {
      decoded = new HashMap<>();
    }
    return decoded;
  }

  /**
   * Takes over the decoded baselines of an earlier bundle of the same key wherever its bytes equal
   * this bundle's, so they need not be decoded again. The earlier bundle must not be used after.
   *
   * @param earlier a bundle this process wrote or read for the same key (its decoded objects must
   *     be exactly what its bytes encode)
   */
  public void adoptDecodedStates(BaselineBundle earlier) {
    if (earlier == null || earlier.decoded == null) {
      return;
    }
    boolean all = decoded == null;
    for (String id : earlier.decoded.keySet()) {
      all = all && sameBytes(earlier, id);
    }
    if (all) {
      // The usual case: the store holds what this process wrote. Take the map as it is.
      decoded = earlier.decoded;
      earlier.decoded = null;
      return;
    }
    for (Map.Entry<String, Object> e : earlier.decoded.entrySet()) {
      if (sameBytes(earlier, e.getKey())) {
        decodedStates().put(e.getKey(), e.getValue());
      }
    }
  }

  private boolean sameBytes(BaselineBundle earlier, String detectorId) {
    byte[] mine = baselines.get(detectorId);
    byte[] theirs = earlier.baselines.get(detectorId);
    return mine != null && theirs != null && Arrays.equals(mine, theirs);
  }

  /** Whether an event id or a baseline was recorded since the bundle was read or created. */
  public boolean changed() {
    return changed;
  }
}
