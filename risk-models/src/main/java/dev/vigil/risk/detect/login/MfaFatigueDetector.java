package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * MFA fatigue / push bombing (MITRE T1621): a burst of denied or ignored push prompts in a sliding
 * window (medium, at most once per window), and a push-approved sign-in after such a burst (high:
 * the user may have given in). Prompts consumed by a success are forgotten. Events older than the
 * window before the newest one are ignored.
 */
public final class MfaFatigueDetector implements Detector<LoginEvent, MfaFatigueDetector.State> {

  /** Detector id. */
  public static final String ID = "login.mfa-fatigue";

  private static final int ID_CAPACITY = 10;

  private final Duration window;
  private final int minPrompts;
  private final int successAfterPrompts;
  private final double burstScore;
  private final double successScore;
  private final Duration halfLife;

  /**
   * Reads {@code window} (10m), {@code min-prompts} (5), {@code success-after-prompts} (as {@code
   * min-prompts}), {@code burst-score} (50), {@code success-score} (85), {@code half-life} (12h).
   */
  public MfaFatigueDetector(DetectorSettings settings) {
    this.window = settings.getDuration(ID + ".window", Duration.ofMinutes(10));
    this.minPrompts = settings.getInt(ID + ".min-prompts", 5);
    this.successAfterPrompts = settings.getInt(ID + ".success-after-prompts", minPrompts);
    this.burstScore = settings.getDouble(ID + ".burst-score", 50);
    this.successScore = settings.getDouble(ID + ".success-score", 85);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** Recent denied or timed-out prompts and when the last burst was reported. */
  public static final class State {
    AttemptWindow prompts = new AttemptWindow();
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
    boolean prompt = outcome == LoginOutcome.MFA_DENIED || outcome == LoginOutcome.MFA_TIMEOUT;
    boolean pushSuccess =
        outcome == LoginOutcome.SUCCESS && event.getAuthMethod() == AuthMethod.MFA_PUSH;
    if (!prompt && outcome != LoginOutcome.SUCCESS) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    long w = window.toMillis();
    if (state.latestMillis != 0 && at < state.latestMillis - w) {
      return List.of(); // Too old to fall in any window still open.
    }
    state.latestMillis = Math.max(state.latestMillis, at);
    state.prompts.forgetBefore(state.latestMillis - w);
    int capacity = 2 * Math.max(minPrompts, successAfterPrompts);
    if (prompt) {
      state.prompts.add(at, event.getEventId(), capacity, ID_CAPACITY);
      int n = state.prompts.count(at - w, at);
      if (n >= minPrompts && (state.lastAlertMillis == 0 || at - state.lastAlertMillis >= w)) {
        state.lastAlertMillis = at;
        return List.of(
            base(event, state, n, at - w)
                .score(burstScore + Math.min(15, 2.0 * (n - minPrompts)))
                .confidence(0.7)
                .summary(
                    String.format(
                        Locale.ROOT,
                        "%d MFA push prompts denied or ignored within %d minutes (threshold %d in %d"
                            + " minutes).",
                        n,
                        minutes(at - state.prompts.first(at - w)),
                        minPrompts,
                        window.toMinutes()))
                .build());
      }
      return List.of();
    }
    List<RiskFinding> out = List.of();
    int n = state.prompts.count(at - w, at);
    if (pushSuccess && n >= successAfterPrompts) {
      out =
          List.of(
              base(event, state, n, at - w)
                  .score(successScore + Math.min(10, n - successAfterPrompts))
                  .confidence(0.85)
                  .summary(
                      String.format(
                          Locale.ROOT,
                          "MFA push approved after %d denied or ignored prompts in the previous %d"
                              + " minutes (threshold %d).",
                          n,
                          minutes(at - state.prompts.first(at - w)),
                          successAfterPrompts))
                  .evidence("outcome", "SUCCESS")
                  .sourceEvents(event.getEventId())
                  .build());
    }
    state.prompts.forgetUpTo(at);
    return out;
  }

  private Findings base(LoginEvent event, State state, int n, long from) {
    return Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .halfLife(halfLife)
        .evidence("prompts", n)
        .evidence("windowMinutes", window.toMinutes())
        .evidence("ip", event.getIp())
        .evidence("application", event.getApplication())
        .sourceEvents(state.prompts.ids(from, LoginSignals.millis(event)))
        .tactic("T1621");
  }

  private static long minutes(long millis) {
    return Math.max(1, Math.round(millis / 60_000.0));
  }
}
