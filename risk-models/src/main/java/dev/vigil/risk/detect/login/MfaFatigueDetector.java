package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import java.time.Duration;

/**
 * MFA fatigue / push bombing (MITRE T1621), on the shared {@link AttemptBurstDetector}: a burst of
 * denied or ignored push prompts in a sliding window (medium, once per episode), and a
 * push-approved sign-in after as few as three denied or ignored prompts in the fifteen minutes
 * before it (high: the user may have given in; Okta and Entra treat a "suspicious MFA approval"
 * after a handful of rejected pushes as a strong signal). Any success consumes the prompts before
 * it, so a person who mistypes once or twice and then approves never fires.
 */
public final class MfaFatigueDetector extends AttemptBurstDetector {

  /** Detector id. */
  public static final String ID = "login.mfa-fatigue";

  static final Rule RULE =
      new Rule(
          ID,
          "T1621",
          MfaFatigueDetector::classify,
          Duration.ofMinutes(10),
          Duration.ofMinutes(15),
          5,
          "min-prompts",
          50,
          2,
          15,
          0.7,
          85,
          10,
          0.85,
          Duration.ofHours(12),
          "prompts",
          "denied or ignored prompts",
          "MFA push approved");

  /**
   * Reads {@code window} (10m), {@code min-prompts} (5), {@code success-after-prompts} (3), {@code
   * success-window} (15m), {@code burst-score} (50), {@code success-score} (85), {@code half-life}
   * (12h), {@code allowed-lateness} (5m).
   */
  public MfaFatigueDetector(DetectorSettings settings) {
    super(RULE, settings, "success-after-prompts", 3, "burst-score");
  }

  static Kind classify(LoginEvent e) {
    LoginOutcome o = e.getOutcome();
    if (o == LoginOutcome.MFA_DENIED || o == LoginOutcome.MFA_TIMEOUT) {
      return Kind.ATTEMPT;
    }
    if (o != LoginOutcome.SUCCESS) {
      return Kind.NONE;
    }
    return e.getAuthMethod() == AuthMethod.MFA_PUSH ? Kind.SUCCESS : Kind.CONSUME;
  }
}
