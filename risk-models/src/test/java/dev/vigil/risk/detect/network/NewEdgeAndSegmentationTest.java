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
import dev.vigil.schema.EdgeDestinationKind;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.ServiceEdge;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  /** The API's policy plus its declared external destinations: a partner block and Stripe. */
  private static ReferenceData withExternal() {
    ReferenceData reference = NetworkFixtures.segmentation();
    reference.putEdge(
        ReferenceData.edgeKey(API, "198.51.100.0/24"),
        NetworkFixtures.external(API, "198.51.100.0/24", EdgeDestinationKind.CIDR, List.of(443)));
    reference.putEdge(
        ReferenceData.edgeKey(API, "*.stripe.com"),
        NetworkFixtures.external(API, "*.stripe.com", EdgeDestinationKind.DOMAIN, List.of(443)));
    return reference;
  }

  @Test
  void shouldAllowDeclaredExternalDestinationsByCidrAndDomain() {
    // Given a policy that declares a partner block and *.stripe.com on 443
    NetworkFixtures.Workload workload =
        new NetworkFixtures.Workload(
            List.of(new SegmentationViolationDetector(DetectorSettings.defaults())),
            withExternal());

    // When the API calls the partner and Stripe (by TLS server name or DNS name) all day
    for (int i = 0; i < 48; i++) {
      Instant at = MONDAY.plus(Duration.ofMinutes(30L * i));
      workload.feed(NetworkFixtures.external(at, "198.51.100." + (i % 7), 443));
      workload.feed(
          NetworkFixtures.external(at.plusSeconds(1), "203.0.113." + (i % 5), 443)
              .setAttributes(Map.of("sni", "api.stripe.com")));
      workload.feed(
          NetworkFixtures.external(at.plusSeconds(2), "203.0.114.9", 443)
              .setAttributes(Map.of("domain", "Files.Stripe.com.")));
    }

    // Then no segmentation finding
    assertThat(workload.findings).isEmpty();
  }

  @Test
  void shouldNotReportADeclaredExternalDestinationAsANewEdge() {
    // Given a learned workload whose policy declares a partner block and *.stripe.com on 443
    NetworkFixtures.Workload workload =
        new NetworkFixtures.Workload(
            List.of(new NewEdgeDetector(DetectorSettings.defaults())), withExternal());
    Instant last = usualDependencies(workload);

    // When it first calls Stripe and the partner, then an undeclared address and the partner on SSH
    workload.feed(
        NetworkFixtures.external(last.plusSeconds(60), "203.0.113.10", 443)
            .setAttributes(Map.of("sni", "api.stripe.com")));
    workload.feed(NetworkFixtures.external(last.plusSeconds(61), "198.51.100.7", 443));
    workload.feed(NetworkFixtures.external(last.plusSeconds(62), "192.0.2.200", 443));
    workload.feed(NetworkFixtures.external(last.plusSeconds(63), "198.51.100.8", 22));

    // Then only the undeclared destination and the undeclared port are new edges
    assertThat(workload.findings)
        .extracting(f -> f.getEvidence().get("destination"))
        .containsExactly("192.0.2.200", "198.51.100.8");
  }

  @Test
  void shouldStillReportUndeclaredExternalDestinationsAndPorts() {
    // Given the same policy
    NetworkFixtures.Workload workload =
        new NetworkFixtures.Workload(
            List.of(new SegmentationViolationDetector(DetectorSettings.defaults())),
            withExternal());

    // When the API sends to a look-alike domain, to the bare parent domain, to an address outside
    // the block, and to the partner on SSH
    workload.feed(
        NetworkFixtures.external(MONDAY, "203.0.113.66", 443)
            .setAttributes(Map.of("sni", "stripe.com.exfil.example")));
    workload.feed(
        NetworkFixtures.external(MONDAY.plusSeconds(1), "203.0.113.67", 443)
            .setAttributes(Map.of("sni", "stripe.com")));
    workload.feed(NetworkFixtures.external(MONDAY.plusSeconds(2), "198.51.101.1", 443));
    workload.feed(NetworkFixtures.external(MONDAY.plusSeconds(3), "198.51.100.4", 22));

    // Then each is reported: three destinations the policy does not allow, one port
    assertThat(workload.findings)
        .extracting(f -> f.getEvidence().get("violation"))
        .containsExactly("edge", "edge", "edge", "port");
    assertThat(workload.findings.get(0).getSummary())
        .isEqualTo(
            "Connected to 203.0.113.66:443 (stripe.com.exfil.example), which the segmentation"
                + " policy does not allow for this workload.");
    assertThat(workload.findings.get(0).getScore()).isEqualTo(70.0);
    assertThat(workload.findings.get(3).getScore()).isEqualTo(55.0);
    assertThat(workload.findings.get(3).getSummary())
        .contains("198.51.100.4 on port 22, but the segmentation policy allows only ports [443]");
  }

  @Test
  void shouldReportAnExternalDestinationAgainOnceItsEdgeIsWithdrawn() {
    // Given a declared block, then its tombstone on the service-edges topic
    ReferenceData reference = withExternal();
    NetworkFixtures.Workload workload =
        new NetworkFixtures.Workload(
            List.of(new SegmentationViolationDetector(DetectorSettings.defaults())), reference);
    workload.feed(NetworkFixtures.external(MONDAY, "198.51.100.4", 443));
    assertThat(workload.findings).isEmpty();
    reference.putEdge(ReferenceData.edgeKey(API, "198.51.100.0/24"), null);

    // When the API calls it again
    workload.feed(NetworkFixtures.external(MONDAY.plusSeconds(60), "198.51.100.4", 443));

    // Then it is outside the policy
    assertThat(workload.findings)
        .singleElement()
        .satisfies(f -> assertThat(f.getScore()).isEqualTo(70.0));
    assertThat(reference.allowedExternal(API, null, "x.stripe.com")).isPresent();
  }

  @Test
  void shouldReadAnEdgeWithoutDestinationKindAsAWorkloadEdge() {
    // Given an edge built as v1 producers do
    ServiceEdge edge = NetworkFixtures.edge(API, DB, List.of(5432));

    // Then it names a workload
    assertThat(edge.getDestinationKind()).isEqualTo(EdgeDestinationKind.WORKLOAD);
  }
}
