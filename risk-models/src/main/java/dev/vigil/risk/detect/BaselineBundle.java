package dev.vigil.risk.detect;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every detector's baseline for one key, plus the ids of the last events seen so a redelivered
 * event is not counted twice. Stored as one value per key in a family's state store.
 */
public final class BaselineBundle {

  /** How many recent event ids are remembered for de-duplication. */
  public static final int RECENT_EVENT_IDS = 32;

  /** Serialised baseline per detector id. */
  public Map<String, byte[]> baselines = new TreeMap<>();

  /** Most recent event ids, newest last. */
  public Deque<String> recentEventIds = new ArrayDeque<>();

  /**
   * Records an event id.
   *
   * @return false if the id was already among the recent ones (a duplicate)
   */
  public boolean markSeen(String eventId) {
    if (eventId == null) {
      return true;
    }
    if (recentEventIds.contains(eventId)) {
      return false;
    }
    recentEventIds.addLast(eventId);
    while (recentEventIds.size() > RECENT_EVENT_IDS) {
      recentEventIds.removeFirst();
    }
    return true;
  }
}
