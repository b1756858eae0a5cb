package dev.vigil.risk.detect;

import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds findings with deterministic ids, so replaying the same input yields the same findings. */
public final class Findings {

  private final RiskFinding.Builder builder = RiskFinding.newBuilder();
  private final Map<String, String> evidence = new LinkedHashMap<>();
  private final List<String> sourceEventIds = new ArrayList<>();

  private Findings(String detectorId, String subjectId, SubjectType subjectType, Instant at) {
    builder
        .setDetectorId(detectorId)
        .setSubjectId(subjectId)
        .setSubjectType(subjectType == null ? SubjectType.UNKNOWN : subjectType)
        .setTimestamp(at)
        .setConfidence(1.0)
        .setHalfLifeSeconds(Duration.ofHours(1).toSeconds());
  }

  /** Starts a finding by one detector about one subject at the given event time. */
  public static Findings finding(
      String detectorId, String subjectId, SubjectType subjectType, Instant at) {
    return new Findings(detectorId, subjectId, subjectType, at);
  }

  /** Score 0-100, clamped. */
  public Findings score(double score) {
    builder.setScore(Math.max(0, Math.min(100, score)));
    return this;
  }

  /** Confidence 0-1, clamped. */
  public Findings confidence(double confidence) {
    builder.setConfidence(Math.max(0, Math.min(1, confidence)));
    return this;
  }

  /** How fast the finding's weight halves. */
  public Findings halfLife(Duration halfLife) {
    builder.setHalfLifeSeconds(Math.max(1, halfLife.toSeconds()));
    return this;
  }

  /** One sentence in plain words: what happened, against which baseline. */
  public Findings summary(String summary) {
    builder.setSummary(summary);
    return this;
  }

  /** Adds one piece of evidence; null values are skipped. */
  public Findings evidence(String key, Object value) {
    if (value != null) {
      evidence.put(key, String.valueOf(value));
    }
    return this;
  }

  /** Adds the ids of the events behind the finding. */
  public Findings sourceEvents(java.util.Collection<String> eventIds) {
    for (String id : eventIds) {
      if (id != null && !sourceEventIds.contains(id)) {
        sourceEventIds.add(id);
      }
    }
    return this;
  }

  /** Adds the ids of the events behind the finding. */
  public Findings sourceEvents(String... eventIds) {
    return sourceEvents(List.of(eventIds));
  }

  /** MITRE ATT&amp;CK technique id, e.g. T1110.003. */
  public Findings tactic(String techniqueId) {
    builder.setTactic(techniqueId);
    return this;
  }

  /** The finding, with an id derived from detector, subject, time and source events. */
  public RiskFinding build() {
    String seed =
        builder.getDetectorId()
            + '|'
            + builder.getSubjectId()
            + '|'
            + builder.getTimestamp().toEpochMilli()
            + '|'
            + String.join(",", sourceEventIds);
    return builder
        .setFindingId(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString())
        .setEvidence(new LinkedHashMap<>(evidence))
        .setSourceEventIds(new ArrayList<>(sourceEventIds))
        .build();
  }
}
