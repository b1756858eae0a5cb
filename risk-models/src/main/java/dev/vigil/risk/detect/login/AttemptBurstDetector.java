package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.window.AttemptLog;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The shared engine of "burst of attempts, then a success" detections against one subject (brute
 * force, MFA fatigue): a burst of attempts in a sliding window (medium, once per episode), and a
 * qualifying success after enough attempts in the window before it (high). A success consumes the
 * attempts before it. Each detection is data, a {@link Rule}.
 *
 * <p>Order independence: every admitted event is buffered (window plus allowed lateness) and the
 * whole buffer is replayed in event-time order on each event, so a success that arrives before the
 * failures preceding it is evaluated once they arrive. Findings have episode- or event-keyed ids,
 * so the same events in any order within the lateness give the same finding ids. An event older
 * than the newest minus the lateness is ignored; an episode ends after a window with no attempt.
 */
public class AttemptBurstDetector implements Detector<LoginEvent, AttemptBurstDetector.State> {

  /** How an event counts for a rule. */
  public enum Kind {
    /** Ignored. */
    NONE,
    /** An attempt: a failure, a denied prompt. */
    ATTEMPT,
    /** A success that is flagged after a burst (and consumes the attempts before it). */
    SUCCESS,
    /** A success that only consumes the attempts before it. */
    CONSUME
  }

  /**
   * One burst-then-success detection, as data.
   *
   * @param id detector id
   * @param tactic MITRE ATT&amp;CK technique
   * @param classify how an event counts
   * @param window default window of a burst
   * @param successWindow default window before a success in which its attempts are counted
   * @param threshold default attempts for a burst
   * @param burstScore default burst score at the threshold
   * @param burstStep score per extra attempt
   * @param burstCap most extra score
   * @param burstConfidence burst confidence
   * @param successScore default score of a success after attempts
   * @param successCap most extra success score (+1 per extra attempt)
   * @param successConfidence success confidence
   * @param halfLife default half-life
   * @param attemptsKey evidence key of the attempt count
   * @param attempts plural noun of the attempts, e.g. "failed sign-ins"
   * @param success the success, e.g. "Successful sign-in"
   * @param thresholdKey setting name of the threshold
   */
  public record Rule(
      String id,
      String tactic,
      Function<LoginEvent, Kind> classify,
      Duration window,
      Duration successWindow,
      int threshold,
      String thresholdKey,
      double burstScore,
      double burstStep,
      double burstCap,
      double burstConfidence,
      double successScore,
      double successCap,
      double successConfidence,
      Duration halfLife,
      String attemptsKey,
      String attempts,
      String success) {}

  private static final int CAPACITY_FACTOR = 4;
  private static final int EMITTED = 32;

  private final Rule rule;
  private final long window;
  private final long successWindow;
  private final long lateness;
  private final int threshold;
  private final int successThreshold;
  private final double burstScore;
  private final double successScore;
  private final Duration halfLife;

  /**
   * Reads {@code window}, {@code success-window}, the rule's threshold key, {@code success-after-*}
   * (the rule's success threshold key), {@code burst-score}/{@code failure-score}, {@code
   * success-score}, {@code half-life} and {@code allowed-lateness} (5m) under the rule's id.
   */
  protected AttemptBurstDetector(
      Rule rule,
      DetectorSettings settings,
      String successKey,
      int successDefault,
      String burstKey) {
    this.rule = rule;
    String p = rule.id() + ".";
    this.window = settings.getDuration(p + "window", rule.window()).toMillis();
    this.successWindow =
        settings.getDuration(p + "success-window", rule.successWindow()).toMillis();
    this.lateness = settings.getDuration(p + "allowed-lateness", Duration.ofMinutes(5)).toMillis();
    this.threshold = settings.getInt(p + rule.thresholdKey(), rule.threshold());
    this.successThreshold =
        settings.getInt(p + successKey, successDefault < 0 ? threshold : successDefault);
    this.burstScore = settings.getDouble(p + burstKey, rule.burstScore());
    this.successScore = settings.getDouble(p + "success-score", rule.successScore());
    this.halfLife = settings.getDuration(p + "half-life", rule.halfLife());
  }

  /** Buffered attempts and successes of one subject. */
  public static final class State {
    AttemptLog log = new AttemptLog();
  }

  @Override
  public String id() {
    return rule.id();
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
    return rule.classify().apply(event) != Kind.NONE;
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    Kind kind = rule.classify().apply(event);
    if (kind == Kind.NONE) {
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
    e.kind = kind.ordinal();
    e.what = Hosts.source(event);
    e.ep = kind == Kind.ATTEMPT ? log.episodeOf(at, window) : log.episode;
    int capacity = CAPACITY_FACTOR * Math.max(threshold, successThreshold);
    log.add(e, Math.max(window, successWindow) + lateness, capacity);
    return replay(event, log, capacity);
  }

  /** Replays the buffer in event-time order and emits findings not emitted yet. */
  private List<RiskFinding> replay(LoginEvent trigger, AttemptLog log, int capacity) {
    List<RiskFinding> out = new ArrayList<>();
    List<AttemptLog.Entry> all = log.entries;
    long consumedUpTo = Long.MIN_VALUE;
    Set<Integer> burstEpisodes = new LinkedHashSet<>();
    for (int i = 0; i < all.size(); i++) {
      AttemptLog.Entry e = all.get(i);
      long span = e.kind == Kind.ATTEMPT.ordinal() ? window : successWindow;
      List<AttemptLog.Entry> recent = new ArrayList<>();
      for (int j = 0; j < i; j++) {
        AttemptLog.Entry a = all.get(j);
        if (a.kind == Kind.ATTEMPT.ordinal() && a.t > consumedUpTo && a.t >= e.t - span) {
          recent.add(a);
        }
      }
      if (e.kind == Kind.ATTEMPT.ordinal()) {
        recent.add(e);
        if (recent.size() >= threshold && burstEpisodes.add(e.ep)) {
          String key = "burst|" + e.ep;
          if (log.markEmitted(key, 0, EMITTED)) {
            out.add(burst(trigger, e, recent, key, recent.size() >= capacity));
          }
        }
        continue;
      }
      if (e.kind == Kind.SUCCESS.ordinal() && recent.size() >= successThreshold) {
        String key = "success|" + e.id;
        // Revised as late attempts arrive, so the newest version names them all.
        if (log.markEmitted(key, AttemptLog.revision(recent.size()), EMITTED)) {
          out.add(success(trigger, e, recent, key, recent.size() >= capacity));
        }
      }
      consumedUpTo = Math.max(consumedUpTo, e.t);
    }
    return out;
  }

  private RiskFinding burst(
      LoginEvent trigger,
      AttemptLog.Entry at,
      List<AttemptLog.Entry> attempts,
      String key,
      boolean capped) {
    int n = attempts.size();
    return base(trigger, at, attempts, key, capped, window)
        .score(burstScore + Math.min(rule.burstCap(), rule.burstStep() * (n - threshold)))
        .confidence(rule.burstConfidence())
        .summary(
            String.format(
                Locale.ROOT,
                "%s%d %s within %d minutes%s (threshold %d in %d minutes).",
                capped ? "At least " : "",
                n,
                rule.attempts(),
                minutes(at.t - attempts.get(0).t),
                fromSources(attempts),
                threshold,
                window / 60_000L))
        .build();
  }

  private RiskFinding success(
      LoginEvent trigger,
      AttemptLog.Entry at,
      List<AttemptLog.Entry> attempts,
      String key,
      boolean capped) {
    int n = attempts.size();
    List<String> ids = new ArrayList<>();
    attempts.forEach(a -> ids.add(a.id));
    ids.add(at.id);
    return base(trigger, at, attempts, key, capped, successWindow)
        .score(successScore + Math.min(rule.successCap(), n - successThreshold))
        .confidence(rule.successConfidence())
        .summary(
            String.format(
                Locale.ROOT,
                "%s after %s%d %s in the previous %d minutes%s (threshold %d).",
                rule.success(),
                capped ? "at least " : "",
                n,
                rule.attempts(),
                minutes(at.t - attempts.get(0).t),
                fromSources(attempts),
                successThreshold))
        .evidence("outcome", "SUCCESS")
        .sourceEvents(ids)
        .build();
  }

  private Findings base(
      LoginEvent trigger,
      AttemptLog.Entry at,
      List<AttemptLog.Entry> attempts,
      String key,
      boolean capped,
      long span) {
    List<String> ids = new ArrayList<>();
    Set<String> sources = new LinkedHashSet<>();
    for (AttemptLog.Entry a : attempts) {
      ids.add(a.id);
      if (a.what != null) {
        sources.add(a.what);
      }
    }
    int n = attempts.size();
    return Findings.finding(
            rule.id(), trigger.getSubjectId(), trigger.getSubjectType(), Instant.ofEpochMilli(at.t))
        .identity(key)
        .role(FindingRole.TARGET)
        .related(sources)
        .halfLife(halfLife)
        .evidence(rule.attemptsKey(), capped ? n + "+" : n)
        .evidence("windowMinutes", span / 60_000L)
        .evidence("firstAttemptAt", Instant.ofEpochMilli(attempts.get(0).t))
        .evidence("sources", sources.isEmpty() ? null : String.join(", ", sources))
        .evidence("ip", trigger.getIp())
        .evidence("application", trigger.getApplication())
        .sourceEvents(ids)
        .tactic(rule.tactic());
  }

  private static String fromSources(List<AttemptLog.Entry> attempts) {
    Set<String> sources = new LinkedHashSet<>();
    attempts.forEach(
        a -> {
          if (a.what != null) {
            sources.add(a.what);
          }
        });
    if (sources.isEmpty()) {
      return "";
    }
    List<String> top = new ArrayList<>(sources).subList(0, Math.min(3, sources.size()));
    return " from "
        + String.join(", ", top)
        + (sources.size() > 3 ? " and " + (sources.size() - 3) + " more" : "");
  }

  private static long minutes(long millis) {
    return Math.max(1, Math.round(millis / 60_000.0));
  }
}
