package dev.vigil.risk.fusion;

import dev.vigil.risk.RiskLevels;
import dev.vigil.schema.Contribution;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses a subject's active findings into one 0-100 score. Each finding decays as
 * 2^(-age/half-life); per detector only the strongest counts; the detectors' weights, sorted
 * descending, combine as 1 - prod(1 - w_i / i^p) so one strong signal dominates and many weak ones
 * add up without saturating (the i^-p weighting follows the zeta-weighted sum of Elastic's entity
 * risk scoring). A criticality multiplier then scales the odds.
 */
public final class RiskFusion {

  private final FusionSettings settings;

  /** Creates a fusion with the given settings. */
  public RiskFusion(FusionSettings settings) {
    this.settings = settings;
  }

  /** Adds a finding to the state (a finding with the same id replaces the old one). */
  public void add(SubjectRiskState state, RiskFinding finding) {
    state.findings.removeIf(f -> f.findingId.equals(finding.getFindingId()));
    ActiveFinding a = new ActiveFinding();
    a.findingId = finding.getFindingId();
    a.detectorId = finding.getDetectorId();
    a.summary = finding.getSummary();
    a.score = finding.getScore();
    a.confidence = finding.getConfidence();
    a.halfLifeSeconds = finding.getHalfLifeSeconds();
    a.observedAtMillis = finding.getTimestamp().toEpochMilli();
    List<String> ids = finding.getSourceEventIds();
    a.sourceEventIds =
        new ArrayList<>(ids.subList(0, Math.min(ids.size(), settings.maxEventIdsPerFinding())));
    state.findings.add(a);
    if (state.findings.size() > settings.maxFindings()) {
      long now = a.observedAtMillis;
      state.findings.sort(Comparator.comparingDouble((ActiveFinding f) -> -f.effectiveScore(now)));
      state.findings.subList(settings.maxFindings(), state.findings.size()).clear();
    }
  }

  /**
   * Recomputes the score at a time with the criticality odds multiplier of {@code
   * state.criticality} (see {@link #multiplier(Criticality)}).
   */
  public FusionResult recompute(SubjectRiskState state, Instant now) {
    return recompute(state, now, multiplier(state.criticality));
  }

  /**
   * The odds multiplier of a criticality: a critical asset's evidence counts 2.5 times, a
   * low-criticality subject's 0.6 times. A score of 50 becomes 71 (high) for a critical subject.
   */
  public static double multiplier(Criticality criticality) {
    if (criticality == null) {
      return 1.0;
    }
    return switch (criticality) {
      case LOW -> 0.6;
      case MEDIUM -> 1.0;
      case HIGH -> 1.6;
      case CRITICAL -> 2.5;
    };
  }

  /**
   * Recomputes the score at a time, drops findings that have decayed away and applies level
   * hysteresis. Updates {@code state.score}, {@code state.level} and {@code state.updatedAtMillis}.
   *
   * @param criticality odds multiplier (1 = neutral, 2 = critical asset, 0.5 = low)
   */
  public FusionResult recompute(SubjectRiskState state, Instant now, double criticality) {
    long nowMillis = now.toEpochMilli();
    state.findings.removeIf(f -> f.effectiveScore(nowMillis) < settings.minEffectiveScore());
    Map<String, ActiveFinding> strongest = new HashMap<>();
    for (ActiveFinding f : state.findings) {
      strongest.merge(
          f.detectorId,
          f,
          (a, b) -> a.effectiveScore(nowMillis) >= b.effectiveScore(nowMillis) ? a : b);
    }
    List<ActiveFinding> ranked = new ArrayList<>(strongest.values());
    ranked.sort(
        Comparator.comparingDouble((ActiveFinding f) -> -f.effectiveScore(nowMillis))
            .thenComparing(f -> f.findingId));
    double remaining = 1;
    for (int i = 0; i < ranked.size(); i++) {
      double w = ranked.get(i).effectiveScore(nowMillis) / 100.0;
      remaining *= 1 - w / Math.pow(i + 1, settings.zetaExponent());
    }
    double p = 1 - remaining;
    double score = 100 * applyCriticality(p, criticality);
    RiskLevel previous = state.level;
    RiskLevel level = RiskLevels.withHysteresis(score, previous, settings.hysteresisMargin());

    List<Contribution> contributions = new ArrayList<>();
    Set<String> eventIds = new LinkedHashSet<>();
    for (ActiveFinding f :
        ranked.subList(0, Math.min(ranked.size(), settings.topContributions()))) {
      contributions.add(
          Contribution.newBuilder()
              .setFindingId(f.findingId)
              .setDetectorId(f.detectorId)
              .setSummary(f.summary)
              .setBaseScore(f.score)
              .setCurrentScore(round(f.effectiveScore(nowMillis)))
              .setObservedAt(Instant.ofEpochMilli(f.observedAtMillis))
              .setSourceEventIds(List.copyOf(f.sourceEventIds))
              .build());
      eventIds.addAll(f.sourceEventIds);
    }
    state.score = round(score);
    state.level = level;
    state.updatedAtMillis = nowMillis;
    return new FusionResult(state.score, level, previous, contributions, List.copyOf(eventIds));
  }

  private static double applyCriticality(double p, double multiplier) {
    if (multiplier == 1 || p <= 0) {
      return p;
    }
    if (p >= 1) {
      return 1;
    }
    double odds = p / (1 - p) * multiplier;
    return odds / (1 + odds);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
