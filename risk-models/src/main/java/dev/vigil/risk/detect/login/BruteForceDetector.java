package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Password guessing against one subject (MITRE T1110): many failed sign-ins in a sliding window
 * (medium, at most once per window), and a success after many recent failures (high: the guessing
 * may have worked). Failures consumed by a success are forgotten, so a user who mistypes a few
 * times and then signs in never fires. Events older than the window before the newest one are
 * ignored.
 */
public final class BruteForceDetector implements Detector<LoginEvent, BruteForceDetector.State> {

  /** Detector id. */
  public static final String ID = "login.brute-force";

  private static final int ID_CAPACITY = 10;

  private final Duration window;
  private final int failureThreshold;
  private final int successAfterFailures;
  private final double failureScore;
  private final double successScore;
  private final Duration halfLife;

  /**
   * Reads {@code window} (10m), {@code failure-threshold} (10), {@code success-after-failures} (5),
   * {@code failure-score} (40), {@code success-score} (75), {@code half-life} (6h).
   */
  public BruteForceDetector(DetectorSettings settings) {
    this.window = settings.getDuration(ID + ".window", Duration.ofMinutes(10));
    this.failureThreshold = settings.getInt(ID + ".failure-threshold", 10);
    this.successAfterFailures = settings.getInt(ID + ".success-after-failures", 5);
    this.failureScore = settings.getDouble(ID + ".failure-score", 40);
    this.successScore = settings.getDouble(ID + ".success-score", 75);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(6));
  }

  /** Recent failures and when the last failure burst was reported. */
  public static final class State {
    AttemptWindow failures = new AttemptWindow();
    long latestMillis;
    long lastAlertMillis;
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
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    LoginOutcome outcome = event.getOutcome();
    boolean failure = outcome == LoginOutcome.FAILURE || outcome == LoginOutcome.LOCKED_OUT;
    if (!failure && outcome != LoginOutcome.SUCCESS) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    long w = window.toMillis();
    if (state.latestMillis != 0 && at < state.latestMillis - w) {
      return List.of(); // Too old to fall in any window still open.
    }
    state.latestMillis = Math.max(state.latestMillis, at);
    state.failures.forgetBefore(state.latestMillis - w);
    int capacity = 2 * Math.max(failureThreshold, successAfterFailures);
    if (failure) {
      state.failures.add(at, event.getEventId(), capacity, ID_CAPACITY);
      int n = state.failures.count(at - w, at);
      if (n >= failureThreshold
          && (state.lastAlertMillis == 0 || at - state.lastAlertMillis >= w)) {
        state.lastAlertMillis = at;
        return List.of(
            base(event, state, n >= capacity, n, at - w)
                .score(failureScore + Math.min(20, 2.0 * (n - failureThreshold)))
                .confidence(0.6)
                .summary(
                    String.format(
                        Locale.ROOT,
                        "%s%d failed sign-ins within %d minutes (threshold %d in %d minutes).",
                        n >= capacity ? "At least " : "",
                        n,
                        minutes(at - state.failures.first(at - w)),
                        failureThreshold,
                        window.toMinutes()))
                .build());
      }
      return List.of();
    }
    int n = state.failures.count(at - w, at);
    List<RiskFinding> out = List.of();
    if (n >= successAfterFailures) {
      out =
          List.of(
              base(event, state, n >= capacity, n, at - w)
                  .score(successScore + Math.min(15, n - successAfterFailures))
                  .confidence(0.8)
                  .summary(
                      String.format(
                          Locale.ROOT,
                          "Successful sign-in after %s%d failed attempts in the previous %d minutes"
                              + " (threshold %d).",
                          n >= capacity ? "at least " : "",
                          n,
                          minutes(at - state.failures.first(at - w)),
                          successAfterFailures))
                  .evidence("outcome", "SUCCESS")
                  .sourceEvents(event.getEventId())
                  .build());
    }
    state.failures.forgetUpTo(at);
    return out;
  }

  private Findings base(LoginEvent event, State state, boolean capped, int n, long from) {
    return Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .halfLife(halfLife)
        .evidence("failures", capped ? n + "+" : n)
        .evidence("windowMinutes", window.toMinutes())
        .evidence("ip", event.getIp())
        .evidence("country", LoginSignals.country(event))
        .sourceEvents(state.failures.ids(from, LoginSignals.millis(event)))
        .tactic("T1110");
  }

  private static long minutes(long millis) {
    return Math.max(1, Math.round(millis / 60_000.0));
  }
}
