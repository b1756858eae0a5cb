package dev.vigil.risk.detect.external;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Severity;
import dev.vigil.schema.SubjectType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExternalSignalDetectorTest {

  private static final Instant AT = Instant.parse("2025-03-03T10:00:00Z");

  private final DetectionEngine<ExternalSignal> engine = engine();
  private final BaselineBundle bundle = new BaselineBundle();

  private static DetectionEngine<ExternalSignal> engine() {
    DetectorCatalog catalog = DetectorCatalog.empty();
    ExternalDetectors.registerDefaults(catalog, DetectorSettings.defaults());
    return new DetectionEngine<>(
        catalog.detectors(ExternalSignal.class, KeyScope.SUBJECT), ExternalSignal::getEventId);
  }

  private static ExternalSignal.Builder dlp(String id, Severity severity) {
    return ExternalSignal.newBuilder()
        .setEventId(id)
        .setTimestamp(AT)
        .setSource("dlp")
        .setSignalType("sensitive-upload")
        .setSubjectId("alice")
        .setSubjectType(SubjectType.HUMAN)
        .setSeverity(severity)
        .setSummary("Uploaded 40 files labelled Confidential to a personal Dropbox")
        .setAttributes(Map.of());
  }

  private List<RiskFinding> feed(ExternalSignal.Builder signal) {
    return engine.observe(signal.build(), bundle, DetectionContext.defaults());
  }

  @Test
  void shouldMapSeverityToScoreWithDefaults() {
    // When
    List<RiskFinding> findings = feed(dlp("e1", Severity.HIGH));

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(ExternalSignalDetector.ID);
              assertThat(f.getScore()).isEqualTo(75.0);
              assertThat(f.getConfidence()).isEqualTo(0.8);
              assertThat(f.getHalfLifeSeconds()).isEqualTo(6 * 3600L);
              assertThat(f.getSummary())
                  .isEqualTo("dlp: Uploaded 40 files labelled Confidential to a personal Dropbox.");
              assertThat(f.getSourceEventIds()).containsExactly("e1");
            });
  }

  @Test
  void shouldPreferExplicitScoreConfidenceAndHalfLife() {
    // When
    List<RiskFinding> findings =
        feed(
            dlp("e2", Severity.INFO)
                .setScore(88)
                .setConfidence(0.4)
                .setHalfLifeSeconds(600L)
                .setAttributes(Map.of("mitre", "T1567.002", "files", "40")));

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(88.0);
              assertThat(f.getConfidence()).isEqualTo(0.4);
              assertThat(f.getHalfLifeSeconds()).isEqualTo(600L);
              assertThat(f.getTactic()).isEqualTo("T1567.002");
              assertThat(f.getEvidence()).containsEntry("attr.files", "40");
            });
  }

  @Test
  void shouldScoreEveryNonInformationalSeverityAndDropDuplicates() {
    // When
    List<Double> scores = new ArrayList<>();
    for (Severity s : Severity.values()) {
      feed(dlp("s-" + s, s)).forEach(f -> scores.add(f.getScore()));
    }
    List<RiskFinding> duplicate = feed(dlp("s-HIGH", Severity.HIGH));

    // Then
    assertThat(scores).containsExactly(15.0, 50.0, 75.0, 95.0);
    assertThat(duplicate).isEmpty();
  }

  @Test
  void shouldRaiseNoFindingForAnInformationalSignalWithoutAnExplicitScore() {
    // When
    List<RiskFinding> findings = feed(dlp("i1", Severity.INFO));

    // Then
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldKeepALowSignalBelowTheLowLevelOnItsOwn() {
    // When
    List<RiskFinding> findings = feed(dlp("l1", Severity.LOW));

    // Then: score x confidence stays under 20, the low level's lower bound
    assertThat(findings)
        .singleElement()
        .satisfies(f -> assertThat(f.getScore() * f.getConfidence()).isLessThan(20));
  }

  @Test
  void shouldKeepNoStateAndGiveIdenticalFindingsOnReplay() {
    // Given
    List<ExternalSignal> input = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      input.add(dlp("x-" + i, Severity.values()[i % 5]).setTimestamp(AT.plusSeconds(i)).build());
    }

    // When
    List<RiskFinding> first = new ArrayList<>();
    input.forEach(s -> first.addAll(engine.observe(s, bundle, DetectionContext.defaults())));
    DetectionEngine<ExternalSignal> fresh = engine();
    BaselineBundle freshBundle = new BaselineBundle();
    List<RiskFinding> second = new ArrayList<>();
    input.forEach(s -> second.addAll(fresh.observe(s, freshBundle, DetectionContext.defaults())));

    // Then
    assertThat(second).isEqualTo(first).hasSize(80_000);
    assertThat(BaselineCodec.encode(bundle).length).isLessThan(8 * 1024);
  }
}
