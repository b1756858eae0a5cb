package dev.vigil.risk.fusion;

import dev.vigil.schema.Contribution;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Fuses a subject's active findings into one 0-100 score. Each finding decays as
 * 2^(-age/half-life); per detector the strongest counts most and independent repeats add a little
 * (capped); the detectors' weights, sorted descending, combine as 1 - prod(1 - w_i / i^p) so one
 * strong signal dominates and many weak ones add up without saturating (the i^-p weighting follows
 * the zeta-weighted sum of Elastic's entity risk scoring). A criticality multiplier then scales the
 * odds.
 */
public final class RiskFusion {

  /** Targets named with a score at most. */
  public static final int MAX_TARGETS = 10;

  private static final int MAX_TARGETS_PER_FINDING = 5;
  private static final List<String> TARGET_KEYS =
      List.of("target", "targetHost", "host", "resource", "destination", "share", "spn", "targets");

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
    Set<String> targets = new LinkedHashSet<>(finding.getRelatedSubjects());
    for (String key : TARGET_KEYS) {
      String v = finding.getEvidence().get(key);
      if (v != null && !v.isBlank()) {
        targets.add(v);
      }
    }
    a.targets =
        new ArrayList<>(targets).subList(0, Math.min(targets.size(), MAX_TARGETS_PER_FINDING));
    a.targets = new ArrayList<>(a.targets);
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
   * <p>Per detector, findings at least {@code repeatMinGapSeconds} apart add up as 1 - prod(1 - w_j
   * / j^q), capped at {@code repeatCapFactor} times the strongest, so slow, repeated evidence of
   * one kind (documents collected over days, creeping transfers) counts while one burst that
   * re-fires does not stack.
   *
   * @param criticality odds multiplier (1 = neutral, 2 = critical asset, 0.5 = low)
   */
  public FusionResult recompute(SubjectRiskState state, Instant now, double criticality) {
    return rescore(state, now, criticality).result();
  }

  /**
   * Does to the state exactly what {@link #recompute(SubjectRiskState, Instant)} does (drops
   * decayed findings, sets score, level and clock) but leaves the rest of the result
   * (contributions, targets, window) to {@link Rescored#result()}: for a decay step that may
   * publish nothing.
   */
  public Rescored rescore(SubjectRiskState state, Instant now) {
    return rescore(state, now, multiplier(state.criticality));
  }

  /**
   * {@link #rescore(SubjectRiskState, Instant)} with an explicit odds multiplier.
   *
   * @param criticality odds multiplier (1 = neutral, 2 = critical asset, 0.5 = low)
   */
  public Rescored rescore(SubjectRiskState state, Instant now, double criticality) {
    long nowMillis = now.toEpochMilli();
    state.findings.removeIf(f -> f.effectiveScore(nowMillis) < settings.minEffectiveScore());
    Map<String, List<ActiveFinding>> byDetector = new TreeMap<>();
    for (ActiveFinding f : state.findings) {
      byDetector.computeIfAbsent(f.detectorId, k -> new ArrayList<>()).add(f);
    }
    Comparator<ActiveFinding> heaviest =
        Comparator.comparingDouble((ActiveFinding f) -> -f.effectiveScore(nowMillis))
            .thenComparing(f -> f.findingId);
    List<DetectorWeight> ranked = new ArrayList<>();
    for (List<ActiveFinding> fs : byDetector.values()) {
      fs.sort(heaviest);
      ranked.add(new DetectorWeight(fs, detectorWeight(fs, nowMillis)));
    }
    ranked.sort(
        Comparator.comparingDouble((DetectorWeight d) -> -d.weight())
            .thenComparing(d -> d.findings().get(0).findingId));
    double remaining = 1;
    for (int i = 0; i < ranked.size(); i++) {
      remaining *= 1 - ranked.get(i).weight() / Math.pow(i + 1, settings.zetaExponent());
    }
    double p = 1 - remaining;
    double score = 100 * applyCriticality(p, criticality);
    RiskLevel previous = state.level;
    RiskLevel level =
        settings.levels().withHysteresis(score, previous, settings.hysteresisMargin());
    state.score = round(score);
    state.level = level;
    state.updatedAtMillis = nowMillis;
    return new Rescored(state.score, level, previous, ranked, state.findings.size());
  }

  /**
   * A subject's new score and level, with what {@link #result()} needs to describe them; made by
   * {@link #rescore}.
   */
  public final class Rescored {
    private final double score;
    private final RiskLevel level;
    private final RiskLevel previous;
    private final List<DetectorWeight> ranked;
    private final int findingCount;

    private Rescored(
        double score,
        RiskLevel level,
        RiskLevel previous,
        List<DetectorWeight> ranked,
        int findingCount) {
      this.score = score;
      this.level = level;
      this.previous = previous;
      this.ranked = ranked;
      this.findingCount = findingCount;
    }

    /** The score, 0-100, rounded as stored. */
    public double score() {
      return score;
    }

    /** Whether the level changed. */
    public boolean levelChanged() {
      return level != previous;
    }

    /** The whole result, as {@link #recompute(SubjectRiskState, Instant)} returns it. */
    public FusionResult result() {
      return describe(score, level, previous, ranked, findingCount);
    }
  }

  private FusionResult describe(
      double score,
      RiskLevel level,
      RiskLevel previous,
      List<DetectorWeight> ranked,
      int findingCount) {
    List<Contribution> contributions = new ArrayList<>();
    Set<String> eventIds = new LinkedHashSet<>();
    Map<String, Integer> perDetector = new LinkedHashMap<>();
    Set<String> targets = new LinkedHashSet<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int i = 0; i < ranked.size(); i++) {
      List<ActiveFinding> fs = ranked.get(i).findings();
      ActiveFinding f = fs.get(0);
      perDetector.put(f.detectorId, fs.size());
      for (ActiveFinding each : fs) {
        targets.addAll(each.targets);
        first = Math.min(first, each.observedAtMillis);
        last = Math.max(last, each.observedAtMillis);
      }
      if (i >= settings.topContributions()) {
        continue;
      }
      contributions.add(
          Contribution.newBuilder()
              .setFindingId(f.findingId)
              .setDetectorId(f.detectorId)
              .setSummary(f.summary)
              .setBaseScore(f.score)
              .setCurrentScore(round(100 * ranked.get(i).weight()))
              .setObservedAt(Instant.ofEpochMilli(f.observedAtMillis))
              .setSourceEventIds(List.copyOf(f.sourceEventIds))
              .build());
      eventIds.addAll(f.sourceEventIds);
    }
    List<String> allTargets = new ArrayList<>(targets);
    return new FusionResult(
        score,
        level,
        previous,
        contributions,
        List.copyOf(eventIds),
        findingCount,
        ranked.size(),
        first == Long.MAX_VALUE ? null : Instant.ofEpochMilli(first),
        last == Long.MIN_VALUE ? null : Instant.ofEpochMilli(last),
        List.copyOf(allTargets.subList(0, Math.min(allTargets.size(), MAX_TARGETS))),
        allTargets.size(),
        perDetector);
  }

  /** One detector's findings (heaviest first) and their combined weight, 0-1. */
  private record DetectorWeight(List<ActiveFinding> findings, double weight) {}

  private double detectorWeight(List<ActiveFinding> heaviestFirst, long nowMillis) {
    double strongest = heaviestFirst.get(0).effectiveScore(nowMillis) / 100.0;
    List<Long> counted = new ArrayList<>();
    double remaining = 1;
    long gap = settings.repeatMinGapSeconds() * 1000;
    for (ActiveFinding f : heaviestFirst) {
      boolean independent = true;
      for (long t : counted) {
        if (Math.abs(t - f.observedAtMillis) < gap) {
          independent = false;
          break;
        }
      }
      if (!independent) {
        continue;
      }
      counted.add(f.observedAtMillis);
      double w = f.effectiveScore(nowMillis) / 100.0;
      remaining *= 1 - w / Math.pow(counted.size(), settings.repeatExponent());
    }
    return Math.min(Math.min(1, strongest * settings.repeatCapFactor()), 1 - remaining);
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
