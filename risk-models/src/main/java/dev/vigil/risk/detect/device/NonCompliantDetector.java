package dev.vigil.risk.detect.device;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A non-compliant device in use (Entra Conditional Access "require compliant device", Okta device
 * assurance, Intune/Defender compliance): unmanaged, disk not encrypted, EDR not running, OS
 * patches older than a limit, jailbroken, firewall or screen lock off. Scored by what is wrong and
 * reported to each subject using the device, once per subject until an issue appears that was not
 * reported yet (again after a re-notify interval, so the subject's risk does not decay away while
 * the device stays non-compliant). Repeated reports of the same known issues, or issues that clear
 * and come back, raise nothing new.
 */
public final class NonCompliantDetector
    implements Detector<DeviceSignal, NonCompliantDetector.State> {

  /** Detector id. */
  public static final String ID = "device.non-compliant";

  private final int maxPatchAgeDays;
  private final long inUseMillis;
  private final long renotifyMillis;
  private final int userCapacity;
  private final Duration halfLife;

  /**
   * Reads {@code max-patch-age-days} (30), {@code in-use-window} (3d: a subject seen on the device
   * this close to the report is using it), {@code renotify-interval} (24h), {@code user-capacity}
   * (8 subjects per device), {@code half-life} (12h).
   */
  public NonCompliantDetector(DetectorSettings settings) {
    this.maxPatchAgeDays = settings.getInt(ID + ".max-patch-age-days", 30);
    this.inUseMillis = settings.getDuration(ID + ".in-use-window", Duration.ofDays(3)).toMillis();
    this.renotifyMillis =
        settings.getDuration(ID + ".renotify-interval", Duration.ofHours(24)).toMillis();
    this.userCapacity = settings.getInt(ID + ".user-capacity", 8);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** The latest posture, the device's users, and who was told about the current issues when. */
  public static final class State {
    DeviceUsers users = new DeviceUsers();
    long postureAt = Long.MIN_VALUE;
    int issues;
    String postureEventId;
    Integer patchAgeDays;
    DeviceUsers notified = new DeviceUsers();
    int notifiedIssues;
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
    } else if (signal.posture() != null) {
      DevicePosture p = signal.posture();
      long at = p.getTimestamp().toEpochMilli();
      if (at < state.postureAt) {
        return List.of(); // An older report than the one held.
      }
      int issues = PostureIssue.of(p, maxPatchAgeDays);
      if ((issues & ~state.notifiedIssues) != 0) {
        // Something users were not told about: tell them now. Issues that come and go (patches
        // ageing past the limit and back) are the same story and wait for the re-notify interval.
        state.notified = new DeviceUsers();
        state.notifiedIssues = issues;
      }
      state.postureAt = at;
      state.issues = issues;
      state.postureEventId = p.getEventId();
      state.patchAgeDays = p.getOsPatchAgeDays();
    } else {
      return List.of();
    }
    if (state.issues == 0 || state.postureEventId == null) {
      return List.of();
    }
    long at = signal.timestamp().toEpochMilli();
    List<RiskFinding> findings = new ArrayList<>();
    for (DeviceUsers.User user : state.users.around(at, inUseMillis)) {
      if (notifiedRecently(state, user.subjectId, at)) {
        continue;
      }
      state.notified.record(
          new DeviceUsage(user.subjectId, user.subjectType, user.eventId, Instant.ofEpochMilli(at)),
          userCapacity);
      findings.add(finding(signal, state, user));
    }
    return findings;
  }

  private boolean notifiedRecently(State state, String subjectId, long at) {
    for (DeviceUsers.User n : state.notified.users) {
      if (n.subjectId.equals(subjectId) && Math.abs(at - n.lastSeen) < renotifyMillis) {
        return true;
      }
    }
    return false;
  }

  private RiskFinding finding(DeviceSignal signal, State state, DeviceUsers.User user) {
    String problems = PostureIssue.describe(state.issues);
    String patch =
        (state.issues & PostureIssue.OS_PATCH_AGE.bit()) != 0
            ? String.format(
                Locale.ROOT,
                " (patches %d days old, limit %d)",
                state.patchAgeDays,
                maxPatchAgeDays)
            : "";
    return Findings.finding(ID, user.subjectId, user.subjectType, signal.timestamp())
        .score(Math.min(90, PostureIssue.score(state.issues)))
        .confidence(0.9)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Used device %s, which fails compliance: %s%s.",
                signal.deviceId(),
                problems,
                patch))
        .evidence("deviceId", signal.deviceId())
        .evidence("issues", problems)
        .evidence("osPatchAgeDays", state.patchAgeDays)
        .evidence("postureAt", Instant.ofEpochMilli(state.postureAt))
        .sourceEvents(state.postureEventId, user.eventId)
        .build();
  }
}
