package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.BERLIN;
import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static dev.vigil.risk.detect.login.LoginFixture.NEW_YORK;
import static dev.vigil.risk.detect.login.LoginFixture.POTSDAM;
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
import org.junit.jupiter.api.Test;

class ImpossibleTravelDetectorTest {

  private static final Instant T = MONDAY.plusSeconds(9 * 3600);

  private final LoginFixture fx = new LoginFixture();
  private final ReferenceData reference = new ReferenceData();
  private final LoginFixture.Runner runner =
      new LoginFixture.Runner(
          List.of(new ImpossibleTravelDetector(DetectorSettings.defaults())),
          new DetectionContext(reference, DetectorSettings.defaults()));

  @Test
  void shouldFlagBerlinThenNewYorkWithinThirtyMinutes() {
    // Given a sign-in from Berlin
    runner.run(fx.login("alice", T).build());

    // When the next one comes from New York 30 minutes later
    List<RiskFinding> findings =
        runner.run(
            fx.login("alice", T.plus(Duration.ofMinutes(30)))
                .from(NEW_YORK)
                .ip("198.51.100.9")
                .build());

    // Then it is impossible travel, with both events as evidence
    assertThat(findings).hasSize(1);
    RiskFinding f = findings.get(0);
    assertThat(f.getScore()).isGreaterThanOrEqualTo(70);
    assertThat(f.getSummary()).contains("New York, US").contains("Berlin, DE");
    assertThat(f.getSourceEventIds()).hasSize(2);
  }

  @Test
  void shouldNotFlagTravellerWhoFlew() {
    // Given a sign-in from Berlin in the morning
    runner.run(fx.login("alice", T).build());

    // When she signs in from New York after a 9-hour flight (about 710 km/h)
    List<RiskFinding> findings =
        runner.run(
            fx.login("alice", T.plus(Duration.ofHours(9)))
                .from(NEW_YORK)
                .ip("198.51.100.9")
                .build());

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldNotFlagTrustedVpnEgressOrNearbyCity() {
    // Given a corporate VPN whose egress is in New York
    reference.addTrustedNetwork("192.0.2.0/24", "corp-vpn");
    runner.run(fx.login("alice", T).build());

    // When she connects through the VPN 10 minutes later, then from Potsdam 20 minutes later
    List<RiskFinding> vpn =
        runner.run(fx.login("alice", T.plusSeconds(600)).from(NEW_YORK).ip("192.0.2.44").build());
    List<RiskFinding> nearby =
        runner.run(fx.login("alice", T.plusSeconds(1800)).from(POTSDAM).ip("203.0.113.99").build());

    // Then neither fires
    assertThat(vpn).isEmpty();
    assertThat(nearby).isEmpty();
  }

  @Test
  void shouldIgnoreOutOfOrderSignIns() {
    // Given a sign-in from Berlin at 10:00
    runner.run(fx.login("alice", T.plusSeconds(3600)).build());

    // When a delayed event from New York stamped 09:50 arrives, then Berlin again at 11:00
    List<RiskFinding> late =
        runner.run(
            fx.login("alice", T.plusSeconds(3000)).from(NEW_YORK).ip("198.51.100.9").build());
    List<RiskFinding> next =
        runner.run(fx.login("alice", T.plusSeconds(7200)).from(BERLIN).build());

    // Then the late event neither fires nor becomes the baseline
    assertThat(late).isEmpty();
    assertThat(next).isEmpty();
  }

  private void network(String cidr, NetworkKind kind, String name) {
    reference.putNetwork(
        cidr, NetworkRange.newBuilder().setCidr(cidr).setKind(kind).setName(name).build());
  }

  @Test
  void shouldNotFlagAUserAlternatingBetweenHomeAndCorporateVpnEgressAbroad() {
    // Given the corporate VPN egresses in New York (from the networks reference topic)
    network("192.0.2.0/24", NetworkKind.CORPORATE_VPN, "GlobalProtect us-east");
    // When a Berlin user alternates between home and the VPN every 20 minutes
    int fired = 0;
    for (int i = 0; i < 6; i++) {
      Instant at = T.plus(Duration.ofMinutes(20L * i));
      fired +=
          runner
              .run(
                  i % 2 == 0
                      ? fx.login("alice", at).build()
                      : fx.login("alice", at).from(NEW_YORK).ip("192.0.2." + (10 + i)).build())
              .size();
    }
    // Then nothing fires
    assertThat(fired).isZero();
  }

  @Test
  void shouldNotFlagICloudPrivateRelayOrInFlightWifi() {
    // Given iCloud Private Relay and an in-flight Wi-Fi provider egressing in New York
    network("172.224.0.0/12", NetworkKind.RELAY, "iCloud Private Relay");
    network("2001:db8:100::/48", NetworkKind.INFLIGHT_WIFI, "Inflight Wi-Fi");
    runner.run(fx.login("alice", T).build());

    // When she signs in through each of them within the hour, then from Berlin again
    List<RiskFinding> relay =
        runner.run(fx.login("alice", T.plusSeconds(600)).from(NEW_YORK).ip("172.225.1.2").build());
    List<RiskFinding> plane =
        runner.run(
            fx.login("alice", T.plusSeconds(1200)).from(NEW_YORK).ip("2001:db8:100::7").build());
    List<RiskFinding> home = runner.run(fx.login("alice", T.plusSeconds(1800)).build());

    // Then nothing fires
    assertThat(relay).isEmpty();
    assertThat(plane).isEmpty();
    assertThat(home).isEmpty();
  }

  @Test
  void shouldStillFlagAnAttackerOnAConsumerVpnOrAnonymizer() {
    // Given a consumer VPN range is known by name, and the corporate VPN too
    network("203.0.113.0/24", NetworkKind.CONSUMER_VPN, "NordVPN");
    network("192.0.2.0/24", NetworkKind.CORPORATE_VPN, "GlobalProtect us-east");
    runner.run(fx.login("alice", T).build());

    // When a sign-in comes through the consumer VPN in New York 30 minutes later
    List<RiskFinding> findings =
        runner.run(
            fx.login("alice", T.plusSeconds(1800)).from(NEW_YORK).ip("203.0.113.50").build());

    // Then it is impossible travel, naming the network
    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).getEvidence()).containsEntry("network", "CONSUMER_VPN NordVPN");
  }

  @Test
  void shouldForgetAWithdrawnRange() {
    // Given the corporate VPN range was withdrawn (tombstone)
    network("192.0.2.0/24", NetworkKind.CORPORATE_VPN, "old VPN");
    reference.putNetwork("192.0.2.0/24", null);
    runner.run(fx.login("alice", T).build());

    // Then a sign-in from it counts as an ordinary place again
    assertThat(
            runner.run(
                fx.login("alice", T.plusSeconds(1800)).from(NEW_YORK).ip("192.0.2.9").build()))
        .hasSize(1);
  }
}
