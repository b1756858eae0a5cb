package dev.vigil.risk.fusion;

import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary encoding of a {@link SubjectRiskState}, written by hand instead of reflective CBOR.
 *
 * <pre>
 * byte     format version, {@value #FORMAT_V1}
 * str      subjectId, subjectType, criticality, level (enums by name)
 * dbl      score, publishedScore
 * zlong    updatedAtMillis (the base of every other instant)
 * str      lastAction, lastRuleId; zlong lastActionAtMillis; str lastCommandId
 * varint   findings n; n times: str findingId, detectorId, summary; dbl score, confidence;
 *          zlong halfLifeSeconds, observedAtMillis - base; varint k, k str source event ids;
 *          varint m, m str targets
 * varint   sessions n; n times: str id, zlong expiry - base   (then sessionsOpenedAt and
 *          endedSessions alike, each in its map's order)
 * varint   level changes n; n times: zlong at - base, str from, str to   (absent in values
 *          written before it was kept: read as none)
 * </pre>
 *
 * <p>{@code zlong} is a zig-zag varint. A {@code str} is a varint tag: 0 for null; {@code i<<2|1}
 * for the i-th string written before (detector ids, event ids shared by findings, session ids);
 * {@code 4} then 16 bytes for a lowercase canonical UUID (finding and event ids); {@code n<<2|3}
 * then n UTF-8 bytes; {@code n<<2|2}, varints c and e, then n UTF-8 bytes for a string made of the
 * first c chars of the previous literal, those bytes and the last e chars of that literal (a
 * summary is written against the previous summary of its detector, which shares most of its
 * wording, and is never referred to, so long summaries are not hashed; any other string against the
 * previous literal of any kind, and each enters the table of strings written before). A {@code dbl}
 * is the zig-zag varint of {@code 2 * (100 x)} when x has at most two decimals (scores are rounded
 * to one), else 1 and the 8 bytes of the double.
 *
 * <p>Values written before this format (Jackson CBOR via {@link BaselineCodec}) start with a CBOR
 * map header ({@code 0xa0}–{@code 0xbf}), never with the version byte, and are still read; the next
 * write stores the new format. Strings, enums and ids are read back exactly; a null list or map
 * reads back empty.
 */
public final class SubjectRiskStateCodec {

  /** First byte of the current format. */
  public static final byte FORMAT_V1 = 1;

  private static final int TAG_NULL = 0;
  private static final int TAG_UUID = 4;
  private static final int KIND_REF = 1;
  private static final int KIND_SHARED = 2;
  private static final int KIND_LITERAL = 3;
  private static final int MIN_SHARED_TEXT = 8;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private SubjectRiskStateCodec() {}

  /** Encodes a state in the current format. */
  public static byte[] encode(SubjectRiskState s) {
    Writer w = new Writer();
    w.b(FORMAT_V1);
    w.str(s.subjectId);
    w.str(name(s.subjectType));
    w.str(name(s.criticality));
    w.str(name(s.level));
    w.dbl(s.score);
    w.dbl(s.publishedScore);
    long base = s.updatedAtMillis;
    w.zlong(base);
    w.str(name(s.lastAction));
    w.str(s.lastRuleId);
    w.zlong(s.lastActionAtMillis);
    w.str(s.lastCommandId);
    List<ActiveFinding> findings = s.findings == null ? List.of() : s.findings;
    w.varint(findings.size());
    for (ActiveFinding f : findings) {
      w.str(f.findingId);
      w.str(f.detectorId);
      w.summary(f.summary, f.detectorId);
      w.dbl(f.score);
      w.dbl(f.confidence);
      w.zlong(f.halfLifeSeconds);
      w.zlong(f.observedAtMillis - base);
      w.strings(f.sourceEventIds);
      w.strings(f.targets);
    }
    w.instants(s.sessions, base);
    w.instants(s.sessionsOpenedAt, base);
    w.instants(s.endedSessions, base);
    List<SubjectRiskState.LevelChange> changes =
        s.levelChanges == null ? List.of() : s.levelChanges;
    w.varint(changes.size());
    for (SubjectRiskState.LevelChange c : changes) {
      w.zlong(c.atMillis() - base);
      w.str(name(c.from()));
      w.str(name(c.to()));
    }
    return w.bytes();
  }

  /**
   * Decodes a state written in the current or the earlier (CBOR) format.
   *
   * @throws IllegalArgumentException if the bytes are not a subject's risk state
   */
  public static SubjectRiskState decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("An empty value is not a subject's risk state.");
    }
    if (bytes[0] != FORMAT_V1) {
      return BaselineCodec.decode(bytes, SubjectRiskState.class);
    }
    try {
      Reader r = new Reader(bytes);
      SubjectRiskState s = new SubjectRiskState();
      s.subjectId = r.str();
      s.subjectType = valueOf(SubjectType.class, r.str());
      s.criticality = valueOf(Criticality.class, r.str());
      s.level = valueOf(RiskLevel.class, r.str());
      s.score = r.dbl();
      s.publishedScore = r.dbl();
      long base = r.zlong();
      s.updatedAtMillis = base;
      s.lastAction = valueOf(EnforcementAction.class, r.str());
      s.lastRuleId = r.str();
      s.lastActionAtMillis = r.zlong();
      s.lastCommandId = r.str();
      int n = r.count();
      s.findings = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ActiveFinding f = new ActiveFinding();
        f.findingId = r.str();
        f.detectorId = r.str();
        f.summary = r.summary(f.detectorId);
        f.score = r.dbl();
        f.confidence = r.dbl();
        f.halfLifeSeconds = r.zlong();
        f.observedAtMillis = r.zlong() + base;
        f.sourceEventIds = r.strings();
        f.targets = r.strings();
        s.findings.add(f);
      }
      r.instants(s.sessions, base);
      r.instants(s.sessionsOpenedAt, base);
      r.instants(s.endedSessions, base);
      if (r.p < bytes.length) {
        int changes = r.count();
        for (int i = 0; i < changes; i++) {
          long at = r.zlong() + base;
          RiskLevel from = valueOf(RiskLevel.class, r.str());
          s.levelChanges.add(
              new SubjectRiskState.LevelChange(at, from, valueOf(RiskLevel.class, r.str())));
        }
      }
      if (r.p != bytes.length) {
        throw new IllegalArgumentException(
            (bytes.length - r.p) + " bytes left over after a subject's risk state.");
      }
      return s;
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("Truncated subject risk state.", e);
    }
  }

  private static String name(Enum<?> e) {
    return e == null ? null : e.name();
  }

  private static <E extends Enum<E>> E valueOf(Class<E> type, String name) {
    return name == null ? null : Enum.valueOf(type, name);
  }

  private static final class Writer {
    private byte[] buf = new byte[2048];
    private int n;
    private final Map<String, Integer> seen = new HashMap<>();
    private final Map<String, String> previousSummary = new HashMap<>();
    private String previousLiteral = "";

    void b(int v) {
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      buf[n++] = (byte) v;
    }

    void raw(byte[] bytes) {
      if (n + bytes.length > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + bytes.length));
      }
      System.arraycopy(bytes, 0, buf, n, bytes.length);
      n += bytes.length;
    }

    void varint(long v) {
      while ((v & ~0x7fL) != 0) {
        b((int) ((v & 0x7f) | 0x80));
        v >>>= 7;
      }
      b((int) v);
    }

    void zlong(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    void int64(long v) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        b((int) (v >>> shift));
      }
    }

    void dbl(double d) {
      double hundredths = Math.rint(d * 100);
      if (Math.abs(hundredths) < 0x1p52
          && hundredths / 100 == d
          && Double.doubleToRawLongBits(d) != Double.doubleToRawLongBits(-0.0)) {
        long v = (long) hundredths;
        varint(((v << 1) ^ (v >> 63)) << 1);
      } else {
        b(1);
        int64(Double.doubleToRawLongBits(d));
      }
    }

    void str(String s) {
      if (literal(s, previousLiteral, true)) {
        previousLiteral = s;
      }
    }

    /** A finding's summary, written against the previous summary of the same detector. */
    void summary(String s, String detectorId) {
      String key = detectorId == null ? "" : detectorId;
      if (literal(s, previousSummary.getOrDefault(key, ""), false)) {
        previousSummary.put(key, s);
      }
    }

    /**
     * Writes a string; one written to the table can be referred to later.
     *
     * @return whether it was written as a literal (so it is the next string to share text with)
     */
    private boolean literal(String s, String previous, boolean table) {
      if (s == null) {
        b(TAG_NULL);
        return false;
      }
      if (table) {
        Integer index = seen.get(s);
        if (index != null) {
          varint(((long) index << 2) | KIND_REF);
          return false;
        }
        seen.put(s, seen.size());
      }
      if (table && isUuid(s)) {
        b(TAG_UUID);
        int64(hexLong(s, 0, 8) << 32 | hexLong(s, 9, 4) << 16 | hexLong(s, 14, 4));
        int64(hexLong(s, 19, 4) << 48 | hexLong(s, 24, 12));
        return false;
      }
      int prefix = sharedPrefix(previous, s);
      int suffix = sharedSuffix(previous, s, prefix);
      if (prefix + suffix >= MIN_SHARED_TEXT) {
        byte[] middle = s.substring(prefix, s.length() - suffix).getBytes(StandardCharsets.UTF_8);
        varint(((long) middle.length << 2) | KIND_SHARED);
        varint(prefix);
        varint(suffix);
        raw(middle);
      } else {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        varint(((long) utf8.length << 2) | KIND_LITERAL);
        raw(utf8);
      }
      return true;
    }

    void strings(List<String> list) {
      if (list == null) {
        varint(0);
        return;
      }
      varint(list.size());
      for (String s : list) {
        str(s);
      }
    }

    void instants(Map<String, Long> map, long base) {
      if (map == null) {
        varint(0);
        return;
      }
      varint(map.size());
      for (Map.Entry<String, Long> e : map.entrySet()) {
        str(e.getKey());
        zlong(e.getValue() - base);
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, n);
    }
  }

  private static final class Reader {
    private final byte[] in;
    private int p = 1;
    private final List<String> seen = new ArrayList<>();
    private final Map<String, String> previousSummary = new HashMap<>();
    private String previousLiteral = "";
    private boolean lastWasLiteral;

    Reader(byte[] in) {
      this.in = in;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = in[p++];
        v |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("Malformed varint in subject risk state.");
    }

    long zlong() {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    int count() {
      long v = varint();
      if (v < 0 || v > in.length - p) {
        throw new IllegalArgumentException("Count " + v + " overruns the subject risk state.");
      }
      return (int) v;
    }

    long int64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (in[p++] & 0xff);
      }
      return v;
    }

    double dbl() {
      long v = varint();
      if (v == 1) {
        return Double.longBitsToDouble(int64());
      }
      long z = v >>> 1;
      return ((z >>> 1) ^ -(z & 1)) / 100.0;
    }

    String str() {
      String s = literal(previousLiteral, true);
      if (s != null && lastWasLiteral) {
        previousLiteral = s;
      }
      return s;
    }

    String summary(String detectorId) {
      String key = detectorId == null ? "" : detectorId;
      String s = literal(previousSummary.getOrDefault(key, ""), false);
      if (s != null && lastWasLiteral) {
        previousSummary.put(key, s);
      }
      return s;
    }

    private String literal(String previous, boolean table) {
      lastWasLiteral = false;
      long tag = varint();
      if (tag == TAG_NULL) {
        return null;
      }
      int kind = (int) (tag & 3);
      if (kind == KIND_REF) {
        long index = tag >>> 2;
        if (index >= seen.size()) {
          throw new IllegalArgumentException("String reference " + index + " is ahead.");
        }
        return seen.get((int) index);
      }
      String s;
      if (tag == TAG_UUID) {
        long hi = int64();
        long lo = int64();
        s = uuid(hi, lo);
      } else if (kind == KIND_LITERAL || kind == KIND_SHARED) {
        long prefix = 0;
        long suffix = 0;
        if (kind == KIND_SHARED) {
          prefix = varint();
          suffix = varint();
          if (prefix < 0 || suffix < 0 || prefix + suffix > previous.length()) {
            throw new IllegalArgumentException("Shared text overruns the string it shares.");
          }
        }
        long length = tag >>> 2;
        if (length > in.length - p) {
          throw new IllegalArgumentException("String length " + length + " overruns the value.");
        }
        String middle = new String(in, p, (int) length, StandardCharsets.UTF_8);
        p += (int) length;
        s =
            kind == KIND_LITERAL
                ? middle
                : previous.substring(0, (int) prefix)
                    + middle
                    + previous.substring(previous.length() - (int) suffix);
        lastWasLiteral = true;
      } else {
        throw new IllegalArgumentException("Unknown string tag " + tag + ".");
      }
      if (table) {
        seen.add(s);
      }
      return s;
    }

    List<String> strings() {
      int n = count();
      List<String> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(str());
      }
      return list;
    }

    void instants(Map<String, Long> into, long base) {
      int n = count();
      for (int i = 0; i < n; i++) {
        String key = str();
        into.put(key, zlong() + base);
      }
    }
  }

  private static int sharedPrefix(String a, String b) {
    int max = Math.min(a.length(), b.length());
    int i = 0;
    while (i < max && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    if (i > 0 && Character.isHighSurrogate(b.charAt(i - 1))) {
      i--; // never split a surrogate pair between the shared prefix and the UTF-8 suffix
    }
    return i;
  }

  /** Chars at the end of {@code b} shared with {@code a}, not overlapping the shared prefix. */
  private static int sharedSuffix(String a, String b, int prefix) {
    int max = Math.min(a.length(), b.length()) - prefix;
    int i = 0;
    while (i < max && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
      i++;
    }
    if (i > 0 && Character.isLowSurrogate(b.charAt(b.length() - i))) {
      i--; // never split a surrogate pair between the UTF-8 middle and the shared suffix
    }
    return i;
  }

  /** A lowercase canonical UUID (8-4-4-4-12 hex digits), which reads back exactly from 16 bytes. */
  private static boolean isUuid(String s) {
    if (s.length() != 36
        || s.charAt(8) != '-'
        || s.charAt(13) != '-'
        || s.charAt(18) != '-'
        || s.charAt(23) != '-') {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static long hexLong(String s, int from, int digits) {
    long v = 0;
    for (int i = from; i < from + digits; i++) {
      v = (v << 4) | Character.digit(s.charAt(i), 16);
    }
    return v;
  }

  private static String uuid(long hi, long lo) {
    char[] c = new char[36];
    hex(c, 0, hi >>> 32, 8);
    c[8] = '-';
    hex(c, 9, hi >>> 16, 4);
    c[13] = '-';
    hex(c, 14, hi, 4);
    c[18] = '-';
    hex(c, 19, lo >>> 48, 4);
    c[23] = '-';
    hex(c, 24, lo, 12);
    return new String(c);
  }

  private static void hex(char[] out, int at, long v, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[at + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }
}
