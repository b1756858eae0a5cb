package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.reference.ThreatMatch;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.ThreatCategory;
import dev.vigil.schema.ThreatIndicator;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sign-in attempt from an address on a threat-intelligence list (exact IP, CIDR block or ASN), of
 * any outcome; a success scores higher than a failure. The score follows the indicator's category
 * and is scaled by its confidence. The same indicator is reported again for the same subject only
 * after the suppression period, or when a failure is followed by a success.
 */
public final class ThreatIntelIpDetector
    implements Detector<LoginEvent, ThreatIntelIpDetector.State> {

  /** Detector id. */
  public static final String ID = "login.threat-intel-ip";

  private static final int REMEMBERED_INDICATORS = 4;

  private final double failureFactor;
  private final Duration suppression;
  private final Duration halfLife;

  /** Reads {@code failure-factor} (0.6), {@code suppression} (1h), {@code half-life} (12h). */
  public ThreatIntelIpDetector(DetectorSettings settings) {
    this.failureFactor = settings.getDouble(ID + ".failure-factor", 0.6);
    this.suppression = settings.getDuration(ID + ".suppression", Duration.ofHours(1));
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /**
   * Indicators reported for the subject within the suppression period, on failures and successes.
   */
  public static final class State {
    DecayedCounts reported = new DecayedCounts();
    DecayedCounts reportedSuccess = new DecayedCounts();
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

  /** Base score of a successful sign-in from an indicator of the given category. */
  static double categoryScore(ThreatCategory category) {
    return switch (category) {
      case KNOWN_ATTACKER -> 85;
      case MALWARE_C2 -> 80;
      case BOTNET -> 75;
      case TOR_EXIT -> 65;
      case ANONYMIZER -> 55;
      case SCANNER -> 45;
      case OTHER -> 40;
    };
  }

  @Override
  public boolean reads(LoginEvent event, DetectionContext context) {
    Long asn = event.getGeo() == null ? null : event.getGeo().getAsn();
    return context.reference().threat(event.getIp(), asn, event.getTimestamp()).isPresent();
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    Long asn = event.getGeo() == null ? null : event.getGeo().getAsn();
    Optional<ThreatMatch> hit =
        context.reference().threat(event.getIp(), asn, event.getTimestamp());
    if (hit.isEmpty()) {
      return List.of();
    }
    ThreatIndicator indicator = hit.get().indicator();
    boolean success = event.getOutcome() == LoginOutcome.SUCCESS;
    long sec = LoginSignals.seconds(event);
    String key = indicator.getIndicatorId();
    DecayedCounts memory = success ? state.reportedSuccess : state.reported;
    state.reported.forgetOlderThan(sec, suppression.toSeconds());
    state.reportedSuccess.forgetOlderThan(sec, suppression.toSeconds());
    if (memory.contains(key) || (!success && state.reportedSuccess.contains(key))) {
      return List.of();
    }
    memory.add(key, sec, REMEMBERED_INDICATORS, 0);
    double confidence = Math.max(0, Math.min(1, indicator.getConfidence()));
    double score =
        categoryScore(indicator.getCategory())
            * (success ? 1 : failureFactor)
            * (0.6 + 0.4 * confidence);
    String category = indicator.getCategory().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    String outcome =
        success ? "Successful sign-in" : "Sign-in attempt (" + event.getOutcome() + ")";
    return List.of(
        Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
            .score(score)
            .confidence(confidence)
            .halfLife(halfLife)
            .summary(
                String.format(
                    Locale.ROOT,
                    "%s from %s, listed as %s by %s (indicator %s, matched on %s, confidence %.2f).",
                    outcome,
                    event.getIp(),
                    category,
                    indicator.getSource() == null ? "threat intelligence" : indicator.getSource(),
                    indicator.getIndicatorId(),
                    hit.get().matchedOn(),
                    confidence))
            .evidence("indicatorId", indicator.getIndicatorId())
            .evidence("indicatorType", indicator.getType())
            .evidence("indicatorValue", indicator.getValue())
            .evidence("category", indicator.getCategory())
            .evidence("indicatorSource", indicator.getSource())
            .evidence("indicatorConfidence", confidence)
            .evidence("matchedOn", hit.get().matchedOn())
            .evidence("ip", event.getIp())
            .evidence("outcome", event.getOutcome())
            .sourceEvents(event.getEventId())
            .tactic(tactic(indicator.getCategory(), success))
            .build());
  }

  private static String tactic(ThreatCategory category, boolean success) {
    if (category == ThreatCategory.TOR_EXIT) {
      return "T1090.003";
    }
    if (category == ThreatCategory.ANONYMIZER) {
      return "T1090";
    }
    return success ? "T1078" : "T1110";
  }
}
