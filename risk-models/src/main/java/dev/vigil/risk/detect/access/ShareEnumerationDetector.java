package dev.vigil.risk.detect.access;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.window.AttemptLog;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.FindingRole;
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
 * Network share discovery (MITRE T1135), keyed by the accessing account: SMB share accesses
 * (Windows 5140/5145 as {@code AccessEvent} with resource {@code \\HOST\SHARE[\path]}) within a
 * window that probe the same share name on {@code min-hosts-same-share} hosts (C$ or ADMIN$ across
 * the estate), shares on {@code min-hosts} distinct hosts, or {@code min-shares} distinct shares on
 * one host. Shares every client touches ({@code ignored-shares}: IPC$, SYSVOL, NETLOGON by default)
 * count only towards distinct hosts. The account gets an ACTOR finding (revised as the scan grows)
 * and the source host an ACTOR finding (subject type DEVICE). Machine accounts are skipped.
 * Windowed on the shared {@link AttemptLog} engine (order independent within the allowed lateness).
 */
public final class ShareEnumerationDetector
    implements Detector<AccessSignal, ShareEnumerationDetector.State> {

  /** Detector id. */
  public static final String ID = "access.share-enumeration";

  private static final int CAPACITY = 64;
  private static final int EMITTED = 8;

  private final long window;
  private final long lateness;
  private final int minHostsSameShare;
  private final int minHosts;
  private final int minShares;
  private final Set<String> ignored;
  private final double score;
  private final Duration halfLife;

  /**
   * Reads {@code window} (10m), {@code min-hosts-same-share} (4), {@code min-hosts} (10), {@code
   * min-shares} (8), {@code ignored-shares} (IPC$,SYSVOL,NETLOGON), {@code allowed-lateness} (5m),
   * {@code score} (55), {@code half-life} (12h).
   */
  public ShareEnumerationDetector(DetectorSettings settings) {
    this.window = settings.getDuration(ID + ".window", Duration.ofMinutes(10)).toMillis();
    this.lateness =
        settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis();
    this.minHostsSameShare = settings.getInt(ID + ".min-hosts-same-share", 4);
    this.minHosts = settings.getInt(ID + ".min-hosts", 10);
    this.minShares = settings.getInt(ID + ".min-shares", 8);
    this.ignored = new LinkedHashSet<>();
    for (String s : settings.getString(ID + ".ignored-shares", "IPC$,SYSVOL,NETLOGON").split(",")) {
      if (!s.isBlank()) {
        ignored.add(s.trim().toUpperCase(Locale.ROOT));
      }
    }
    this.score = settings.getDouble(ID + ".score", 55);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** Buffered share accesses of one account. */
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

  /** {@code [HOST, SHARE]} of a share access, or null when the event is not one. */
  static String[] share(AccessEvent event) {
    String resource = event.getResource();
    Map<String, String> attrs = event.getAttributes();
    String shareAttr = attrs == null ? null : attrs.get("share");
    if (resource == null || !resource.startsWith("\\\\")) {
      if (shareAttr == null) {
        return null;
      }
      resource = shareAttr;
    }
    String[] parts = resource.substring(resource.startsWith("\\\\") ? 2 : 0).split("\\\\");
    if (parts.length < 2 || parts[1].isBlank()) {
      return null;
    }
    String host = Hosts.canonical(parts[0]);
    if (host == null) {
      host = Hosts.canonical(event.getTargetHost());
    }
    if (host == null) {
      return null;
    }
    return new String[] {host, parts[1].trim().toUpperCase(Locale.ROOT)};
  }

  @Override
  public boolean reads(AccessSignal signal, DetectionContext context) {
    AccessEvent event = signal.access();
    return event != null && !Hosts.machineOrBuiltIn(event.getSubjectId()) && share(event) != null;
  }

  @Override
  public List<RiskFinding> observe(AccessSignal signal, State state, DetectionContext context) {
    AccessEvent event = signal.access();
    if (event == null || Hosts.machineOrBuiltIn(event.getSubjectId())) {
      return List.of();
    }
    String[] hs = share(event);
    if (hs == null) {
      return List.of();
    }
    long at = event.getTimestamp().toEpochMilli();
    AttemptLog log = state.log;
    if (!log.admit(at, lateness)) {
      return List.of();
    }
    AttemptLog.Entry e = new AttemptLog.Entry();
    e.t = at;
    e.id = event.getEventId();
    e.who = hs[0];
    e.what = hs[1];
    String from = Hosts.canonical(event.getSourceHost());
    e.via = from != null ? from : Hosts.ip(event.getIp());
    e.ep = log.episodeOf(at, window);
    log.add(e, window + lateness, CAPACITY);
    long start = Long.MIN_VALUE;
    for (AttemptLog.Entry r : log.entries) {
      if (r.ep == log.episode && scan(log.between(r.t - window, r.t)) != null) {
        start = r.t - window;
        break;
      }
    }
    if (start == Long.MIN_VALUE) {
      return List.of();
    }
    List<AttemptLog.Entry> scanned = new ArrayList<>();
    for (AttemptLog.Entry r : log.entries) {
      if (r.ep == log.episode && r.t >= start) {
        scanned.add(r);
      }
    }
    Scan scan = scan(scanned);
    if (scan == null
        || !log.markEmitted(
            "a|" + log.episode,
            AttemptLog.revision(scan.hosts.size()) * 64
                + Math.min(63, AttemptLog.revision(scan.pairs)),
            EMITTED)) {
      return List.of();
    }
    long last = scanned.get(scanned.size() - 1).t;
    long minutes = Math.max(1, Math.round((last - scanned.get(0).t) / 60_000.0));
    List<String> hosts = new ArrayList<>(scan.hosts);
    String summary =
        String.format(
            Locale.ROOT,
            "Share enumeration: %d share accesses to %d distinct shares on %d hosts within %d"
                + " minutes (%s); hosts %s%s (thresholds: one share on %d hosts, %d hosts, or %d"
                + " shares on a host, in %d minutes)",
            scanned.size(),
            scan.pairs,
            hosts.size(),
            minutes,
            scan.reason,
            String.join(", ", hosts.subList(0, Math.min(5, hosts.size()))),
            hosts.size() > 5 ? " and " + (hosts.size() - 5) + " more" : "",
            minHostsSameShare,
            minHosts,
            minShares,
            window / 60_000L);
    List<String> ids = new ArrayList<>();
    Set<String> sources = new LinkedHashSet<>();
    scanned.forEach(
        r -> {
          ids.add(r.id);
          if (r.via != null) {
            sources.add(r.via);
          }
        });
    List<String> recent = ids.subList(Math.max(0, ids.size() - 10), ids.size());
    double s = Math.min(85, score + 2.0 * Math.max(0, hosts.size() - minHostsSameShare));
    List<RiskFinding> out = new ArrayList<>();
    out.add(
        base(event.getSubjectId(), event.getSubjectType(), last, "actor|" + log.episode, recent)
            .related(hosts)
            .score(s)
            .confidence(0.75)
            .summary(
                summary + (sources.isEmpty() ? "." : ", from " + String.join(", ", sources) + "."))
            .evidence("hosts", hosts.size())
            .evidence("shares", scan.pairs)
            .evidence("topShare", scan.topShare)
            .build());
    for (String source : sources) {
      out.add(
          base(
                  source,
                  SubjectType.DEVICE,
                  last,
                  "source|" + event.getSubjectId() + "|" + log.episode,
                  recent)
              .related(event.getSubjectId())
              .score(s - 5)
              .confidence(0.7)
              .summary("From this host, " + event.getSubjectId() + ": " + summary + ".")
              .evidence("account", event.getSubjectId())
              .build());
    }
    return out;
  }

  private Findings base(String subject, SubjectType type, long at, String key, List<String> ids) {
    return Findings.finding(ID, subject, type, Instant.ofEpochMilli(at))
        .identity(key)
        .role(FindingRole.ACTOR)
        .halfLife(halfLife)
        .sourceEvents(ids)
        .tactic("T1135");
  }

  /** What a set of accesses amounts to. */
  private record Scan(Set<String> hosts, int pairs, String topShare, String reason) {}

  private Scan scan(List<AttemptLog.Entry> accesses) {
    Set<String> hosts = new LinkedHashSet<>();
    Map<String, Set<String>> hostsByShare = new TreeMap<>();
    Map<String, Set<String>> sharesByHost = new TreeMap<>();
    Set<String> pairs = new LinkedHashSet<>();
    for (AttemptLog.Entry r : accesses) {
      hosts.add(r.who);
      pairs.add(r.who + "\\" + r.what);
      if (!ignored.contains(r.what)) {
        hostsByShare.computeIfAbsent(r.what, k -> new LinkedHashSet<>()).add(r.who);
        sharesByHost.computeIfAbsent(r.who, k -> new LinkedHashSet<>()).add(r.what);
      }
    }
    String topShare = null;
    int topHosts = 0;
    for (Map.Entry<String, Set<String>> e : hostsByShare.entrySet()) {
      if (e.getValue().size() > topHosts) {
        topShare = e.getKey();
        topHosts = e.getValue().size();
      }
    }
    int maxShares = sharesByHost.values().stream().mapToInt(Set::size).max().orElse(0);
    String reason = null;
    if (topHosts >= minHostsSameShare) {
      reason = topShare + " on " + topHosts + " hosts";
    } else if (hosts.size() >= minHosts) {
      reason = "shares on " + hosts.size() + " hosts";
    } else if (maxShares >= minShares) {
      reason = maxShares + " shares on one host";
    }
    return reason == null ? null : new Scan(hosts, pairs.size(), topShare, reason);
  }
}
