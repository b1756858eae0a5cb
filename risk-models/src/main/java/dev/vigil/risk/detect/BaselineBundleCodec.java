package dev.vigil.risk.detect;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary encoding of a {@link BaselineBundle}: a hand-written frame around the detectors' own
 * baseline bytes ({@link BaselineCodec}), instead of CBOR of a map of CBOR.
 *
 * <pre>
 * byte     format version, {@value #FORMAT_V1}
 * varint   number of baselines n
 * n times  int32 detector id hash (big-endian), varint length, the baseline's bytes
 * varint   number of recent event-id hashes m
 * m times  int64 event-id hash (big-endian), oldest first
 * </pre>
 *
 * <p>A detector is named by a 32-bit hash of its id ({@link #idHash}) rather than the id itself,
 * which saves ~25 bytes per detector per key; the codec is built with the ids it may meet and
 * refuses two ids with the same hash. A hash it does not know (a detector since removed) is kept
 * under the placeholder id {@code #<8 hex digits>} and written back unchanged.
 *
 * <p>Values written before this format (Jackson CBOR of the whole bundle) start with a CBOR map
 * header ({@code 0xa0}–{@code 0xbf}), never with the version byte, and are still read: their event
 * ids are hashed as they are read, and the next write stores the new format.
 */
public final class BaselineBundleCodec {

  /** First byte of the current format. */
  public static final byte FORMAT_V1 = 1;

  private static final String UNKNOWN_PREFIX = "#";

  private final Map<Integer, String> idsByHash = new HashMap<>();
  private final Map<String, Integer> hashesById = new HashMap<>();

  /**
   * A codec for bundles of the given detectors.
   *
   * @param detectorIds every detector id a bundle may hold
   * @throws IllegalArgumentException if two ids have the same hash
   */
  public BaselineBundleCodec(Collection<String> detectorIds) {
    for (String id : detectorIds) {
      int hash = idHash(id);
      hashesById.put(id, hash);
      String other = idsByHash.putIfAbsent(hash, id);
      if (other != null && !other.equals(id)) {
        throw new IllegalArgumentException(
            "Detector ids '" + other + "' and '" + id + "' have the same hash; rename one.");
      }
    }
  }

  /** A codec for bundles of the given detectors. */
  public static BaselineBundleCodec forDetectors(List<? extends Detector<?, ?>> detectors) {
    return new BaselineBundleCodec(detectors.stream().map(Detector::id).toList());
  }

  /** The 32-bit hash a detector id is stored under: FNV-1a over its UTF-8 bytes. */
  public static int idHash(String detectorId) {
    int h = 0x811c9dc5;
    for (byte b : detectorId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }

  /** Encodes a bundle in the current format. */
  public byte[] encode(BaselineBundle bundle) {
    int size = 1 + varintSize(bundle.baselines.size());
    for (byte[] b : bundle.baselines.values()) {
      size += 4 + varintSize(b.length) + b.length;
    }
    long[] recent = bundle.recentEventIds;
    size += varintSize(recent.length) + 8 * recent.length;
    byte[] out = new byte[size];
    int p = 0;
    out[p++] = FORMAT_V1;
    p = writeVarint(out, p, bundle.baselines.size());
    for (Map.Entry<String, byte[]> e : bundle.baselines.entrySet()) {
      p = writeInt(out, p, hashOf(e.getKey()));
      byte[] b = e.getValue();
      p = writeVarint(out, p, b.length);
      System.arraycopy(b, 0, out, p, b.length);
      p += b.length;
    }
    p = writeVarint(out, p, recent.length);
    for (long h : recent) {
      p = writeLong(out, p, h);
    }
    return out;
  }

  /**
   * Decodes a bundle written in the current or the earlier (CBOR) format. Baselines stay encoded
   * until a detector needs them.
   *
   * @throws IllegalArgumentException if the bytes are not a bundle
   */
  public BaselineBundle decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("An empty value is not a baseline bundle.");
    }
    if (bytes[0] != FORMAT_V1) {
      return decodeCbor(bytes);
    }
    try {
      BaselineBundle bundle = new BaselineBundle();
      int[] p = {1};
      int n = readVarint(bytes, p);
      for (int i = 0; i < n; i++) {
        int hash = readInt(bytes, p);
        int length = readVarint(bytes, p);
        if (length < 0 || length > bytes.length - p[0]) {
          throw new IllegalArgumentException("Baseline length " + length + " overruns the value.");
        }
        byte[] b = new byte[length];
        System.arraycopy(bytes, p[0], b, 0, length);
        p[0] += length;
        bundle.baselines.put(idOf(hash), b);
      }
      int m = readVarint(bytes, p);
      if (m < 0 || m > (bytes.length - p[0]) / 8) {
        throw new IllegalArgumentException("Event-id count " + m + " overruns the value.");
      }
      long[] recent = new long[m];
      for (int i = 0; i < m; i++) {
        recent[i] = readLong(bytes, p);
      }
      bundle.recentEventIds = recent;
      return bundle;
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("Truncated baseline bundle.", e);
    }
  }

  private String idOf(int hash) {
    String id = idsByHash.get(hash);
    return id != null ? id : UNKNOWN_PREFIX + String.format("%08x", hash);
  }

  private int hashOf(String id) {
    Integer known = hashesById.get(id);
    if (known != null) {
      return known;
    }
    if (id.startsWith(UNKNOWN_PREFIX) && id.length() == 9) {
      return Integer.parseUnsignedInt(id.substring(1), 16);
    }
    return idHash(id);
  }

  /** The bundle as Jackson wrote it before the binary format: ids as strings, or as hashes. */
  static final class CborBundle {
    Map<String, byte[]> baselines = new HashMap<>();
    List<Object> recentEventIds = List.of();
  }

  private static BaselineBundle decodeCbor(byte[] bytes) {
    CborBundle old = BaselineCodec.decode(bytes, CborBundle.class);
    BaselineBundle bundle = new BaselineBundle();
    if (old.baselines != null) {
      bundle.baselines.putAll(old.baselines);
    }
    if (old.recentEventIds != null) {
      long[] recent = new long[old.recentEventIds.size()];
      int i = 0;
      for (Object id : old.recentEventIds) {
        recent[i++] =
            id instanceof Number n ? n.longValue() : BaselineBundle.eventIdHash(String.valueOf(id));
      }
      bundle.recentEventIds = recent;
    }
    return bundle;
  }

  private static int varintSize(int v) {
    int n = 1;
    while ((v & ~0x7f) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static int writeVarint(byte[] out, int p, int v) {
    while ((v & ~0x7f) != 0) {
      out[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[p++] = (byte) v;
    return p;
  }

  private static int readVarint(byte[] in, int[] p) {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      byte b = in[p[0]++];
      v |= (b & 0x7f) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("Malformed length in baseline bundle.");
  }

  private static int writeInt(byte[] out, int p, int v) {
    out[p] = (byte) (v >>> 24);
    out[p + 1] = (byte) (v >>> 16);
    out[p + 2] = (byte) (v >>> 8);
    out[p + 3] = (byte) v;
    return p + 4;
  }

  private static int readInt(byte[] in, int[] p) {
    int i = p[0];
    p[0] = i + 4;
    return ((in[i] & 0xff) << 24)
        | ((in[i + 1] & 0xff) << 16)
        | ((in[i + 2] & 0xff) << 8)
        | (in[i + 3] & 0xff);
  }

  private static int writeLong(byte[] out, int p, long v) {
    p = writeInt(out, p, (int) (v >>> 32));
    return writeInt(out, p, (int) v);
  }

  private static long readLong(byte[] in, int[] p) {
    long hi = readInt(in, p) & 0xffffffffL;
    long lo = readInt(in, p) & 0xffffffffL;
    return (hi << 32) | lo;
  }
}
