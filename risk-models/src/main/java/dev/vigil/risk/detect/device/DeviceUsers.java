package dev.vigil.risk.detect.device;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.vigil.schema.SubjectType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The subjects recently seen using a device, capped: when full, the least recently seen is dropped.
 * Part of each device detector's baseline, so findings can fan out to the device's users.
 */
final class DeviceUsers {

  /** One subject; encoded as a positional array (new fields go at the end). */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({
    "subjectId",
    "subjectType",
    "lastSeen",
    "eventId",
    "firstSeen",
    "firstEventId"
  })
  static final class User {
    String subjectId;
    SubjectType subjectType;
    long lastSeen;
    String eventId;

    /**
     * The earliest sighting kept, whatever order sightings arrived in ({@link Long#MAX_VALUE}: not
     * known, an older encoding).
     */
    long firstSeen = Long.MAX_VALUE;

    String firstEventId;

    /** The earliest sighting known, or the last one when an older encoding did not keep it. */
    long earliest() {
      return firstSeen == Long.MAX_VALUE ? lastSeen : firstSeen;
    }

    /** The event of {@link #earliest()}. */
    String earliestEventId() {
      return firstSeen == Long.MAX_VALUE || firstEventId == null ? eventId : firstEventId;
    }
  }

  List<User> users = new ArrayList<>();

  /** Records a usage; a late one never moves a subject's last sighting back. */
  void record(DeviceUsage usage, int capacity) {
    long at = usage.at().toEpochMilli();
    for (User u : users) {
      if (u.subjectId.equals(usage.subjectId())) {
        if (at >= u.lastSeen) {
          u.lastSeen = at;
          u.eventId = usage.eventId();
          u.subjectType = usage.subjectType();
        }
        if (at < u.earliest()) {
          u.firstSeen = at;
          u.firstEventId = usage.eventId();
        }
        return;
      }
    }
    User u = new User();
    u.subjectId = usage.subjectId();
    u.subjectType = usage.subjectType();
    u.lastSeen = at;
    u.eventId = usage.eventId();
    u.firstSeen = at;
    u.firstEventId = usage.eventId();
    users.add(u);
    users.sort(Comparator.comparingLong((User x) -> -x.lastSeen).thenComparing(x -> x.subjectId));
    while (users.size() > Math.max(1, capacity)) {
      users.remove(users.size() - 1);
    }
  }

  /** Subjects last seen at or after {@code since}, most recent first. */
  List<User> seenSince(long since) {
    List<User> out = new ArrayList<>();
    for (User u : users) {
      if (u.lastSeen >= since) {
        out.add(u);
      }
    }
    return out;
  }

  /** Subjects seen within {@code windowMillis} of {@code at} (either side), most recent first. */
  List<User> around(long at, long windowMillis) {
    List<User> out = new ArrayList<>();
    for (User u : users) {
      if (Math.abs(at - u.lastSeen) <= windowMillis) {
        out.add(u);
      }
    }
    return out;
  }
}
