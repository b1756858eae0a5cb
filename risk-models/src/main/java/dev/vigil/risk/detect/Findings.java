package dev.vigil.risk.detect;

import dev.vigil.schema.FindingRole;
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

/**
 * Builds findings with deterministic ids, so replaying the same input yields the same findings. A
 * finding with an {@link #identity} keeps its id across revisions.
 */
public final class Findings {

  /** Most related subjects a finding names. */
  public static final int MAX_RELATED = 10;

  private final RiskFinding.Builder builder = RiskFinding.newBuilder();
  private final Map<String, String> evidence = new LinkedHashMap<>();
  private final List<String> sourceEventIds = new ArrayList<>();
  private final List<String> related = new ArrayList<>();
  private String identity;

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

  /** The subject's part in what was detected: actor (attacker risk), target, or plain subject. */
  public Findings role(FindingRole role) {
    builder.setRole(role);
    return this;
  }

  /**
   * Adds the other side (for an actor its targets, for a target its actors); blanks and duplicates
   * are skipped and at most {@link #MAX_RELATED} are kept.
   */
  public Findings related(java.util.Collection<String> subjects) {
    for (String s : subjects) {
      if (s != null && !s.isBlank() && !related.contains(s) && related.size() < MAX_RELATED) {
        related.add(s);
      }
    }
    return this;
  }

  /** Adds the other side. */
  public Findings related(String... subjects) {
    return related(java.util.Arrays.asList(subjects));
  }

  /**
   * A stable identity within detector and subject (an episode key): the finding id is derived from
   * it instead of time and events, so a later revision of the same finding replaces it in fusion
   * and the same events in any arrival order give the same id.
   */
  public Findings identity(String key) {
    this.identity = key;
    return this;
  }

  /** MITRE ATT&amp;CK technique id, e.g. T1110.003. */
  public Findings tactic(String techniqueId) {
    builder.setTactic(techniqueId);
    return this;
  }

  /** The finding, with an id derived from detector, subject, time and source events. */
  public RiskFinding build() {
    String seed =
        identity != null
            ? builder.getDetectorId() + '|' + builder.getSubjectId() + "|key|" + identity
            : builder.getDetectorId()
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
        .setRelatedSubjects(new ArrayList<>(related))
        .build();
  }
}
