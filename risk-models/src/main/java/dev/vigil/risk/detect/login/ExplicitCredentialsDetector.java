package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.window.AttemptLog;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginKind;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Explicit credentials used towards many hosts (Windows 4648; MITRE T1078, as in WMIC, PsExec or
 * PowerShell remoting with {@code -Credential}): keyed by the credential's account (the subject),
 * distinct target hosts within a window. At {@code min-hosts} the caller ({@code actorId}, else the
 * subject) gets an ACTOR finding, revised as more hosts are reached; when the caller used another
 * account's credentials, that account gets a TARGET finding; the host the calls came from gets an
 * ACTOR finding (subject type DEVICE). Calls to {@code localhost} or the calling host itself are
 * ignored. Windowed on the shared {@link AttemptLog} engine (order independent within the allowed
 * lateness).
 */
public final class ExplicitCredentialsDetector
    implements Detector<LoginEvent, ExplicitCredentialsDetector.State> {

  /** Detector id. */
  public static final String ID = "login.explicit-credentials";

  private static final int CAPACITY = 40;
  private static final int EMITTED = 16;

  private final long window;
  private final long lateness;
  private final int minHosts;
  private final double actorScore;
  private final double targetScore;
  private final Duration halfLife;

  /**
   * Reads {@code window} (1h), {@code min-hosts} (3), {@code allowed-lateness} (5m), {@code
   * actor-score} (50, +5 per further host, +10 with another account's credentials), {@code
   * target-score} (35), {@code half-life} (12h).
   */
  public ExplicitCredentialsDetector(DetectorSettings settings) {
    this.window = settings.getDuration(ID + ".window", Duration.ofHours(1)).toMillis();
    this.lateness =
        settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis();
    this.minHosts = settings.getInt(ID + ".min-hosts", 3);
    this.actorScore = settings.getDouble(ID + ".actor-score", 50);
    this.targetScore = settings.getDouble(ID + ".target-score", 35);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** Buffered explicit-credential calls with this account's credentials. */
  public static final class State {
    AttemptLog log = new AttemptLog();
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
    String target = Hosts.canonical(event.getTargetHost());
    return event.getKind() == LoginKind.EXPLICIT_CREDENTIALS
        && target != null
        && !target.equals(Hosts.canonical(event.getSourceHost()))
        && !Hosts.machineOrBuiltIn(event.getSubjectId());
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    String target = Hosts.canonical(event.getTargetHost());
    String from = Hosts.canonical(event.getSourceHost());
    if (event.getKind() != LoginKind.EXPLICIT_CREDENTIALS
        || target == null
        || target.equals(from)
        || Hosts.machineOrBuiltIn(event.getSubjectId())) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    AttemptLog log = state.log;
    if (!log.admit(at, lateness)) {
      return List.of();
    }
    AttemptLog.Entry e = new AttemptLog.Entry();
    e.t = at;
    e.id = event.getEventId();
    e.who = target;
    String actor = event.getActorId();
    e.what =
        actor == null || actor.isBlank() || Hosts.machineOrBuiltIn(actor)
            ? event.getSubjectId()
            : actor.trim();
    e.via = from != null ? from : Hosts.ip(event.getIp());
    e.ep = log.episodeOf(at, window);
    log.add(e, window + lateness, CAPACITY);
    long start = Long.MIN_VALUE;
    for (AttemptLog.Entry r : log.entries) {
      if (r.ep == log.episode && hosts(log.between(r.t - window, r.t)).size() >= minHosts) {
        start = r.t - window;
        break;
      }
    }
    if (start == Long.MIN_VALUE) {
      return List.of();
    }
    List<AttemptLog.Entry> calls = new ArrayList<>();
    for (AttemptLog.Entry r : log.entries) {
      if (r.ep == log.episode && r.t >= start) {
        calls.add(r);
      }
    }
    Set<String> hosts = hosts(calls);
    Map<String, Integer> actors = new TreeMap<>();
    Set<String> sources = new LinkedHashSet<>();
    List<String> ids = new ArrayList<>();
    for (AttemptLog.Entry r : calls) {
      actors.merge(r.what, 1, Integer::sum);
      if (r.via != null) {
        sources.add(r.via);
      }
      ids.add(r.id);
    }
    String caller =
        actors.entrySet().stream()
            .max(Map.Entry.<String, Integer>comparingByValue())
            .map(Map.Entry::getKey)
            .orElse(event.getSubjectId());
    boolean foreign = !Hosts.account(caller).equals(Hosts.account(event.getSubjectId()));
    if (!log.markEmitted("a|" + log.episode, AttemptLog.revision(hosts.size()), EMITTED)) {
      return List.of();
    }
    long last = calls.get(calls.size() - 1).t;
    long minutes = Math.max(1, Math.round((last - calls.get(0).t) / 60_000.0));
    String what =
        String.format(
            Locale.ROOT,
            "%d logons with explicit credentials of %s towards %d hosts within %d minutes: %s%s"
                + " (threshold %d hosts in %d minutes)",
            calls.size(),
            event.getSubjectId(),
            hosts.size(),
            minutes,
            String.join(", ", new ArrayList<>(hosts).subList(0, Math.min(5, hosts.size()))),
            hosts.size() > 5 ? " and " + (hosts.size() - 5) + " more" : "",
            minHosts,
            window / 60_000L);
    String ep = String.valueOf(log.episode);
    List<String> recent = ids.subList(Math.max(0, ids.size() - 10), ids.size());
    List<RiskFinding> out = new ArrayList<>();
    out.add(
        finding(caller, SubjectType.HUMAN, last, "actor|" + ep, hosts, recent)
            .role(FindingRole.ACTOR)
            .score(actorScore + 5.0 * (hosts.size() - minHosts) + (foreign ? 10 : 0))
            .confidence(0.75)
            .summary(
                (foreign ? "Used another account's credentials: " : "Explicit credentials: ")
                    + what
                    + (sources.isEmpty() ? "." : ", from " + String.join(", ", sources) + "."))
            .build());
    if (foreign) {
      out.add(
          finding(event.getSubjectId(), event.getSubjectType(), last, "target|" + ep, hosts, recent)
              .role(FindingRole.TARGET)
              .related(caller)
              .score(targetScore)
              .confidence(0.7)
              .summary("Credentials used by " + caller + ": " + what + ".")
              .build());
    }
    for (String source : sources) {
      out.add(
          finding(
                  source,
                  SubjectType.DEVICE,
                  last,
                  "source|" + event.getSubjectId() + "|" + ep,
                  hosts,
                  recent)
              .role(FindingRole.ACTOR)
              .related(caller)
              .score(actorScore)
              .confidence(0.7)
              .summary("From this host, " + caller + " made " + what + ".")
              .build());
    }
    return out;
  }

  private Findings finding(
      String subject, SubjectType type, long at, String key, Set<String> hosts, List<String> ids) {
    return Findings.finding(ID, subject, type, Instant.ofEpochMilli(at))
        .identity(key)
        .related(hosts)
        .halfLife(halfLife)
        .evidence("targetHosts", hosts.size())
        .evidence("hosts", String.join(", ", hosts))
        .sourceEvents(ids)
        .tactic("T1078");
  }

  private static Set<String> hosts(List<AttemptLog.Entry> calls) {
    Set<String> hosts = new LinkedHashSet<>();
    calls.forEach(c -> hosts.add(c.who));
    return hosts;
  }
}
