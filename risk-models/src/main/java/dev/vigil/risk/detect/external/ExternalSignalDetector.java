package dev.vigil.risk.detect.external;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Severity;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Any other source's risk signal (CASB, DLP, HR offboarding, an EDR console) turned into a finding
 * as declared, like the third-party risk signals Entra ID Protection and Okta ITP accept via the
 * Shared Signals Framework: the explicit score if present, else the severity's score; the signal's
 * confidence and half-life, else defaults. Keeps no baseline. Attributes become evidence (prefixed
 * {@code attr.}); a {@code mitre} attribute becomes the technique.
 */
public final class ExternalSignalDetector
    implements Detector<ExternalSignal, ExternalSignalDetector.State> {

  /** Detector id. */
  public static final String ID = "external.signal";

  private final Map<Severity, Double> scores = new EnumMap<>(Severity.class);
  private final double confidence;
  private final Duration halfLife;

  /**
   * Reads {@code score-info} (0: informational signals raise no finding), {@code score-low} (15),
   * {@code score-medium} (50), {@code score-high} (75), {@code score-critical} (95), {@code
   * confidence} (0.8), {@code half-life} (6h). The defaults keep a low signal below the low level
   * on its own and well short of medium even with one or two other weak findings.
   */
  public ExternalSignalDetector(DetectorSettings settings) {
    Map<Severity, Double> defaults =
        Map.of(
            Severity.INFO, 0.0,
            Severity.LOW, 15.0,
            Severity.MEDIUM, 50.0,
            Severity.HIGH, 75.0,
            Severity.CRITICAL, 95.0);
    for (Severity s : Severity.values()) {
      scores.put(
          s,
          settings.getDouble(ID + ".score-" + s.name().toLowerCase(Locale.ROOT), defaults.get(s)));
    }
    this.confidence = settings.getDouble(ID + ".confidence", 0.8);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(6));
  }

  /**
   * No baseline, every signal stands on its own; only a count of signals seen (the codec cannot
   * encode a class without fields).
   */
  public static final class State {
    long signals;
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
  public List<RiskFinding> observe(ExternalSignal signal, State state, DetectionContext context) {
    state.signals++;
    double score = signal.getScore() != null ? signal.getScore() : scores.get(signal.getSeverity());
    if (score <= 0) {
      return List.of(); // Informational: context for people, not risk.
    }
    Findings finding =
        Findings.finding(ID, signal.getSubjectId(), signal.getSubjectType(), signal.getTimestamp())
            .score(score)
            .confidence(signal.getConfidence() != null ? signal.getConfidence() : confidence)
            .halfLife(
                signal.getHalfLifeSeconds() != null && signal.getHalfLifeSeconds() > 0
                    ? Duration.ofSeconds(signal.getHalfLifeSeconds())
                    : halfLife)
            .summary(summary(signal))
            .evidence("source", signal.getSource())
            .evidence("signalType", signal.getSignalType())
            .evidence("severity", signal.getSeverity())
            .sourceEvents(signal.getEventId())
            .tactic(signal.getAttributes().get("mitre"));
    // Sorted, so the evidence order does not depend on the map implementation.
    new TreeMap<>(signal.getAttributes()).forEach((k, v) -> finding.evidence("attr." + k, v));
    return List.of(finding.build());
  }

  private static String summary(ExternalSignal signal) {
    String text = signal.getSummary().trim();
    if (!text.isEmpty() && ".!?".indexOf(text.charAt(text.length() - 1)) < 0) {
      text = text + ".";
    }
    return signal.getSource() + ": " + text;
  }
}
