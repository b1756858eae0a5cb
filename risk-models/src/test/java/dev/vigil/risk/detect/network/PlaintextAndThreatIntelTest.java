package dev.vigil.risk.detect.network;

import static dev.vigil.risk.detect.network.NetworkFixtures.API;
import static dev.vigil.risk.detect.network.NetworkFixtures.CACHE;
import static dev.vigil.risk.detect.network.NetworkFixtures.DB;
import static dev.vigil.risk.detect.network.NetworkFixtures.LEDGER;
import static dev.vigil.risk.detect.network.NetworkFixtures.MONDAY;
import static dev.vigil.risk.detect.network.NetworkFixtures.external;
import static dev.vigil.risk.detect.network.NetworkFixtures.flow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.Geo;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ThreatCategory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlaintextAndThreatIntelTest {

  @Test
  void shouldReportPlaintextFromWorkloadThatAlwaysUsesMtls() {
    // Given
    NetworkFixtures.Workload api =
        new NetworkFixtures.Workload(new PlaintextEastWestDetector(DetectorSettings.defaults()));
    for (int i = 0; i < 200; i++) {
      api.feed(flow(MONDAY.plusSeconds(60L * i), LEDGER, "10.0.9.9", 8443));
    }
    assertThat(api.findings).isEmpty();

    // When
    api.feed(flow(MONDAY.plus(Duration.ofHours(4)), LEDGER, "10.0.9.9", 8080).setMtls(false));
    api.feed(
        flow(MONDAY.plus(Duration.ofHours(4)).plusSeconds(5), LEDGER, "10.0.9.9", 8080)
            .setMtls(false));

    // Then
    assertThat(api.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(40.0);
              assertThat(f.getSummary())
                  .isEqualTo(
                      "Connected to spiffe://corp/ns/finance/sa/ledger (10.0.9.9:8080) without mTLS, but"
                          + " 100% of its east-west flows use mTLS.");
            });
  }

  @Test
  void shouldReportPlaintextOnEdgeThatRequiresMtlsAtOnce() {
    // Given
    NetworkFixtures.Workload api =
        new NetworkFixtures.Workload(
            List.of(new PlaintextEastWestDetector(DetectorSettings.defaults())),
            NetworkFixtures.segmentation());

    // When
    api.feed(flow(MONDAY, DB, "10.0.2.20", 5432).setMtls(false));

    // Then
    assertThat(api.findings)
        .singleElement()
        .satisfies(f -> assertThat(f.getSummary()).endsWith("requires mTLS on this edge."));
  }

  @Test
  void shouldStayQuietForPlaintextWorkloadOrInternetTraffic() {
    // Given: a legacy workload that never used mTLS, with no edge policy
    NetworkFixtures.Workload legacy =
        new NetworkFixtures.Workload(new PlaintextEastWestDetector(DetectorSettings.defaults()));

    // When
    for (int i = 0; i < 200; i++) {
      legacy.feed(flow(MONDAY.plusSeconds(60L * i), CACHE, "10.0.2.30", 6379).setMtls(false));
      legacy.feed(external(MONDAY.plusSeconds(60L * i + 1), "93.184.216.34", 443));
    }

    // Then
    assertThat(legacy.findings).isEmpty();
  }

  @Test
  void shouldReportConnectionToThreatListedAddressByIpCidrOrAsnOnce() {
    // Given
    ReferenceData reference = new ReferenceData();
    NetworkFixtures.indicator(
        reference, IndicatorType.IP, "203.0.113.66", ThreatCategory.MALWARE_C2);
    NetworkFixtures.indicator(reference, IndicatorType.ASN, "AS64500", ThreatCategory.TOR_EXIT);
    NetworkFixtures.Workload api =
        new NetworkFixtures.Workload(
            List.of(new ThreatIntelDestinationDetector(DetectorSettings.defaults())), reference);

    // When
    api.feed(external(MONDAY, "203.0.113.66", 443).setBytesOut(4_096));
    api.feed(external(MONDAY.plusSeconds(30), "203.0.113.66", 443));
    api.feed(
        external(MONDAY.plusSeconds(60), "192.0.2.5", 9001)
            .setDestinationGeo(Geo.newBuilder().setAsn(64500L).build()));
    api.feed(external(MONDAY.plusSeconds(90), "93.184.216.34", 443));

    // Then
    assertThat(api.findings).hasSize(2);
    assertThat(api.findings.get(0).getScore()).isEqualTo(90.0);
    assertThat(api.findings.get(0).getSubjectId()).isEqualTo(API);
    assertThat(api.findings.get(0).getSummary())
        .isEqualTo(
            "Connected to 203.0.113.66:443, listed as malware c2 by abuse-feed (matched"
                + " 203.0.113.66); sent 4.1 KB.");
    assertThat(api.findings.get(1).getScore()).isEqualTo(70.0);
    assertThat(api.findings.get(1).getEvidence()).containsEntry("matchedOn", "AS64500");
  }
}
