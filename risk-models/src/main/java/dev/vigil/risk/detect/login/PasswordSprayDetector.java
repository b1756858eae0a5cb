package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.detect.window.AttemptLog;
import dev.vigil.risk.detect.window.DistinctCount;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginKind;
import dev.vigil.schema.LoginOutcome;
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
 * Password spray (MITRE T1110.003), keyed by source ({@link Hosts#source}: the IP address, else the
 * source host): failed sign-ins from one source against many distinct accounts within a sliding
 * window. Sensitivity is a weight over distinct accounts: 1 per account that failed at most {@code
 * max-attempts-per-account} times, {@code unknown-user-weight} when the account does not exist,
 * {@code heavy-account-weight} for an account tried more often (brute force territory), 0 for an
 * account that signed in successfully from the same source within {@code correction-window} after
 * failing (a typo). Failed logons, Kerberos pre-authentication and TGT failures and NTLM credential
 * validations all count. A source whose failing accounts are a small share of the accounts active
 * from it (an office NAT) does not fire.
 *
 * <p>When it fires, the source itself gets an ACTOR finding (subject type DEVICE, revised as the
 * spray grows), every targeted account a lower TARGET finding, and a success from the source during
 * the spray a high finding: TARGET when the account had failed from it (password guessed), ACTOR
 * otherwise (an account active on the attacking source). Order independence: attempts are buffered
 * for window, correction window and allowed lateness and re-evaluated on each event, and finding
 * ids are keyed by episode (failures from the source with no gap longer than {@code spray-memory}),
 * so a success processed before the failures is flagged when they arrive.
 */
public final class PasswordSprayDetector
    implements Detector<LoginEvent, PasswordSprayDetector.State> {

  /** Detector id. */
  public static final String ID = "login.password-spray";

  private static final int FAILURE = 0;
  private static final int SUCCESS = 1;
  private static final int UNKNOWN = 1;
  private static final int CAPACITY = 24;
  private static final int EMITTED = 48;
  private static final int DISTINCT_CAP = 64;
  private static final int TOP = 5;

  private final long window;
  private final long lateness;
  private final long correction;
  private final long memory;
  private final double minWeight;
  private final int minSubjects;
  private final double unknownWeight;
  private final int maxAttempts;
  private final double heavyWeight;
  private final double minShare;
  private final double actorScore;
  private final double targetScore;
  private final double successScore;
  private final double accountActorScore;
  private final Duration halfLife;

  /**
   * Reads {@code window} (15m), {@code min-weight} (4), {@code unknown-user-weight} (1.5), {@code
   * max-attempts-per-account} (4), {@code heavy-account-weight} (0.5), {@code min-failure-share}
   * (0.2), {@code correction-window} (3m), {@code allowed-lateness} (5m), {@code spray-memory}
   * (24h), {@code actor-score} (70), {@code target-score} (30), {@code success-score} (85), {@code
   * account-actor-score} (55), {@code half-life} (12h).
   */
  public PasswordSprayDetector(DetectorSettings settings) {
    this.window = settings.getDuration(ID + ".window", Duration.ofMinutes(15)).toMillis();
    this.minWeight = settings.getDouble(ID + ".min-weight", 4);
    this.minSubjects = settings.getInt(ID + ".min-subjects", 3);
    this.unknownWeight = settings.getDouble(ID + ".unknown-user-weight", 1.5);
    this.maxAttempts = settings.getInt(ID + ".max-attempts-per-account", 4);
    this.heavyWeight = settings.getDouble(ID + ".heavy-account-weight", 0.5);
    this.minShare = settings.getDouble(ID + ".min-failure-share", 0.2);
    this.correction =
        settings.getDuration(ID + ".correction-window", Duration.ofMinutes(3)).toMillis();
    this.lateness =
        settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis();
    this.memory = settings.getDuration(ID + ".spray-memory", Duration.ofHours(24)).toMillis();
    this.actorScore = settings.getDouble(ID + ".actor-score", 70);
    this.targetScore = settings.getDouble(ID + ".target-score", 30);
    this.successScore = settings.getDouble(ID + ".success-score", 85);
    this.accountActorScore = settings.getDouble(ID + ".account-actor-score", 55);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** Buffered attempts from one source, the episode's totals and whether it is spraying. */
  public static final class State {
    AttemptLog log = new AttemptLog();
    int countsEpisode = -1;
    DistinctCount accounts = new DistinctCount();
    DistinctCount unknown = new DistinctCount();
    long failures;
    long episodeStart;
    int detectedEpisode = -1;
    long windowStart;
    double windowWeight;
    int windowAccounts;
    int successes;
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

  /** Whether a login record counts as a failure (0), a success (1), or not at all (-1). */
  static int classify(LoginEvent e) {
    LoginKind kind = e.getKind() == null ? LoginKind.LOGON : e.getKind();
    if (kind != LoginKind.LOGON
        && kind != LoginKind.PREAUTH
        && kind != LoginKind.TGT_REQUEST
        && kind != LoginKind.CREDENTIAL_VALIDATION) {
      return -1;
    }
    if (Hosts.machineOrBuiltIn(e.getSubjectId())) {
      return -1;
    }
    LoginOutcome o = e.getOutcome();
    if (o == LoginOutcome.FAILURE || o == LoginOutcome.LOCKED_OUT) {
      return FAILURE;
    }
    return o == LoginOutcome.SUCCESS ? SUCCESS : -1;
  }

  @Override
  public boolean reads(LoginEvent event, DetectionContext context) {
    return classify(event) >= 0 && Hosts.source(event) != null;
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    int kind = classify(event);
    String source = Hosts.source(event);
    if (kind < 0 || source == null) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    AttemptLog log = state.log;
    if (!log.admit(at, lateness)) {
      return List.of(); // Beyond the allowed lateness: its window has been evaluated.
    }
    AttemptLog.Entry e = new AttemptLog.Entry();
    e.t = at;
    e.id = event.getEventId();
    e.who = event.getSubjectId();
    e.kind = kind;
    e.flags = event.getFailureKind() == FailureKind.UNKNOWN_USER ? UNKNOWN : 0;
    e.what =
        event.getSubjectType() == null || event.getSubjectType() == SubjectType.HUMAN
            ? null
            : event.getSubjectType().name();
    e.ep = kind == FAILURE ? log.episodeOf(at, memory) : log.episode;
    if (kind == FAILURE) {
      count(state, e);
    }
    log.add(e, window + correction + lateness, CAPACITY);
    if (state.detectedEpisode != log.episode) {
      detect(state);
    }
    if (state.detectedEpisode != log.episode) {
      return List.of();
    }
    return emit(source, state, e);
  }

  private void count(State state, AttemptLog.Entry e) {
    if (state.countsEpisode != e.ep) {
      if (e.ep < state.countsEpisode) {
        return;
      }
      state.countsEpisode = e.ep;
      state.accounts.clear();
      state.unknown.clear();
      state.failures = 0;
      state.successes = 0;
      state.episodeStart = e.t;
    }
    state.episodeStart = Math.min(state.episodeStart, e.t);
    state.failures++;
    state.accounts.add(e.who, DISTINCT_CAP);
    if ((e.flags & UNKNOWN) != 0) {
      state.unknown.add(e.who, DISTINCT_CAP);
    }
  }

  /** Per-account failures in one window. */
  private static final class Account {
    int attempts;
    boolean unknown;
    long first = Long.MAX_VALUE;
    long last;
  }

  /** The weighted evaluation of one window. */
  private record Window(double weight, int failing, int others, Map<String, Account> accounts) {
    double share() {
      return failing + others == 0 ? 0 : failing / (double) (failing + others);
    }
  }

  private Window evaluate(State state, long from, long to) {
    Map<String, Account> accounts = new LinkedHashMap<>();
    for (AttemptLog.Entry e : state.log.between(from, to)) {
      if (e.kind == FAILURE) {
        Account a = accounts.computeIfAbsent(e.who, k -> new Account());
        a.attempts++;
        a.unknown |= (e.flags & UNKNOWN) != 0;
        a.first = Math.min(a.first, e.t);
        a.last = Math.max(a.last, e.t);
      }
    }
    double weight = 0;
    int failing = 0;
    Set<String> others = new LinkedHashSet<>();
    for (AttemptLog.Entry s : state.log.between(from, to + correction)) {
      if (s.kind != SUCCESS) {
        continue;
      }
      Account a = accounts.get(s.who);
      if (a == null) {
        if (s.t <= to) {
          others.add(s.who);
        }
      } else if (s.t > a.first && s.t <= a.last + correction) {
        a.attempts = -a.attempts; // Corrected: a typo followed by the right password.
      }
    }
    for (Account a : accounts.values()) {
      if (a.attempts <= 0) {
        continue;
      }
      failing++;
      double w = a.attempts > maxAttempts ? heavyWeight : 1;
      weight += a.unknown ? w * unknownWeight : w;
    }
    return new Window(weight, failing, others.size(), accounts);
  }

  private void detect(State state) {
    AttemptLog log = state.log;
    for (AttemptLog.Entry f : log.entries) {
      if (f.kind != FAILURE || f.ep != log.episode) {
        continue;
      }
      Window w = evaluate(state, f.t - window, f.t);
      if (w.weight() >= minWeight && w.failing() >= minSubjects && w.share() >= minShare) {
        state.detectedEpisode = log.episode;
        state.windowStart = f.t - window;
        state.windowWeight = w.weight();
        state.windowAccounts = w.failing();
        return;
      }
    }
  }

  /**
   * @param latest the attempt just observed: a late one older than every buffered attempt is
   *     dropped from the full buffer as it is added, yet it is a target all the same (in time order
   *     it would have been buffered when the spray was detected), so arrival order does not decide
   *     who is told
   */
  private List<RiskFinding> emit(String source, State state, AttemptLog.Entry latest) {
    AttemptLog log = state.log;
    int ep = state.detectedEpisode;
    List<RiskFinding> out = new ArrayList<>();
    Map<String, List<AttemptLog.Entry>> failed = new LinkedHashMap<>();
    for (AttemptLog.Entry e : log.entries) {
      if (e.kind == FAILURE && e.ep == ep && e.t >= state.windowStart) {
        failed.computeIfAbsent(e.who, k -> new ArrayList<>()).add(e);
      }
    }
    if (latest.kind == FAILURE
        && latest.ep == ep
        && latest.t >= state.windowStart
        && !failed.containsKey(latest.who)) {
      failed.put(latest.who, List.of(latest));
    }
    List<String> top = top(failed);
    for (Map.Entry<String, List<AttemptLog.Entry>> t : failed.entrySet()) {
      if (log.markEmitted("t|" + t.getKey() + "|" + ep, 0, EMITTED)) {
        out.add(target(source, state, t.getKey(), t.getValue()));
      }
    }
    for (AttemptLog.Entry s : log.entries) {
      if (s.kind == SUCCESS
          && s.t >= state.windowStart - window
          && s.t <= log.episodeLast + memory
          && log.markEmitted("s|" + s.who + "|" + ep, 0, EMITTED)) {
        state.successes++;
        out.add(success(source, state, s, failed.get(s.who)));
      }
    }
    int digest = AttemptLog.revision(state.accounts.size()) * 64 + Math.min(63, state.successes);
    if (log.markEmitted("a|" + ep, digest, EMITTED)) {
      out.add(actor(source, state, top, failed));
    }
    return out;
  }

  private static List<String> top(Map<String, List<AttemptLog.Entry>> failed) {
    List<String> names = new ArrayList<>(failed.keySet());
    names.sort(
        Comparator.<String>comparingInt(n -> -failed.get(n).size())
            .thenComparing(Comparator.naturalOrder()));
    return names.subList(0, Math.min(TOP, names.size()));
  }

  private String totals(State state) {
    int unknown = state.unknown.size();
    return String.format(
        Locale.ROOT,
        "%s %s%s since %s",
        state.accounts.describe(),
        state.accounts.size() == 1 ? "account" : "accounts",
        unknown == 0 ? "" : " (" + state.unknown.describe() + " of them non-existent)",
        Instant.ofEpochMilli(state.episodeStart));
  }

  private String threshold() {
    return String.format(
        Locale.ROOT, "threshold weight %.1f in %d minutes", minWeight, window / 60_000L);
  }

  private RiskFinding actor(
      String source, State state, List<String> top, Map<String, List<AttemptLog.Entry>> failed) {
    int n = state.accounts.size();
    List<String> ids = new ArrayList<>();
    failed.values().forEach(l -> l.forEach(e -> ids.add(e.id)));
    String more =
        failed.size() > top.size() ? " and " + (failed.size() - top.size()) + " more" : "";
    return Findings.finding(
            ID, source, SubjectType.DEVICE, Instant.ofEpochMilli(state.log.episodeLast))
        .identity("actor|" + state.detectedEpisode)
        .role(FindingRole.ACTOR)
        .related(top)
        .score(actorScore + Math.min(20, 2.0 * Math.max(0, n - 5)) + (state.successes > 0 ? 10 : 0))
        .confidence(0.85)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Password spray from %s: %d failed sign-ins against %s; top targets %s%s;"
                    + " %d successful sign-ins from it during the spray (%s).",
                source,
                state.failures,
                totals(state),
                String.join(", ", top),
                more,
                state.successes,
                threshold()))
        .evidence("source", source)
        .evidence("accountsTargeted", state.accounts.describe())
        .evidence("unknownAccounts", state.unknown.describe())
        .evidence("failures", state.failures)
        .evidence("successes", state.successes)
        .evidence("sprayingSince", Instant.ofEpochMilli(state.episodeStart))
        .evidence("windowWeight", String.format(Locale.ROOT, "%.1f", state.windowWeight))
        .evidence("topTargets", String.join(", ", top))
        .sourceEvents(ids.subList(Math.max(0, ids.size() - 10), ids.size()))
        .tactic("T1110.003")
        .build();
  }

  private RiskFinding target(
      String source, State state, String account, List<AttemptLog.Entry> attempts) {
    AttemptLog.Entry last = attempts.get(attempts.size() - 1);
    List<String> ids = new ArrayList<>();
    attempts.forEach(a -> ids.add(a.id));
    return Findings.finding(ID, account, type(last.what), Instant.ofEpochMilli(last.t))
        .identity("target|" + source + "|" + state.detectedEpisode)
        .role(FindingRole.TARGET)
        .related(source)
        .score(targetScore)
        .confidence(0.7)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Targeted by a password spray from %s: %d failed %s on this account; the source"
                    + " failed against %s (%s).",
                source,
                attempts.size(),
                attempts.size() == 1 ? "attempt" : "attempts",
                totals(state),
                threshold()))
        .evidence("source", source)
        .evidence("attempts", attempts.size())
        .evidence("accountsTargeted", state.accounts.describe())
        .evidence("sprayingSince", Instant.ofEpochMilli(state.episodeStart))
        .evidence("lastFailureAt", Instant.ofEpochMilli(last.t))
        .sourceEvents(ids)
        .tactic("T1110.003")
        .build();
  }

  private RiskFinding success(
      String source, State state, AttemptLog.Entry s, List<AttemptLog.Entry> attempts) {
    boolean targeted = attempts != null || state.accounts.contains(s.who);
    List<String> ids = new ArrayList<>();
    if (attempts != null) {
      attempts.forEach(a -> ids.add(a.id));
    }
    ids.add(s.id);
    String summary =
        targeted
            ? String.format(
                Locale.ROOT,
                "Successful sign-in from %s after failing for this account while the source"
                    + " sprayed passwords against %s: the password was likely guessed.",
                source,
                totals(state))
            : String.format(
                Locale.ROOT,
                "Signed in from %s while it sprayed passwords against %s: the account is active"
                    + " on the attacking source.",
                source,
                totals(state));
    return Findings.finding(ID, s.who, type(s.what), Instant.ofEpochMilli(s.t))
        .identity("success|" + source + "|" + state.detectedEpisode)
        .role(targeted ? FindingRole.TARGET : FindingRole.ACTOR)
        .related(source)
        .score(targeted ? successScore + 10 : accountActorScore)
        .confidence(targeted ? 0.9 : 0.75)
        .halfLife(halfLife)
        .summary(summary)
        .evidence("source", source)
        .evidence("outcome", "SUCCESS")
        .evidence("targetedBefore", targeted)
        .evidence("accountsTargeted", state.accounts.describe())
        .evidence("sprayingSince", Instant.ofEpochMilli(state.episodeStart))
        .sourceEvents(ids)
        .tactic("T1110.003")
        .build();
  }

  private static SubjectType type(String name) {
    return name == null ? SubjectType.HUMAN : SubjectType.valueOf(name);
  }
}
