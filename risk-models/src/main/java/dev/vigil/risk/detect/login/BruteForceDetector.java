package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginKind;
import dev.vigil.schema.LoginOutcome;
import java.time.Duration;

/**
 * Password guessing against one subject (MITRE T1110), on the shared {@link AttemptBurstDetector}:
 * many failed sign-ins in a sliding window (medium, once per episode), and a success after many
 * recent failures (high: the guessing may have worked). Failures consumed by a success are
 * forgotten, so a user who mistypes a few times and then signs in never fires. Failed logons,
 * Kerberos pre-authentication failures and NTLM credential validations count; ticket requests,
 * privileged-logon and logoff records do not.
 */
public final class BruteForceDetector extends AttemptBurstDetector {

  /** Detector id. */
  public static final String ID = "login.brute-force";

  static final Rule RULE =
      new Rule(
          ID,
          "T1110",
          BruteForceDetector::classify,
          Duration.ofMinutes(10),
          Duration.ofMinutes(10),
          10,
          "failure-threshold",
          40,
          2,
          20,
          0.6,
          75,
          15,
          0.8,
          Duration.ofHours(6),
          "failures",
          "failed sign-ins",
          "Successful sign-in");

  /**
   * Reads {@code window} (10m), {@code success-window} (10m), {@code failure-threshold} (10),
   * {@code success-after-failures} (5), {@code failure-score} (40), {@code success-score} (75),
   * {@code half-life} (6h), {@code allowed-lateness} (5m).
   */
  public BruteForceDetector(DetectorSettings settings) {
    super(RULE, settings, "success-after-failures", 5, "failure-score");
  }

  static Kind classify(LoginEvent e) {
    LoginKind kind = e.getKind() == null ? LoginKind.LOGON : e.getKind();
    boolean counted =
        kind == LoginKind.LOGON
            || kind == LoginKind.PREAUTH
            || kind == LoginKind.CREDENTIAL_VALIDATION
            || kind == LoginKind.TGT_REQUEST;
    if (!counted) {
      return Kind.NONE;
    }
    LoginOutcome o = e.getOutcome();
    if (o == LoginOutcome.FAILURE || o == LoginOutcome.LOCKED_OUT) {
      return Kind.ATTEMPT;
    }
    return o == LoginOutcome.SUCCESS ? Kind.SUCCESS : Kind.NONE;
  }
}
