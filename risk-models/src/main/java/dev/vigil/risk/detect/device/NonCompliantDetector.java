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
 *
 * <p>Order independent: posture reports come from the posture topic and sign-ins through the device
 * repartition topic, so which arrives first varies between runs and after a crash. A finding is
 * stamped with the first moment the device was failing while the subject used it, from the earliest
 * report of the standing issues and the subject's earliest use, not with the time of whichever
 * signal arrived last; its id follows from device, issues and the earliest report of those issues.
 * A subject's sign-ins and accesses also arrive in either order: when an earlier use arrives after
 * the subject was told, the finding is emitted again under the same id at the earlier moment, which
 * replaces the first one in fusion, so every order ends with the same finding.
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

  /**
   * The latest posture, since when its issues stand, the device's users, and who was told about the
   * current issues when.
   */
  public static final class State {
    DeviceUsers users = new DeviceUsers();
    long postureAt = Long.MIN_VALUE;
    int issues;
    String postureEventId;
    Integer patchAgeDays;
    DeviceUsers notified = new DeviceUsers();
    int notifiedIssues;

    /** The earliest report of the issues now standing, whatever order reports arrived in. */
    long issuesSince = Long.MIN_VALUE;

    String sinceEventId;
    Integer sincePatchAgeDays;
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
      int issues = PostureIssue.of(p, maxPatchAgeDays);
      if (at < state.postureAt) {
        // An older report than the one held: it only tells since when the same issues stand.
        if (issues != 0 && issues == state.issues && at < state.issuesSince) {
          since(state, p, at);
        }
        return List.of();
      }
      if ((issues & ~state.notifiedIssues) != 0) {
        // Something users were not told about: tell them now. Issues that come and go (patches
        // ageing past the limit and back) are the same story and wait for the re-notify interval.
        state.notified = new DeviceUsers();
        state.notifiedIssues = issues;
      }
      if (issues != state.issues || state.issuesSince == Long.MIN_VALUE) {
        since(state, p, at);
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
    long signalAt = signal.timestamp().toEpochMilli();
    long window = state.issuesSince - inUseMillis;
    List<RiskFinding> findings = new ArrayList<>();
    for (DeviceUsers.User user : state.users.seenSince(window)) {
      // The first moment the device was failing while the subject used it: the report's time if
      // the subject used it within the in-use window before, else the subject's first use after.
      // Both come from the events alone, so whether the report or the sign-in arrived last (they
      // come through different partitions) does not change the finding's time or id.
      long first = user.earliest();
      long at = first >= window ? Math.max(state.issuesSince, first) : state.issuesSince;
      String usedIn = first >= window ? user.earliestEventId() : user.eventId;
      DeviceUsers.User told = notified(state, user.subjectId);
      boolean renotify = false;
      if (told != null) {
        if (told.lastSeen == told.earliest()
            && told.earliest() >= state.issuesSince
            && at < told.earliest()) {
          // An earlier use arrived after the subject was told: its sign-ins (login topic) and
          // accesses (access topic) reach this task in either order. The same finding (same id),
          // moved to the earlier moment, replaces the first one in fusion, so every order ends
          // with the same finding. Not after a re-notification: that one is a finding of its own.
          told.lastSeen = at;
          told.firstSeen = at;
          told.eventId = usedIn;
          told.firstEventId = usedIn;
          findings.add(finding(signal.deviceId(), state, user, at, usedIn, false));
          continue;
        }
        if (signalAt - told.lastSeen < renotifyMillis) {
          continue;
        }
        at = signalAt; // Still failing a re-notify interval later: tell the subject again.
        usedIn = user.eventId;
        renotify = true;
      }
      state.notified.record(
          new DeviceUsage(user.subjectId, user.subjectType, usedIn, Instant.ofEpochMilli(at)),
          userCapacity);
      findings.add(finding(signal.deviceId(), state, user, at, usedIn, renotify));
    }
    return findings;
  }

  private static void since(State state, DevicePosture p, long at) {
    state.issuesSince = at;
    state.sinceEventId = p.getEventId();
    state.sincePatchAgeDays = p.getOsPatchAgeDays();
  }

  private static DeviceUsers.User notified(State state, String subjectId) {
    for (DeviceUsers.User n : state.notified.users) {
      if (n.subjectId.equals(subjectId)) {
        return n;
      }
    }
    return null;
  }

  private RiskFinding finding(
      String deviceId,
      State state,
      DeviceUsers.User user,
      long at,
      String usedIn,
      boolean renotify) {
    String problems = PostureIssue.describe(state.issues);
    String patch =
        (state.issues & PostureIssue.OS_PATCH_AGE.bit()) != 0
            ? String.format(
                Locale.ROOT,
                " (patches %d days old, limit %d)",
                state.sincePatchAgeDays,
                maxPatchAgeDays)
            : "";
    return Findings.finding(ID, user.subjectId, user.subjectType, Instant.ofEpochMilli(at))
        .score(Math.min(90, PostureIssue.score(state.issues)))
        .confidence(0.9)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Used device %s, which fails compliance: %s%s.",
                deviceId,
                problems,
                patch))
        .evidence("deviceId", deviceId)
        .evidence("issues", problems)
        .evidence("osPatchAgeDays", state.sincePatchAgeDays)
        .evidence("postureAt", Instant.ofEpochMilli(state.issuesSince))
        .sourceEvents(state.sinceEventId, usedIn)
        // The first notification's id follows from device, issues and since when they stand, not
        // from the subject's first use, so a correction to an earlier use keeps it; a
        // re-notification is a finding of its own, at its own time.
        .identity(
            deviceId
                + "|"
                + state.issues
                + "|"
                + state.issuesSince
                + (renotify ? "|again|" + at : ""))
        .build();
  }
}
