package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.detect.window.AttemptLog;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sign-in failures against accounts that do not exist ({@code failureKind = UNKNOWN_USER}, e.g.
 * Kerberos {@code KDC_ERR_C_PRINCIPAL_UNKNOWN}, NTLM {@code 0xC0000064}), keyed by source like
 * password spray: user enumeration or a spray from a guessed user list (MITRE T1087, T1110). Fires
 * when one source fails against {@code min-unknown} distinct non-existent names within the window
 * and those are at least {@code min-share} of the distinct accounts active from it (an office NAT
 * where a few people mistype their user name does not fire). The source gets an ACTOR finding
 * (subject type DEVICE), revised as more names are tried. Windowed on the shared {@link AttemptLog}
 * engine (order independent within the allowed lateness).
 */
public final class UnknownAccountsDetector
    implements Detector<LoginEvent, UnknownAccountsDetector.State> {

  /** Detector id. */
  public static final String ID = "login.unknown-accounts";

  private static final int UNKNOWN = 0;
  private static final int OTHER = 1;
  private static final int CAPACITY = 24;
  private static final int EMITTED = 8;

  private final long window;
  private final long lateness;
  private final int minUnknown;
  private final double minShare;
  private final double score;
  private final Duration halfLife;

  /**
   * Reads {@code window} (15m), {@code min-unknown} (4 distinct names), {@code min-share} (0.5),
   * {@code allowed-lateness} (5m), {@code score} (50, +3 per further name, at most 75), {@code
   * half-life} (12h).
   */
  public UnknownAccountsDetector(DetectorSettings settings) {
    this.window = settings.getDuration(ID + ".window", Duration.ofMinutes(15)).toMillis();
    this.lateness =
        settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis();
    this.minUnknown = settings.getInt(ID + ".min-unknown", 4);
    this.minShare = settings.getDouble(ID + ".min-share", 0.5);
    this.score = settings.getDouble(ID + ".score", 50);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** Buffered attempts from one source. */
  public static final class State {
    AttemptLog log = new AttemptLog();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public KeyScope scope() {
    return KeyScope.SOURCE_IP;
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
    return PasswordSprayDetector.classify(event) >= 0 && Hosts.source(event) != null;
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    int kind = PasswordSprayDetector.classify(event);
    String source = Hosts.source(event);
    if (kind < 0 || source == null) {
      return List.of();
    }
    boolean unknown =
        event.getOutcome() != LoginOutcome.SUCCESS
            && event.getFailureKind() == FailureKind.UNKNOWN_USER;
    long at = LoginSignals.millis(event);
    AttemptLog log = state.log;
    if (!log.admit(at, lateness)) {
      return List.of();
    }
    AttemptLog.Entry e = new AttemptLog.Entry();
    e.t = at;
    e.id = unknown ? event.getEventId() : null; // Only unknown names are evidence.
    e.who = event.getSubjectId();
    e.kind = unknown ? UNKNOWN : OTHER;
    e.ep = unknown ? log.episodeOf(at, window) : log.episode;
    log.add(e, window + lateness, CAPACITY);
    if (!unknown) {
      return List.of(); // Other accounts only lower the share: they cannot start a finding.
    }
    long start = Long.MIN_VALUE;
    for (AttemptLog.Entry r : log.entries) {
      if (r.kind == UNKNOWN && r.ep == log.episode && qualifies(log.between(r.t - window, r.t))) {
        start = r.t - window;
        break;
      }
    }
    if (start == Long.MIN_VALUE) {
      return List.of();
    }
    Set<String> names = new TreeSet<>();
    List<String> ids = new ArrayList<>();
    long first = Long.MAX_VALUE;
    long last = 0;
    for (AttemptLog.Entry r : log.entries) {
      if (r.kind == UNKNOWN && r.ep == log.episode && r.t >= start) {
        names.add(r.who);
        ids.add(r.id);
        first = Math.min(first, r.t);
        last = Math.max(last, r.t);
      }
    }
    if (!log.markEmitted("a|" + log.episode, AttemptLog.revision(names.size()), EMITTED)) {
      return List.of();
    }
    List<String> top = new ArrayList<>(names).subList(0, Math.min(5, names.size()));
    return List.of(
        Findings.finding(ID, source, SubjectType.DEVICE, Instant.ofEpochMilli(last))
            .identity("actor|" + log.episode)
            .role(FindingRole.ACTOR)
            .related(top)
            .score(Math.min(75, score + 3.0 * (names.size() - minUnknown)))
            .confidence(0.8)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "Sign-ins from %s failed against %d non-existent accounts within %d minutes:"
                        + " %s%s (threshold %d in %d minutes).",
                    source,
                    names.size(),
                    Math.max(1, Math.round((last - first) / 60_000.0)),
                    String.join(", ", top),
                    names.size() > top.size()
                        ? " and " + (names.size() - top.size()) + " more"
                        : "",
                    minUnknown,
                    window / 60_000L))
            .evidence("source", source)
            .evidence("unknownAccounts", names.size())
            .evidence("names", String.join(", ", top))
            .evidence("firstAt", Instant.ofEpochMilli(first))
            .sourceEvents(ids.subList(Math.max(0, ids.size() - 10), ids.size()))
            .tactic("T1087")
            .build());
  }

  private boolean qualifies(List<AttemptLog.Entry> entries) {
    Set<String> unknown = new LinkedHashSet<>();
    Set<String> others = new LinkedHashSet<>();
    for (AttemptLog.Entry r : entries) {
      (r.kind == UNKNOWN ? unknown : others).add(r.who);
    }
    others.removeAll(unknown);
    return unknown.size() >= minUnknown
        && unknown.size() >= minShare * (unknown.size() + others.size());
  }
}
