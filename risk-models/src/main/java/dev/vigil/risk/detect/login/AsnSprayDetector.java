package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Durations;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.detect.window.AttemptLog;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A slow password spray from rotating addresses of one network (MITRE T1110.003), keyed by the
 * autonomous system ({@link Hosts#asn}): failed sign-ins against many distinct accounts from
 * several addresses of one ASN within a long window, each address staying far below the per-source
 * spray threshold. Sensitivity is a weight over the target population: 1 per distinct account that
 * failed at most {@code max-attempts-per-account} times, {@code unknown-user-weight} when the
 * account does not exist, {@code heavy-account-weight} for an account tried more often, 0 for an
 * account that signed in successfully from the ASN within {@code correction-window} after failing
 * (a typo). It fires only when the failing accounts are at least {@code min-failure-share} of the
 * accounts active from the ASN and come from at least {@code min-sources} addresses, so an office
 * NAT or a residential ISP where hundreds of employees sign in (and some mistype) stays quiet.
 * Attempts from trusted networks (office egress, corporate VPN) are ignored.
 *
 * <p>The ASN gets an ACTOR finding (subject type UNKNOWN, id {@code AS<number>}) naming the top
 * targets and addresses, every targeted account a low TARGET finding, and a success from the ASN on
 * an account that failed from it during the spray a high TARGET finding (password likely guessed).
 * Attempts are buffered for window, correction window and allowed lateness and re-evaluated on each
 * event, with finding ids keyed by episode, as for the per-source spray.
 */
public final class AsnSprayDetector implements Detector<LoginEvent, AsnSprayDetector.State> {

  /** Detector id. */
  public static final String ID = "login.asn-spray";

  private static final int FAILURE = 0;
  private static final int SUCCESS = 1;
  private static final int UNKNOWN = 1;
  private static final int CAPACITY = 96;
  private static final int EMITTED = 64;
  private static final int TOP = 5;

  private final long window;
  private final long lateness;
  private final long correction;
  private final long memory;
  private final double minWeight;
  private final int minSources;
  private final double unknownWeight;
  private final int maxAttempts;
  private final double heavyWeight;
  private final double minShare;
  private final double actorScore;
  private final double targetScore;
  private final double successScore;
  private final Duration halfLife;

  /**
   * Reads {@code window} (6h), {@code min-weight} (8), {@code min-sources} (3), {@code
   * unknown-user-weight} (1.5), {@code max-attempts-per-account} (3), {@code heavy-account-weight}
   * (0.5), {@code min-failure-share} (0.5), {@code correction-window} (10m), {@code
   * allowed-lateness} (5m), {@code spray-memory} (24h), {@code actor-score} (60), {@code
   * target-score} (25), {@code success-score} (85), {@code half-life} (24h).
   */
  public AsnSprayDetector(DetectorSettings settings) {
    this.window = settings.getDuration(ID + ".window", Duration.ofHours(6)).toMillis();
    this.minWeight = settings.getDouble(ID + ".min-weight", 8);
    this.minSources = settings.getInt(ID + ".min-sources", 3);
    this.unknownWeight = settings.getDouble(ID + ".unknown-user-weight", 1.5);
    this.maxAttempts = settings.getInt(ID + ".max-attempts-per-account", 3);
    this.heavyWeight = settings.getDouble(ID + ".heavy-account-weight", 0.5);
    this.minShare = settings.getDouble(ID + ".min-failure-share", 0.5);
    this.correction =
        settings.getDuration(ID + ".correction-window", Duration.ofMinutes(10)).toMillis();
    this.lateness =
        settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis();
    this.memory = settings.getDuration(ID + ".spray-memory", Duration.ofHours(24)).toMillis();
    this.actorScore = settings.getDouble(ID + ".actor-score", 60);
    this.targetScore = settings.getDouble(ID + ".target-score", 25);
    this.successScore = settings.getDouble(ID + ".success-score", 85);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(24));
  }

  /** Buffered attempts from one ASN and the detected episode's window. */
  public static final class State {
    AttemptLog log = new AttemptLog();
    int detectedEpisode = -1;
    long windowStart;
    double windowWeight;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public KeyScope scope() {
    return KeyScope.SOURCE_ASN;
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
    return PasswordSprayDetector.classify(event) >= 0
        && Hosts.asn(event) != null
        && context.reference().trustedNetwork(Hosts.ip(event.getIp())).isEmpty();
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    int kind = PasswordSprayDetector.classify(event);
    String asn = Hosts.asn(event);
    String ip = Hosts.ip(event.getIp());
    if (kind < 0 || asn == null || context.reference().trustedNetwork(ip).isPresent()) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    AttemptLog log = state.log;
    if (!log.admit(at, lateness)) {
      return List.of(); // Beyond the allowed lateness: its window has been evaluated.
    }
    String account = Hosts.account(event.getSubjectId());
    if (kind == SUCCESS && successSeen(log, account, at)) {
      return List.of(); // Only the first success per account and correction window is kept.
    }
    AttemptLog.Entry e = new AttemptLog.Entry();
    e.t = at;
    e.id = event.getEventId();
    e.who = event.getSubjectId();
    e.kind = kind;
    e.flags = event.getFailureKind() == FailureKind.UNKNOWN_USER ? UNKNOWN : 0;
    e.what = account;
    e.via = ip;
    e.ep = kind == FAILURE ? log.episodeOf(at, memory) : log.episode;
    log.add(e, window + correction + lateness, CAPACITY);
    if (state.detectedEpisode != log.episode) {
      detect(state);
    }
    if (state.detectedEpisode != log.episode) {
      return List.of();
    }
    return emit(asn, event, state);
  }

  private boolean successSeen(AttemptLog log, String account, long at) {
    for (AttemptLog.Entry e : log.entries) {
      if (e.kind == SUCCESS && account.equals(e.what) && Math.abs(e.t - at) <= correction) {
        return true;
      }
    }
    return false;
  }

  /** Per-account failures in one window. */
  private static final class Account {
    String subject;
    int attempts;
    boolean unknown;
    long first = Long.MAX_VALUE;
    long last;
    final Set<String> sources = new LinkedHashSet<>();
  }

  /** The weighted evaluation of one window. */
  private record Window(
      double weight, int failing, int others, Set<String> sources, Map<String, Account> accounts) {
    double share() {
      return failing + others == 0 ? 0 : failing / (double) (failing + others);
    }
  }

  private Window evaluate(AttemptLog log, int episode, long from, long to) {
    Map<String, Account> accounts = new LinkedHashMap<>();
    for (AttemptLog.Entry e : log.between(from, to)) {
      if (e.kind == FAILURE && e.ep == episode) {
        Account a = accounts.computeIfAbsent(e.what, k -> new Account());
        a.subject = e.who;
        a.attempts++;
        a.unknown |= (e.flags & UNKNOWN) != 0;
        a.first = Math.min(a.first, e.t);
        a.last = Math.max(a.last, e.t);
        if (e.via != null) {
          a.sources.add(e.via);
        }
      }
    }
    Set<String> others = new LinkedHashSet<>();
    for (AttemptLog.Entry s : log.between(from, to + correction)) {
      if (s.kind != SUCCESS) {
        continue;
      }
      Account a = accounts.get(s.what);
      if (a == null) {
        if (s.t <= to) {
          others.add(s.what);
        }
      } else if (s.t > a.first && s.t <= a.last + correction) {
        a.attempts = -Math.abs(a.attempts); // Corrected: a typo followed by the right password.
      }
    }
    double weight = 0;
    int failing = 0;
    Set<String> sources = new LinkedHashSet<>();
    for (Account a : accounts.values()) {
      if (a.attempts <= 0) {
        continue;
      }
      failing++;
      sources.addAll(a.sources);
      double w = a.attempts > maxAttempts ? heavyWeight : 1;
      weight += a.unknown ? w * unknownWeight : w;
    }
    return new Window(weight, failing, others.size(), sources, accounts);
  }

  private void detect(State state) {
    AttemptLog log = state.log;
    for (AttemptLog.Entry f : log.entries) {
      if (f.kind != FAILURE || f.ep != log.episode) {
        continue;
      }
      Window w = evaluate(log, log.episode, f.t - window, f.t);
      if (w.weight() >= minWeight && w.sources().size() >= minSources && w.share() >= minShare) {
        state.detectedEpisode = log.episode;
        state.windowStart = f.t - window;
        state.windowWeight = w.weight();
        return;
      }
    }
  }

  private List<RiskFinding> emit(String asn, LoginEvent event, State state) {
    AttemptLog log = state.log;
    int ep = state.detectedEpisode;
    Window w = evaluate(log, ep, state.windowStart, log.episodeLast);
    Map<String, Account> failing = new LinkedHashMap<>();
    w.accounts().forEach((k, a) -> failing.put(k, a));
    List<RiskFinding> out = new ArrayList<>();
    for (Map.Entry<String, Account> t : failing.entrySet()) {
      if (log.markEmitted("t|" + t.getKey() + "|" + ep, 0, EMITTED)) {
        out.add(target(asn, state, t.getValue(), w));
      }
    }
    int guessed = 0;
    for (AttemptLog.Entry s : log.entries) {
      Account a = s.kind == SUCCESS ? failing.get(s.what) : null;
      if (a == null || s.t < a.first || s.t > log.episodeLast + memory) {
        continue;
      }
      guessed++;
      if (log.markEmitted("s|" + s.what + "|" + ep, 0, EMITTED)) {
        out.add(success(asn, state, s, a, w));
      }
    }
    int digest =
        AttemptLog.revision(w.failing()) * 4096
            + AttemptLog.revision(w.sources().size()) * 64
            + Math.min(63, guessed);
    if (log.markEmitted("a|" + ep, digest, EMITTED)) {
      out.add(actor(asn, event, state, w, guessed));
    }
    return out;
  }

  private static List<String> top(Map<String, Account> accounts) {
    List<Account> list = new ArrayList<>(accounts.values());
    list.sort(
        Comparator.<Account>comparingInt(a -> -Math.abs(a.attempts)).thenComparing(a -> a.subject));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(TOP, list.size()); i++) {
      out.add(list.get(i).subject);
    }
    return out;
  }

  private static String more(int total, int named) {
    return total > named ? " and " + (total - named) + " more" : "";
  }

  private String totals(State state, Window w) {
    long unknown = w.accounts().values().stream().filter(a -> a.unknown).count();
    long failures =
        w.accounts().values().stream().mapToLong(a -> Math.abs((long) a.attempts)).sum();
    return String.format(
        Locale.ROOT,
        "%d failed sign-ins against %d %s%s from %d %s since %s",
        failures,
        w.accounts().size(),
        w.accounts().size() == 1 ? "account" : "accounts",
        unknown == 0 ? "" : " (" + unknown + " of them non-existent)",
        w.sources().size(),
        w.sources().size() == 1 ? "address" : "addresses",
        Instant.ofEpochMilli(firstFailure(w, state)));
  }

  private static long firstFailure(Window w, State state) {
    long first = Long.MAX_VALUE;
    for (Account a : w.accounts().values()) {
      first = Math.min(first, a.first);
    }
    return first == Long.MAX_VALUE ? state.windowStart : first;
  }

  private String threshold() {
    return String.format(
        Locale.ROOT,
        "threshold weight %.1f from %d addresses in %s",
        minWeight,
        minSources,
        Durations.format(Duration.ofMillis(window)));
  }

  private RiskFinding actor(String asn, LoginEvent event, State state, Window w, int guessed) {
    List<String> top = top(w.accounts());
    List<String> sources = new ArrayList<>(w.sources());
    List<String> topSources = sources.subList(0, Math.min(TOP, sources.size()));
    String org = LoginSignals.asOrg(event);
    List<String> ids = new ArrayList<>();
    for (AttemptLog.Entry e : state.log.entries) {
      if (e.kind == FAILURE && e.ep == state.detectedEpisode && e.t >= state.windowStart) {
        ids.add(e.id);
      }
    }
    int n = w.accounts().size();
    return Findings.finding(
            ID, asn, SubjectType.UNKNOWN, Instant.ofEpochMilli(state.log.episodeLast))
        .identity("actor|" + state.detectedEpisode)
        .role(FindingRole.ACTOR)
        .related(top)
        .score(actorScore + Math.min(20, 1.0 * Math.max(0, n - 8)) + (guessed > 0 ? 15 : 0))
        .confidence(0.8)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Slow password spray from network %s%s: %s; top targets %s%s; addresses %s%s;"
                    + " %d %s signed in after failing (%s).",
                asn,
                org == null ? "" : " (" + org + ")",
                totals(state, w),
                String.join(", ", top),
                more(n, top.size()),
                String.join(", ", topSources),
                more(sources.size(), topSources.size()),
                guessed,
                guessed == 1 ? "account" : "accounts",
                threshold()))
        .evidence("asn", asn)
        .evidence("asOrg", org == null ? "" : org)
        .evidence("accountsTargeted", n)
        .evidence("sourceAddresses", sources.size())
        .evidence("failingShare", String.format(Locale.ROOT, "%.2f", w.share()))
        .evidence("guessed", guessed)
        .evidence("windowWeight", String.format(Locale.ROOT, "%.1f", state.windowWeight))
        .evidence("topTargets", String.join(", ", top))
        .evidence("topSources", String.join(", ", topSources))
        .sourceEvents(ids.subList(Math.max(0, ids.size() - 10), ids.size()))
        .tactic("T1110.003")
        .build();
  }

  private RiskFinding target(String asn, State state, Account a, Window w) {
    return Findings.finding(ID, a.subject, SubjectType.HUMAN, Instant.ofEpochMilli(a.last))
        .identity("target|" + asn + "|" + state.detectedEpisode)
        .role(FindingRole.TARGET)
        .related(asn)
        .score(targetScore)
        .confidence(0.7)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Targeted by a slow password spray from network %s: %d failed %s on this account;"
                    + " the network made %s (%s).",
                asn,
                Math.abs(a.attempts),
                Math.abs(a.attempts) == 1 ? "attempt" : "attempts",
                totals(state, w),
                threshold()))
        .evidence("asn", asn)
        .evidence("attempts", Math.abs(a.attempts))
        .evidence("sources", String.join(", ", a.sources))
        .evidence("lastFailureAt", Instant.ofEpochMilli(a.last))
        .tactic("T1110.003")
        .build();
  }

  private RiskFinding success(String asn, State state, AttemptLog.Entry s, Account a, Window w) {
    return Findings.finding(ID, s.who, SubjectType.HUMAN, Instant.ofEpochMilli(s.t))
        .identity("success|" + asn + "|" + state.detectedEpisode)
        .role(FindingRole.TARGET)
        .related(asn)
        .score(successScore)
        .confidence(0.85)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Successful sign-in from %s (network %s) after %d failed %s on this account during"
                    + " a slow password spray from that network (%s): the password was likely"
                    + " guessed.",
                s.via,
                asn,
                Math.abs(a.attempts),
                Math.abs(a.attempts) == 1 ? "attempt" : "attempts",
                totals(state, w)))
        .evidence("asn", asn)
        .evidence("source", s.via == null ? "" : s.via)
        .evidence("outcome", "SUCCESS")
        .evidence("failedBefore", Math.abs(a.attempts))
        .sourceEvents(s.id)
        .tactic("T1110.003")
        .build();
  }
}
