package dev.vigil.risk.detect.network;

import static dev.vigil.risk.detect.network.NetworkFixtures.API;
import static dev.vigil.risk.detect.network.NetworkFixtures.CACHE;
import static dev.vigil.risk.detect.network.NetworkFixtures.DB;
import static dev.vigil.risk.detect.network.NetworkFixtures.LEDGER;
import static dev.vigil.risk.detect.network.NetworkFixtures.MONDAY;
import static dev.vigil.risk.detect.network.NetworkFixtures.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewEdgeAndSegmentationTest {

  private final NetworkFixtures.Workload newEdge =
      new NetworkFixtures.Workload(new NewEdgeDetector(DetectorSettings.defaults()));
  private final NetworkFixtures.Workload segmentation =
      new NetworkFixtures.Workload(
          List.of(new SegmentationViolationDetector(DetectorSettings.defaults())),
          NetworkFixtures.segmentation());

  /** The API calls its database and cache every ten minutes for eight days. */
  private Instant usualDependencies(NetworkFixtures.Workload workload) {
    Instant at = MONDAY;
    for (int i = 0; i < 8 * 144; i++) {
      at = MONDAY.plus(Duration.ofMinutes(10L * i));
      workload.feed(flow(at, DB, "10.0.2.20", 5432));
      workload.feed(flow(at.plusSeconds(1), CACHE, "10.0.2.30", 6379));
    }
    return at;
  }

  @Test
  void shouldStayQuietForKnownWorkloadCallingItsUsualDependencies() {
    // When
    usualDependencies(newEdge);
    usualDependencies(segmentation);

    // Then
    assertThat(newEdge.findings).isEmpty();
    assertThat(segmentation.findings).isEmpty();
  }

  @Test
  void shouldReportNewDestinationAfterLearning() {
    // Given
    Instant last = usualDependencies(newEdge);

    // When
    List<RiskFinding> findings = newEdge.feed(flow(last.plusSeconds(60), LEDGER, "10.0.9.9", 8443));

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(NewEdgeDetector.ID);
              assertThat(f.getSubjectId()).isEqualTo(API);
              assertThat(f.getSubjectType()).isEqualTo(SubjectType.WORKLOAD);
              assertThat(f.getSummary())
                  .isEqualTo(
                      "Connected to spiffe://corp/ns/finance/sa/ledger (10.0.9.9:8443) for the first time"
                          + " (2 destinations known from 2304 flows).");
            });
  }

  @Test
  void shouldNotReportNewDestinationsWhileLearning() {
    // When
    newEdge.feed(flow(MONDAY, DB, "10.0.2.20", 5432));
    newEdge.feed(flow(MONDAY.plusSeconds(5), LEDGER, "10.0.9.9", 8443));

    // Then
    assertThat(newEdge.findings).isEmpty();
  }

  @Test
  void shouldReportEdgeOutsideThePolicyOnce() {
    // When: the API calls the ledger three times in a minute
    for (int i = 0; i < 3; i++) {
      segmentation.feed(flow(MONDAY.plusSeconds(20L * i), LEDGER, "10.0.9.9", 8443));
    }

    // Then
    assertThat(segmentation.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(70.0);
              assertThat(f.getSummary())
                  .isEqualTo(
                      "Connected to spiffe://corp/ns/finance/sa/ledger (10.0.9.9:8443), which the"
                          + " segmentation policy does not allow for this workload.");
            });
  }

  @Test
  void shouldReportAllowedEdgeOnAPortThePolicyDoesNotList() {
    // When
    segmentation.feed(flow(MONDAY, DB, "10.0.2.20", 22));

    // Then
    assertThat(segmentation.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(55.0);
              assertThat(f.getSummary())
                  .contains("on port 22, but the segmentation policy allows only ports [5432]");
            });
  }

  @Test
  void shouldIgnoreWorkloadsWithoutAnEdgePolicy() {
    // When
    segmentation.feed(flow(MONDAY, LEDGER, "10.0.9.9", 8443).setSourceWorkload(CACHE));

    // Then
    assertThat(segmentation.findings).isEmpty();
    assertThat(new ReferenceData().hasEdgePolicy(API)).isFalse();
  }
}
