package dev.vigil.risk.detect.device;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A device in use whose posture agent has not reported within a maximum age (Intune "device not
 * checked in", Okta device assurance "last seen"): the agent may have been removed or blocked, or
 * the device is off management. Driven by check signals carrying the check time (a wall-clock
 * punctuator), not by event time, since the point is that nothing arrives. Reported once per
 * staleness period: a newer report starts a new period.
 */
public final class StalePostureDetector
    implements Detector<DeviceSignal, StalePostureDetector.State> {

  /** Detector id. */
  public static final String ID = "device.stale-posture";

  private final long maxAgeMillis;
  private final long inUseMillis;
  private final int userCapacity;
  private final Duration halfLife;

  /**
   * Reads {@code max-age} (24h), {@code in-use-window} (24h: a subject seen on the device this
   * close to the check is using it), {@code user-capacity} (8), {@code half-life} (12h).
   */
  public StalePostureDetector(DetectorSettings settings) {
    this.maxAgeMillis = settings.getDuration(ID + ".max-age", Duration.ofHours(24)).toMillis();
    this.inUseMillis = settings.getDuration(ID + ".in-use-window", Duration.ofHours(24)).toMillis();
    this.userCapacity = settings.getInt(ID + ".user-capacity", 8);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** The last report time, first usage time, users, and whether this period was reported. */
  public static final class State {
    DeviceUsers users = new DeviceUsers();
    long lastPostureAt = Long.MIN_VALUE;
    String lastPostureEventId;
    long firstUsageAt = Long.MAX_VALUE;
    boolean reported;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public KeyScope scope() {
    return KeyScope.DEVICE;
  }

  @Override
  public Class<State> stateType() {
    return State.class;
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public List<RiskFinding> observe(DeviceSignal signal, State state, DetectionContext context) {
    if (signal.usage() != null) {
      state.users.record(signal.usage(), userCapacity);
      state.firstUsageAt = Math.min(state.firstUsageAt, signal.usage().at().toEpochMilli());
      return List.of();
    }
    if (signal.posture() != null) {
      long at = signal.posture().getTimestamp().toEpochMilli();
      if (at > state.lastPostureAt) {
        state.lastPostureAt = at;
        state.lastPostureEventId = signal.posture().getEventId();
        state.reported = false;
      }
      return List.of();
    }
    long check = signal.checkAt().toEpochMilli();
    boolean never = state.lastPostureAt == Long.MIN_VALUE;
    long since = never ? state.firstUsageAt : state.lastPostureAt;
    if (state.reported || since == Long.MAX_VALUE || check - since <= maxAgeMillis) {
      return List.of();
    }
    List<DeviceUsers.User> users = state.users.around(check, inUseMillis);
    if (users.isEmpty()) {
      return List.of();
    }
    state.reported = true;
    long hours = (check - since) / 3_600_000L;
    List<RiskFinding> findings = new ArrayList<>();
    for (DeviceUsers.User u : users) {
      String summary =
          never
              ? String.format(
                  Locale.ROOT,
                  "Used device %s, which has never sent a posture report in the %d hours it has"
                      + " been seen (maximum age %d hours).",
                  signal.deviceId(),
                  hours,
                  maxAgeMillis / 3_600_000L)
              : String.format(
                  Locale.ROOT,
                  "Used device %s, whose last posture report is %d hours old (maximum %d hours).",
                  signal.deviceId(),
                  hours,
                  maxAgeMillis / 3_600_000L);
      findings.add(
          Findings.finding(ID, u.subjectId, u.subjectType, signal.checkAt())
              .score(never ? 45 : 35)
              .confidence(0.7)
              .halfLife(halfLife)
              .summary(summary)
              .evidence("deviceId", signal.deviceId())
              .evidence(
                  "lastPostureAt", never ? "never" : Instant.ofEpochMilli(state.lastPostureAt))
              .evidence("checkAt", signal.checkAt())
              .evidence("ageHours", hours)
              .sourceEvents(
                  state.lastPostureEventId == null
                      ? List.of(u.eventId)
                      : List.of(state.lastPostureEventId, u.eventId))
              .build());
    }
    return findings;
  }
}
