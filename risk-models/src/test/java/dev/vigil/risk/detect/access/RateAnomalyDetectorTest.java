package dev.vigil.risk.detect.access;

import static dev.vigil.risk.detect.access.AccessFixtures.MONDAY;
import static dev.vigil.risk.detect.access.AccessFixtures.access;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RateAnomalyDetectorTest {

  private static final String BATCH = "svc-nightly-etl";

  private final AccessFixtures.Subject subject =
      new AccessFixtures.Subject(List.of(new RateAnomalyDetector(DetectorSettings.defaults())));
  private final Random random = new Random(7);

  private void burst(Instant start, int count) {
    for (int i = 0; i < count; i++) {
      subject.feed(
          access(start.plusMillis(i * 900L), "/warehouse/table/" + (i % 40))
              .setSubjectId(BATCH)
              .setSubjectType(SubjectType.SERVICE_ACCOUNT));
    }
  }

  @Test
  void shouldNotFireOnRegularNightlyBatchBurstOnceLearned() {
    // Given / When: a service account reads ~3000 rows at 02:00 every night for three weeks
    for (int night = 0; night < 21; night++) {
      burst(
          MONDAY.plus(Duration.ofDays(night)).plus(Duration.ofHours(2)),
          2900 + random.nextInt(200));
    }

    // Then
    assertThat(subject.findings).isEmpty();
  }

  @Test
  void shouldFireWhenBatchAccountBurstsAtAnUnusualHour() {
    // Given
    for (int night = 0; night < 14; night++) {
      burst(
          MONDAY.plus(Duration.ofDays(night)).plus(Duration.ofHours(2)),
          2900 + random.nextInt(200));
    }

    // When: the same volume at 14:00
    burst(MONDAY.plus(Duration.ofDays(14)).plus(Duration.ofHours(14)), 3000);

    // Then: one finding for that hour, naming the usual range for 14:00
    assertThat(subject.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(RateAnomalyDetector.ID);
              assertThat(f.getSubjectId()).isEqualTo(BATCH);
              assertThat(f.getSummary())
                  .startsWith("Made ")
                  .contains("in the hour from 14:00 UTC (usual for that hour: 0-0");
              assertThat(f.getSourceEventIds()).isNotEmpty();
            });
  }

  @Test
  void shouldFireWhenHumanReadsFarMoreThanUsualInAnHour() {
    // Given: 10-30 reads an hour during working hours for two weeks
    for (int day = 0; day < 14; day++) {
      for (int hour = 9; hour < 17; hour++) {
        Instant start = MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(hour));
        int n = 10 + random.nextInt(20);
        for (int i = 0; i < n; i++) {
          subject.feed(access(start.plusSeconds(100L * i), "/docs/" + (i % 7)));
        }
      }
    }
    assertThat(subject.findings).isEmpty();

    // When: 400 reads between 10:00 and 10:40
    Instant spike = MONDAY.plus(Duration.ofDays(14)).plus(Duration.ofHours(10));
    for (int i = 0; i < 400; i++) {
      subject.feed(access(spike.plusSeconds(6L * i), "/docs/" + i));
    }

    // Then
    assertThat(subject.findings)
        .singleElement()
        .satisfies(f -> assertThat(f.getScore()).isBetween(45.0, 80.0));
  }

  @Test
  void shouldIgnoreLateEventsOfAClosedHour() {
    // Given
    for (int night = 0; night < 10; night++) {
      burst(MONDAY.plus(Duration.ofDays(night)).plus(Duration.ofHours(2)), 1000);
    }
    byte[] before = subject.bundle.baselines.get(RateAnomalyDetector.ID).clone();

    // When: an event from three days ago arrives
    subject.feed(access(MONDAY.plus(Duration.ofDays(6)), "/late").setSubjectId(BATCH));

    // Then
    assertThat(subject.bundle.baselines.get(RateAnomalyDetector.ID)).isEqualTo(before);
    assertThat(subject.findings).isEmpty();
  }
}
