package dev.vigil.risk.detect.device;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A device whose posture got worse between two reports (CAEP device-compliance-change, Defender for
 * Endpoint "tamper protection" / "sensor stopped" alerts): a control switched off rather than a
 * device that was never compliant. EDR turned off is the classic defence-evasion step (T1562.001)
 * and scores highest. The outdated-patches issue alone is a matter of time passing, not an action,
 * and is left to {@code device.non-compliant}. Reported to the device itself (subject type DEVICE),
 * always, and to each of its recent users. A user whose sign-in within the in-use window arrives
 * after the report (usage travels through a repartition topic and may catch up later, e.g. after a
 * crash) is told then, so who is told does not depend on arrival order.
 */
public final class ComplianceDriftDetector
    implements Detector<DeviceSignal, ComplianceDriftDetector.State> {

  /** Detector id. */
  public static final String ID = "device.compliance-drift";

  private final int maxPatchAgeDays;
  private final long inUseMillis;
  private final int userCapacity;
  private final long repeatMillis;
  private final Duration halfLife;

  /**
   * Reads {@code max-patch-age-days} (30), {@code in-use-window} (3d), {@code user-capacity} (8),
   * {@code repeat-interval} (24h: a control that flaps off again within this time is not reported
   * again), {@code half-life} (24h).
   */
  public ComplianceDriftDetector(DetectorSettings settings) {
    this.maxPatchAgeDays = settings.getInt(ID + ".max-patch-age-days", 30);
    this.inUseMillis = settings.getDuration(ID + ".in-use-window", Duration.ofDays(3)).toMillis();
    this.userCapacity = settings.getInt(ID + ".user-capacity", 8);
    this.repeatMillis =
        settings.getDuration(ID + ".repeat-interval", Duration.ofHours(24)).toMillis();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(24));
  }

  /** The latest posture's issues (null before the first report) and the device's users. */
  public static final class State {
    DeviceUsers users = new DeviceUsers();
    long postureAt = Long.MIN_VALUE;
    Integer issues;
    String postureEventId;
    int reportedIssues;
    long reportedAt = Long.MIN_VALUE;
    // The last reported drift, to tell users whose usage arrives after it.
    String driftDeviceId;
    String driftSource;
    String driftEventId;
    String driftPreviousEventId;
    long driftPreviousAt;
    int driftAppeared;
    int driftPrevious;
    double driftScore;
    DeviceUsers told = new DeviceUsers();
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
      return lateUser(signal.usage(), state);
    }
    DevicePosture p = signal.posture();
    if (p == null || p.getTimestamp().toEpochMilli() < state.postureAt) {
      return List.of();
    }
    Integer previous = state.issues;
    String previousEventId = state.postureEventId;
    long previousAt = state.postureAt;
    int now = PostureIssue.of(p, maxPatchAgeDays);
    state.issues = now;
    state.postureAt = p.getTimestamp().toEpochMilli();
    state.postureEventId = p.getEventId();
    if (previous == null) {
      return List.of();
    }
    int appeared = now & ~previous & ~PostureIssue.OS_PATCH_AGE.bit();
    if (appeared == 0) {
      return List.of();
    }
    boolean recent =
        state.reportedAt != Long.MIN_VALUE && state.postureAt - state.reportedAt < repeatMillis;
    if (recent && (appeared & ~state.reportedIssues) == 0) {
      return List.of(); // The same control flapping off again: already reported.
    }
    state.reportedIssues = recent ? state.reportedIssues | appeared : appeared;
    state.reportedAt = state.postureAt;
    double score = score(appeared);
    if (previous != 0) {
      score *= 0.8; // It was already non-compliant: a worsening, not a fall from grace.
    }
    state.driftDeviceId = p.getDeviceId();
    state.driftSource = p.getSource();
    state.driftEventId = p.getEventId();
    state.driftPreviousEventId = previousEventId;
    state.driftPreviousAt = previousAt;
    state.driftAppeared = appeared;
    state.driftPrevious = previous;
    state.driftScore = score;
    state.told = new DeviceUsers();
    List<DeviceUsers.User> users = state.users.around(state.postureAt, inUseMillis);
    List<RiskFinding> findings = new ArrayList<>();
    // The device always gets its own finding, whatever is known of its users when the report is
    // processed: their sign-ins come through the device repartition and may be processed before or
    // after it, so telling the device only when none is known made its finding depend on that
    // order.
    findings.add(
        finding(state, p.getDeviceId(), SubjectType.DEVICE)
            .sourceEvents(previousEventId, p.getEventId())
            .build());
    for (DeviceUsers.User u : users) {
      findings.add(toUser(state, u.subjectId, u.subjectType, u.eventId));
    }
    return findings;
  }

  /** Tells a user seen within the in-use window of the last drift, if not told yet. */
  private List<RiskFinding> lateUser(DeviceUsage usage, State state) {
    if (state.driftEventId == null
        || Math.abs(usage.at().toEpochMilli() - state.reportedAt) > inUseMillis) {
      return List.of();
    }
    for (DeviceUsers.User t : state.told.users) {
      if (t.subjectId.equals(usage.subjectId())) {
        return List.of();
      }
    }
    return List.of(toUser(state, usage.subjectId(), usage.subjectType(), usage.eventId()));
  }

  private RiskFinding toUser(State state, String subjectId, SubjectType type, String eventId) {
    state.told.record(
        new DeviceUsage(subjectId, type, eventId, Instant.ofEpochMilli(state.reportedAt)),
        userCapacity);
    // The id follows from the drift (the two reports) and the user, not from which of the user's
    // sign-ins happened to be the latest one processed when the drift was seen.
    return finding(state, subjectId, type)
        .sourceEvents(state.driftPreviousEventId, state.driftEventId, eventId)
        .identity(state.driftPreviousEventId + ">" + state.driftEventId)
        .build();
  }

  private static double score(int appeared) {
    double score = 0;
    for (PostureIssue i : PostureIssue.in(appeared)) {
      double s =
          switch (i) {
            case EDR_NOT_RUNNING -> 80;
            case JAILBROKEN -> 75;
            case UNMANAGED, DISK_NOT_ENCRYPTED -> 60;
            case FIREWALL_OFF -> 40;
            case SCREEN_LOCK_OFF -> 20;
            case OS_PATCH_AGE -> 0;
          };
      score = Math.max(score, s);
    }
    // Several controls off at once is worse than one.
    return Math.min(95, score + 5 * (PostureIssue.in(appeared).size() - 1));
  }

  private Findings finding(State state, String subjectId, SubjectType type) {
    int appeared = state.driftAppeared;
    int previous = state.driftPrevious;
    boolean edr = (appeared & PostureIssue.EDR_NOT_RUNNING.bit()) != 0;
    boolean firewall = (appeared & PostureIssue.FIREWALL_OFF.bit()) != 0;
    String who =
        type == SubjectType.DEVICE
            ? "Device " + state.driftDeviceId
            : "Device " + state.driftDeviceId + " in use";
    return Findings.finding(ID, subjectId, type, Instant.ofEpochMilli(state.reportedAt))
        .score(state.driftScore)
        .confidence(0.85)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "%s went from %s to %s.",
                who,
                previous == 0
                    ? "compliant"
                    : "partly compliant (" + PostureIssue.describe(previous) + ")",
                PostureIssue.describe(appeared)))
        .evidence("deviceId", state.driftDeviceId)
        .evidence("newIssues", PostureIssue.describe(appeared))
        .evidence("previousIssues", previous == 0 ? "none" : PostureIssue.describe(previous))
        .evidence("source", state.driftSource)
        .evidence("previousPostureAt", Instant.ofEpochMilli(state.driftPreviousAt))
        .tactic(edr ? "T1562.001" : firewall ? "T1562.004" : null);
  }
}
