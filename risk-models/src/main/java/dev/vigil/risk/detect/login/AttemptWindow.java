package dev.vigil.risk.detect.login;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent attempts of one kind (failures, denied prompts), sorted by event time and capped;
 * only the newest few keep their event ids, as evidence. An out-of-order attempt is inserted in
 * place.
 */
public final class AttemptWindow {

  /** One attempt: event time in epoch millis and, for the newest, its event id. */
  public static final class Attempt {
    long t;
    String id;
  }

  /** Attempts, oldest first. */
  ArrayList<Attempt> attempts = new ArrayList<>();

  /**
   * Adds an attempt, dropping the oldest beyond {@code capacity} and the ids of all but the newest
   * {@code idCapacity}.
   */
  public void add(long atMillis, String eventId, int capacity, int idCapacity) {
    Attempt a = new Attempt();
    a.t = atMillis;
    a.id = eventId;
    int i = attempts.size();
    while (i > 0 && attempts.get(i - 1).t > atMillis) {
      i--;
    }
    attempts.add(i, a);
    while (attempts.size() > Math.max(1, capacity)) {
      attempts.remove(0);
    }
    for (int k = 0; k < attempts.size() - idCapacity; k++) {
      attempts.get(k).id = null;
    }
  }

  /** Forgets attempts older than the given time. */
  public void forgetBefore(long fromMillis) {
    attempts.removeIf(a -> a.t < fromMillis);
  }

  /** Forgets attempts at or before the given time (consumed by a later success). */
  public void forgetUpTo(long toMillis) {
    attempts.removeIf(a -> a.t <= toMillis);
  }

  /** Attempts with {@code from <= t <= to}. */
  public int count(long fromMillis, long toMillis) {
    int n = 0;
    for (Attempt a : attempts) {
      if (a.t >= fromMillis && a.t <= toMillis) {
        n++;
      }
    }
    return n;
  }

  /** Event ids kept for attempts with {@code from <= t <= to}, oldest first. */
  public List<String> ids(long fromMillis, long toMillis) {
    List<String> ids = new ArrayList<>();
    for (Attempt a : attempts) {
      if (a.id != null && a.t >= fromMillis && a.t <= toMillis) {
        ids.add(a.id);
      }
    }
    return ids;
  }

  /** Event time of the first attempt with {@code t >= from}, or {@code from} when none. */
  public long first(long fromMillis) {
    for (Attempt a : attempts) {
      if (a.t >= fromMillis) {
        return a.t;
      }
    }
    return fromMillis;
  }
}
