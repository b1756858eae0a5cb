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
  @JsonPropertyOrder({"subjectId", "subjectType", "lastSeen", "eventId"})
  static final class User {
    String subjectId;
    SubjectType subjectType;
    long lastSeen;
    String eventId;
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
        return;
      }
    }
    User u = new User();
    u.subjectId = usage.subjectId();
    u.subjectType = usage.subjectType();
    u.lastSeen = at;
    u.eventId = usage.eventId();
    users.add(u);
    users.sort(Comparator.comparingLong((User x) -> -x.lastSeen).thenComparing(x -> x.subjectId));
    while (users.size() > Math.max(1, capacity)) {
      users.remove(users.size() - 1);
    }
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
