package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static dev.vigil.risk.detect.login.LoginFixture.NEW_YORK;
import static dev.vigil.risk.detect.login.LoginFixture.SAO_PAULO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.NetworkKind;
import dev.vigil.schema.NetworkRange;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sign-ins through egress whose place says nothing about the person (corporate VPN, iCloud Private
 * Relay, in-flight Wi-Fi; from the networks reference topic) are no news for the novelty detectors,
 * while a consumer VPN still is: the false-positive sources analysts report most, and the attacker
 * who must stay visible.
 */
class ExcusedEgressTest {

  private static final Instant AFTER_A_WEEK =
      MONDAY.plus(Duration.ofDays(7)).plusSeconds(10 * 3600);

  private final LoginFixture fx = new LoginFixture();
  private final ReferenceData reference = new ReferenceData();
  private final DetectionContext context =
      new DetectionContext(reference, DetectorSettings.defaults());
  private final LoginFixture.Runner novelty =
      new LoginFixture.Runner(
          List.of(
              new NewCountryAsnDetector(DetectorSettings.defaults()),
              new NewDeviceDetector(DetectorSettings.defaults()),
              new UnfamiliarPropertiesDetector(DetectorSettings.defaults()),
              new ImpossibleTravelDetector(DetectorSettings.defaults())),
          context);

  @BeforeEach
  void publishRanges() {
    network("192.0.2.0/24", NetworkKind.CORPORATE_VPN, "GlobalProtect us-east");
    network("172.224.0.0/16", NetworkKind.RELAY, "iCloud Private Relay");
    network("198.18.0.0/16", NetworkKind.INFLIGHT_WIFI, "In-flight Wi-Fi");
    network("203.0.113.0/24", NetworkKind.CONSUMER_VPN, "NightOwl VPN");
  }

  private void network(String cidr, NetworkKind kind, String name) {
    reference.putNetwork(
        cidr, NetworkRange.newBuilder().setCidr(cidr).setKind(kind).setName(name).build());
  }

  @Test
  void shouldRaiseNothingWhenABerlinUserFirstSignsInThroughTheCorporateVpnInNewYork() {
    // Given a week of office sign-ins in Berlin
    novelty.runAll(fx.officeHistory("alice", MONDAY, 7));

    // When alice connects through the corporate VPN, whose egress geolocates to New York
    List<RiskFinding> findings =
        novelty.run(fx.login("alice", AFTER_A_WEEK).from(NEW_YORK).ip("192.0.2.40").build());

    // Then no detector calls it a new country, a new network or unfamiliar
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldRaiseNothingForIcloudPrivateRelayEgressInAnotherCountry() {
    // Given a week of office sign-ins in Berlin
    novelty.runAll(fx.officeHistory("alice", MONDAY, 7));

    // When Safari's Private Relay egresses in another region, on Akamai's network, new each time
    List<RiskFinding> first =
        novelty.run(fx.login("alice", AFTER_A_WEEK).from(NEW_YORK).ip("172.224.9.1").build());
    List<RiskFinding> second =
        novelty.run(
            fx.login("alice", AFTER_A_WEEK.plusSeconds(900))
                .from(SAO_PAULO)
                .ip("172.224.77.3")
                .build());

    // Then nothing fires
    assertThat(first).isEmpty();
    assertThat(second).isEmpty();
  }

  @Test
  void shouldRaiseNothingForASignInOverInFlightWifiOnTheUsualLaptop() {
    // Given a week of office sign-ins in Berlin
    novelty.runAll(fx.officeHistory("alice", MONDAY, 7));

    // When alice signs in mid-flight, the satellite egress geolocating to the provider's US
    // ground station
    List<RiskFinding> findings =
        novelty.run(fx.login("alice", AFTER_A_WEEK).from(NEW_YORK).ip("198.18.4.4").build());

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldStillFlagAnAttackerOnAConsumerVpnAfterTheUserWasOnTheCorporateVpn() {
    // Given a week in Berlin, a sign-in at home this morning, then one through the corporate VPN
    // (New York egress)
    novelty.runAll(fx.officeHistory("alice", MONDAY, 7));
    novelty.run(fx.login("alice", AFTER_A_WEEK.minus(Duration.ofMinutes(50))).build());
    novelty.run(fx.login("alice", AFTER_A_WEEK).from(NEW_YORK).ip("192.0.2.40").build());

    // When, ten minutes later, a consumer VPN in Sao Paulo signs in on a new device
    List<RiskFinding> findings =
        novelty.run(
            fx.login("alice", AFTER_A_WEEK.plusSeconds(600))
                .from(SAO_PAULO)
                .ip("203.0.113.9")
                .device("attacker-pc")
                .agent("Chrome", "Windows", "desktop")
                .build());

    // Then impossible travel (against Berlin, not the VPN egress) and the novelty detectors fire
    assertThat(findings)
        .extracting(RiskFinding::getDetectorId)
        .contains(ImpossibleTravelDetector.ID, NewCountryAsnDetector.ID, NewDeviceDetector.ID);
    assertThat(findings)
        .filteredOn(f -> f.getDetectorId().equals(ImpossibleTravelDetector.ID))
        .singleElement()
        .satisfies(f -> assertThat(f.getEvidence()).containsEntry("previousPlace", "Berlin, DE"));
  }
}
