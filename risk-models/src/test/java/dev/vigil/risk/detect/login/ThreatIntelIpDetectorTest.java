package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.ThreatCategory;
import dev.vigil.schema.ThreatIndicator;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreatIntelIpDetectorTest {

  private static final Instant T = MONDAY.plusSeconds(10 * 3600);

  private final LoginFixture fx = new LoginFixture();
  private final ReferenceData reference = new ReferenceData();
  private final LoginFixture.Runner runner =
      new LoginFixture.Runner(
          List.of(new ThreatIntelIpDetector(DetectorSettings.defaults())),
          new DetectionContext(reference, DetectorSettings.defaults()));

  private void indicator(
      String id, IndicatorType type, String value, ThreatCategory category, double confidence) {
    ThreatIndicator i =
        ThreatIndicator.newBuilder()
            .setIndicatorId(id)
            .setType(type)
            .setValue(value)
            .setCategory(category)
            .setConfidence(confidence)
            .setSource("feed-x")
            .build();
    reference.putIndicator(ReferenceData.indicatorKey(i), i);
  }

  @Test
  void shouldFlagSuccessfulSignInFromTorExit() {
    // Given a Tor exit node on the threat list
    indicator("tor-1", IndicatorType.IP, "185.220.101.5", ThreatCategory.TOR_EXIT, 1.0);

    // When alice signs in through it
    List<RiskFinding> findings = runner.run(fx.login("alice", T).ip("185.220.101.5").build());

    // Then the finding names the indicator and what matched
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(65.0);
              assertThat(f.getTactic()).isEqualTo("T1090.003");
              assertThat(f.getEvidence())
                  .containsEntry("indicatorId", "tor-1")
                  .containsEntry("matchedOn", "185.220.101.5")
                  .containsEntry("category", "TOR_EXIT");
              assertThat(f.getSummary())
                  .isEqualTo(
                      "Successful sign-in from 185.220.101.5, listed as tor exit by feed-x (indicator tor-1,"
                          + " matched on 185.220.101.5, confidence 1.00).");
            });
  }

  @Test
  void shouldScoreFailureLowerThanSuccessAndMatchCidrAndAsn() {
    // Given a known attacker block and a hosting ASN listed as anonymizer
    indicator("blk-1", IndicatorType.CIDR, "203.0.113.0/24", ThreatCategory.KNOWN_ATTACKER, 0.5);
    indicator("asn-1", IndicatorType.ASN, "AS28573", ThreatCategory.ANONYMIZER, 0.9);

    // When bob fails from the block, carol signs in from it, dave signs in from the ASN
    List<RiskFinding> failure = runner.run(fx.login("bob", T).failed().build());
    List<RiskFinding> success = runner.run(fx.login("carol", T).build());
    List<RiskFinding> byAsn =
        runner.run(fx.login("dave", T).ip("198.51.100.1").from(LoginFixture.SAO_PAULO).build());

    // Then all fire; the failure scores lower; the evidence says what matched
    assertThat(failure)
        .singleElement()
        .satisfies(f -> assertThat(f.getTactic()).isEqualTo("T1110"));
    assertThat(success)
        .singleElement()
        .satisfies(f -> assertThat(f.getTactic()).isEqualTo("T1078"));
    assertThat(failure.get(0).getScore()).isLessThan(success.get(0).getScore());
    assertThat(success.get(0).getEvidence())
        .containsEntry("matchedOn", "203.0.113.10 in 203.0.113.0/24");
    assertThat(byAsn)
        .singleElement()
        .satisfies(f -> assertThat(f.getEvidence()).containsEntry("matchedOn", "AS28573"));
  }

  @Test
  void shouldNotFlagCleanAddressesOrRepeatWithinSuppression() {
    // Given a listed anonymizer
    indicator("vpn-1", IndicatorType.IP, "192.0.2.50", ThreatCategory.ANONYMIZER, 0.8);

    // When alice signs in from a clean address, then three times from the anonymizer within an hour
    List<RiskFinding> clean = runner.run(fx.login("alice", T).build());
    List<RiskFinding> first =
        runner.run(fx.login("alice", T.plusSeconds(60)).ip("192.0.2.50").build());
    List<RiskFinding> repeats =
        runner.run(fx.login("alice", T.plusSeconds(600)).ip("192.0.2.50").build());
    repeats = List.copyOf(repeats);
    List<RiskFinding> afterSuppression =
        runner.run(fx.login("alice", T.plusSeconds(4000)).ip("192.0.2.50").build());

    // Then only the first and the one after the suppression period fire
    assertThat(clean).isEmpty();
    assertThat(first).hasSize(1);
    assertThat(repeats).isEmpty();
    assertThat(afterSuppression).hasSize(1);
  }
}
