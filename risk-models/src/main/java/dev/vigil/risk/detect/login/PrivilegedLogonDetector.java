package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginKind;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectProfile;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A privileged logon (Windows 4672, special privileges assigned) by an account on a host where it
 * never had one (MITRE T1078.002): administrator credentials used from a new workstation. Keyed by
 * subject; the host is {@code targetHost} (where the logon happened), else {@code sourceHost}. The
 * account must have had {@code min-events} privileged logons over {@code min-history} first. A host
 * whose subject profile is tagged {@code workstation} or has LOW criticality adds {@code
 * workstation-bonus}. Machine and built-in accounts are skipped.
 */
public final class PrivilegedLogonDetector
    implements Detector<LoginEvent, PrivilegedLogonDetector.State> {

  /** Detector id. */
  public static final String ID = "login.privileged-new-host";

  private final int capacity;
  private final int minEvents;
  private final long minHistory;
  private final long retention;
  private final double score;
  private final double workstationBonus;
  private final Duration halfLife;

  /**
   * Reads {@code host-capacity} (16), {@code min-events} (5), {@code min-history} (3d), {@code
   * retention} (90d), {@code score} (45), {@code workstation-bonus} (10), {@code half-life} (24h).
   */
  public PrivilegedLogonDetector(DetectorSettings settings) {
    this.capacity = settings.getInt(ID + ".host-capacity", 16);
    this.minEvents = settings.getInt(ID + ".min-events", 5);
    this.minHistory = settings.getDuration(ID + ".min-history", Duration.ofDays(3)).toMillis();
    this.retention = settings.getDuration(ID + ".retention", Duration.ofDays(90)).toMillis();
    this.score = settings.getDouble(ID + ".score", 45);
    this.workstationBonus = settings.getDouble(ID + ".workstation-bonus", 10);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(24));
  }

  /** Hosts with privileged logons and when last, and how long the account has been watched. */
  public static final class State {
    LinkedHashMap<String, Long> hosts = new LinkedHashMap<>();
    long firstMillis;
    int events;
  }

  @Override
  public String id() {
    return ID;
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
  public boolean reads(LoginEvent event, DetectionContext context) {
    String host = Hosts.canonical(event.getTargetHost());
    if (host == null) {
      host = Hosts.canonical(event.getSourceHost());
    }
    return event.getKind() == LoginKind.PRIVILEGED_LOGON
        && host != null
        && !Hosts.machineOrBuiltIn(event.getSubjectId());
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    String host = Hosts.canonical(event.getTargetHost());
    if (host == null) {
      host = Hosts.canonical(event.getSourceHost());
    }
    if (event.getKind() != LoginKind.PRIVILEGED_LOGON
        || host == null
        || Hosts.machineOrBuiltIn(event.getSubjectId())) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    boolean learning =
        state.events < minEvents || state.firstMillis == 0 || at - state.firstMillis < minHistory;
    Long last = state.hosts.get(host);
    boolean fresh = last == null || at - last > retention;
    if (state.firstMillis == 0 || at < state.firstMillis) {
      state.firstMillis = at;
    }
    state.events = Math.min(1_000_000, state.events + 1);
    int known = state.hosts.size();
    state.hosts.remove(host);
    state.hosts.put(host, last == null ? at : Math.max(last, at));
    while (state.hosts.size() > Math.max(1, capacity)) {
      String oldest = null;
      long oldestAt = Long.MAX_VALUE;
      for (Map.Entry<String, Long> e : state.hosts.entrySet()) {
        if (e.getValue() < oldestAt) {
          oldest = e.getKey();
          oldestAt = e.getValue();
        }
      }
      state.hosts.remove(oldest);
    }
    if (!fresh || learning) {
      return List.of();
    }
    SubjectProfile profile = context.reference().subject(host).orElse(null);
    boolean workstation =
        profile != null
            && (profile.getCriticality() == Criticality.LOW
                || profile.getTags().stream()
                    .anyMatch(t -> t.toLowerCase(Locale.ROOT).equals("workstation")));
    return List.of(
        Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
            .role(FindingRole.ACTOR)
            .related(host)
            .score(score + (workstation ? workstationBonus : 0))
            .confidence(0.75)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Privileged logon on %s%s, a host this account never had one on; its %d"
                        + " earlier privileged logons were on %d other %s.",
                    host,
                    workstation ? " (a workstation)" : "",
                    state.events - 1,
                    known,
                    known == 1 ? "host" : "hosts"))
            .evidence("host", host)
            .evidence("knownHosts", known)
            .evidence("workstation", workstation)
            .sourceEvents(event.getEventId())
            .tactic("T1078.002")
            .build());
  }
}
