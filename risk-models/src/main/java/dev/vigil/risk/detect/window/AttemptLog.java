package dev.vigil.risk.detect.window;

import dev.vigil.risk.detect.baseline.RecencySet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared engine state of windowed detectors: one key's recent attempts within window plus
 * allowed lateness, sorted by event time (then event id), so that a detector re-evaluates its
 * window over every buffered attempt whatever order they arrived in; episode numbering; and the
 * findings already emitted with a digest of their content, so each finding is emitted once and
 * re-emitted (same id) only when its content changes materially.
 *
 * <p>An attempt older than the newest seen minus the allowed lateness is refused (beyond lateness);
 * the buffer is capped to its newest entries, which is itself order-independent (the newest N of a
 * set). Plain fields, serialised by the baseline codec.
 */
public final class AttemptLog {

  /** One buffered attempt. */
  public static final class Entry {
    /** Event time, epoch millis. */
    public long t;

    /** Event id. */
    public String id;

    /** Who the attempt was about (account, service, host...), detector-defined. */
    public String who;

    /** Detector-defined kind (e.g. failure, success). */
    public int kind;

    /** Detector-defined flags. */
    public int flags;

    /** A second detector-defined value (host, share, service). */
    public String what;

    /** A third detector-defined value (source host), usually null. */
    public String via;

    /** Episode the entry belongs to. */
    public int ep;
  }

  /** Buffered attempts, oldest first. */
  public ArrayList<Entry> entries = new ArrayList<>();

  /** Newest event time seen. */
  public long newest;

  /** Current episode number. */
  public int episode;

  /** Newest event time of the current episode (0 when none yet). */
  public long episodeLast;

  /** Emitted finding keys (as fingerprints) with the digest of their last content, oldest first. */
  public LinkedHashMap<Integer, Integer> emitted = new LinkedHashMap<>();

  /**
   * Whether an attempt at {@code t} may still be evaluated: not older than the newest seen minus
   * the allowed lateness. Advances the newest time.
   */
  public boolean admit(long t, long latenessMillis) {
    if (newest != 0 && t < newest - latenessMillis) {
      return false;
    }
    newest = Math.max(newest, t);
    return true;
  }

  /**
   * The episode an attempt at {@code t} belongs to: a new one starts when it comes more than {@code
   * gapMillis} after the current episode's newest attempt.
   */
  public int episodeOf(long t, long gapMillis) {
    if (episodeLast != 0 && t > episodeLast + gapMillis) {
      episode++;
    }
    episodeLast = Math.max(episodeLast, t);
    return episode;
  }

  /**
   * Inserts an entry in (time, id) order, drops entries older than {@code keepMillis} before the
   * newest, and keeps at most {@code capacity} newest entries.
   */
  public void add(Entry e, long keepMillis, int capacity) {
    int i = entries.size();
    while (i > 0 && before(e, entries.get(i - 1))) {
      i--;
    }
    entries.add(i, e);
    long horizon = newest - keepMillis;
    Iterator<Entry> it = entries.iterator();
    while (it.hasNext()) {
      if (it.next().t < horizon) {
        it.remove();
      }
    }
    while (entries.size() > Math.max(1, capacity)) {
      entries.remove(0);
    }
  }

  /** Entries with {@code from <= t <= to}, oldest first. */
  public List<Entry> between(long from, long to) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e.t >= from && e.t <= to) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Records that a finding with this key and content digest is being emitted.
   *
   * @return true when the key is new or its digest changed (emit), false when already emitted
   */
  public boolean markEmitted(String key, int digest, int capacity) {
    Integer fp = RecencySet.fingerprint(key);
    Integer previous = emitted.get(fp);
    if (previous != null && previous == digest) {
      return false;
    }
    emitted.remove(fp);
    emitted.put(fp, digest);
    while (emitted.size() > Math.max(1, capacity)) {
      Iterator<Map.Entry<Integer, Integer>> it = emitted.entrySet().iterator();
      it.next();
      it.remove();
    }
    return true;
  }

  /** Whether a finding key was emitted (with any digest). */
  public boolean wasEmitted(String key) {
    return emitted.containsKey(RecencySet.fingerprint(key));
  }

  /**
   * A digest of a growing total for {@link #markEmitted}: the total itself up to 32 (every change
   * is re-emitted, so summaries state the true total), then its power of two (bounded re-emission
   * for huge totals).
   */
  public static int revision(long n) {
    return n <= 32 ? (int) n : 32 + magnitude(n);
  }

  /** A digest that changes only when {@code n} crosses a power of two. */
  public static int magnitude(long n) {
    return n <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(n);
  }

  private static boolean before(Entry a, Entry b) {
    if (a.t != b.t) {
      return a.t < b.t;
    }
    String x = a.id == null ? "" : a.id;
    String y = b.id == null ? "" : b.id;
    return x.compareTo(y) < 0;
  }
}
