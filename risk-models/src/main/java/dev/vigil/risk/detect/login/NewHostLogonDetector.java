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
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lateral movement (MITRE T1021): an account logging on over the network, RDP or WinRM to a host it
 * has not logged on to before (or not within {@code retention}), from the account's logon graph (a
 * capped map of hosts and when each was last used). One new host is low; several new hosts within
 * {@code window} rise quickly, and a host whose {@code ReferenceData} subject profile says HIGH or
 * CRITICAL criticality adds more. The account gets an ACTOR finding per new host; when it reaches
 * {@code fan-out} new hosts in the window, the source host (when known) gets an ACTOR finding and
 * each newly reached host a TARGET finding. Machine and built-in accounts, local logons and
 * accounts still learning ({@code min-logons} over {@code min-history}) are skipped.
 */
public final class NewHostLogonDetector
    implements Detector<LoginEvent, NewHostLogonDetector.State> {

  /** Detector id. */
  public static final String ID = "login.new-host-logon";

  private static final Set<String> REMOTE_TYPES =
      Set.of("NETWORK", "REMOTE_INTERACTIVE", "NETWORK_CLEARTEXT");
  private static final int RECENT = 16;

  private final int capacity;
  private final long retention;
  private final int minLogons;
  private final long minHistory;
  private final long window;
  private final int fanOut;
  private final double score;
  private final double stepScore;
  private final double rdpBonus;
  private final Duration halfLife;

  /**
   * Reads {@code host-capacity} (32), {@code retention} (90d), {@code min-logons} (10), {@code
   * min-history} (7d), {@code window} (1h), {@code fan-out} (3 new hosts), {@code score} (30),
   * {@code step-score} (15 per further new host in the window), {@code rdp-bonus} (10), {@code
   * half-life} (24h). Host criticality adds 15 (HIGH) or 25 (CRITICAL).
   */
  public NewHostLogonDetector(DetectorSettings settings) {
    this.capacity = settings.getInt(ID + ".host-capacity", 32);
    this.retention = settings.getDuration(ID + ".retention", Duration.ofDays(90)).toMillis();
    this.minLogons = settings.getInt(ID + ".min-logons", 10);
    this.minHistory = settings.getDuration(ID + ".min-history", Duration.ofDays(7)).toMillis();
    this.window = settings.getDuration(ID + ".window", Duration.ofHours(1)).toMillis();
    this.fanOut = settings.getInt(ID + ".fan-out", 3);
    this.score = settings.getDouble(ID + ".score", 30);
    this.stepScore = settings.getDouble(ID + ".step-score", 15);
    this.rdpBonus = settings.getDouble(ID + ".rdp-bonus", 10);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(24));
  }

  /** The account's logon graph: hosts with last logon time, and recent first logons. */
  public static final class State {
    LinkedHashMap<String, Long> hosts = new LinkedHashMap<>();
    long firstMillis;
    int logons;
    List<String> recentHosts = new ArrayList<>();
    List<Long> recentAt = new ArrayList<>();
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
    LoginKind kind = event.getKind() == null ? LoginKind.LOGON : event.getKind();
    String type =
        event.getLogonType() == null ? null : event.getLogonType().toUpperCase(Locale.ROOT);
    String host = Hosts.canonical(event.getTargetHost());
    return kind == LoginKind.LOGON
        && event.getOutcome() == LoginOutcome.SUCCESS
        && type != null
        && REMOTE_TYPES.contains(type)
        && host != null
        && !host.equals(Hosts.canonical(event.getSourceHost()))
        && !Hosts.machineOrBuiltIn(event.getSubjectId());
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    LoginKind kind = event.getKind() == null ? LoginKind.LOGON : event.getKind();
    String type =
        event.getLogonType() == null ? null : event.getLogonType().toUpperCase(Locale.ROOT);
    String host = Hosts.canonical(event.getTargetHost());
    String from = Hosts.canonical(event.getSourceHost());
    if (kind != LoginKind.LOGON
        || event.getOutcome() != LoginOutcome.SUCCESS
        || type == null
        || !REMOTE_TYPES.contains(type)
        || host == null
        || host.equals(from)
        || Hosts.machineOrBuiltIn(event.getSubjectId())) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    boolean learning =
        state.logons < minLogons || state.firstMillis == 0 || at - state.firstMillis < minHistory;
    Long last = state.hosts.get(host);
    boolean fresh = last == null || at - last > retention;
    if (state.firstMillis == 0 || at < state.firstMillis) {
      state.firstMillis = at;
    }
    state.logons = Math.min(1_000_000, state.logons + 1);
    touch(state, host, at);
    if (!fresh || learning) {
      return List.of();
    }
    String source = from != null ? from : Hosts.ip(event.getIp());
    remember(state, host, at);
    int inWindow = 0;
    long firstReached = at;
    List<String> reached = new ArrayList<>();
    for (int i = 0; i < state.recentHosts.size(); i++) {
      if (Math.abs(at - state.recentAt.get(i)) <= window) {
        firstReached = Math.min(firstReached, state.recentAt.get(i));
        inWindow++;
        reached.add(state.recentHosts.get(i));
      }
    }
    Criticality criticality = context.reference().criticality(host);
    double bonus =
        criticality == Criticality.CRITICAL ? 25 : criticality == Criticality.HIGH ? 15 : 0;
    boolean rdp = type.equals("REMOTE_INTERACTIVE");
    double s = score + Math.min(45, stepScore * (inWindow - 1)) + bonus + (rdp ? rdpBonus : 0);
    String how =
        rdp ? "RDP" : type.equals("NETWORK") ? "a network logon" : "a cleartext network logon";
    String summary =
        String.format(
            Locale.ROOT,
            "First logon to %s%s by %s%s, not among the %d hosts this account used before; %d new"
                + " %s reached within %d minutes: %s.",
            host,
            bonus > 0 ? " (" + criticality + " criticality)" : "",
            how,
            source == null ? "" : " from " + source,
            state.hosts.size() - 1,
            inWindow,
            inWindow == 1 ? "host" : "hosts",
            window / 60_000L,
            String.join(", ", reached));
    List<RiskFinding> out = new ArrayList<>();
    out.add(
        Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
            .role(FindingRole.ACTOR)
            .related(reached)
            .score(s)
            .confidence(inWindow >= fanOut ? 0.8 : 0.7)
            .halfLife(halfLife)
            .summary(summary)
            .evidence("host", host)
            .evidence("source", source)
            .evidence("logonType", type)
            .evidence("hostCriticality", criticality)
            .evidence("knownHosts", state.hosts.size() - 1)
            .evidence("newHostsInWindow", inWindow)
            .evidence("newHosts", String.join(", ", reached))
            .sourceEvents(event.getEventId())
            .tactic("T1021")
            .build());
    if (inWindow >= fanOut) {
      out.add(
          Findings.finding(ID, host, SubjectType.DEVICE, event.getTimestamp())
              .role(FindingRole.TARGET)
              .related(event.getSubjectId(), source)
              .score(25 + bonus)
              .confidence(0.7)
              .halfLife(halfLife)
              .summary(
                  String.format(
                      Locale.ROOT,
                      "Reached by %s for the first time, one of %d hosts it logged on to for the"
                          + " first time within %d minutes%s.",
                      event.getSubjectId(),
                      inWindow,
                      window / 60_000L,
                      source == null ? "" : " from " + source))
              .evidence("account", event.getSubjectId())
              .evidence("source", source)
              .sourceEvents(event.getEventId())
              .tactic("T1021")
              .build());
      if (source != null) {
        out.add(
            Findings.finding(ID, source, SubjectType.DEVICE, event.getTimestamp())
                .identity("source|" + event.getSubjectId() + "|" + firstReached / window)
                .role(FindingRole.ACTOR)
                .related(reached)
                .score(Math.min(85, score + stepScore * (inWindow - 1)))
                .confidence(0.75)
                .halfLife(halfLife)
                .summary(
                    String.format(
                        Locale.ROOT,
                        "Lateral movement from this host: %s logged on to %d hosts for the first"
                            + " time within %d minutes: %s.",
                        event.getSubjectId(),
                        inWindow,
                        window / 60_000L,
                        String.join(", ", reached)))
                .evidence("account", event.getSubjectId())
                .evidence("newHosts", String.join(", ", reached))
                .sourceEvents(event.getEventId())
                .tactic("T1021")
                .build());
      }
    }
    return out;
  }

  private void touch(State state, String host, long at) {
    Long previous = state.hosts.remove(host);
    state.hosts.put(host, previous == null ? at : Math.max(previous, at));
    while (state.hosts.size() > Math.max(1, capacity)) {
      // Evict the least recently used host.
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
  }

  private static void remember(State state, String host, long at) {
    state.recentHosts.add(host);
    state.recentAt.add(at);
    while (state.recentHosts.size() > RECENT) {
      state.recentHosts.remove(0);
      state.recentAt.remove(0);
    }
  }
}
