package dev.vigil.risk.fusion;

import java.util.ArrayList;
import java.util.List;

/** A finding held in a subject's risk state until its weight has decayed away. */
public final class ActiveFinding {
  /** Finding id. */
  public String findingId;

  /** Detector id. */
  public String detectorId;

  /** One-sentence explanation. */
  public String summary;

  /** Score when raised, 0-100. */
  public double score;

  /** Confidence 0-1. */
  public double confidence;

  /** Half-life in seconds. */
  public long halfLifeSeconds;

  /** Event time of the finding, epoch millis. */
  public long observedAtMillis;

  /** Raw events behind the finding (capped). */
  public List<String> sourceEventIds = new ArrayList<>();

  /** What the finding names on the other side: targets, hosts, resources, destinations (capped). */
  public List<String> targets = new ArrayList<>();

  /** The finding's weight at a time: score x confidence x 2^(-age/half-life). */
  public double effectiveScore(long nowMillis) {
    double ageSeconds = Math.max(0, (nowMillis - observedAtMillis) / 1000.0);
    return score * confidence * Math.pow(2, -ageSeconds / Math.max(1, halfLifeSeconds));
  }
}
