package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.BERLIN;
import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AsnSprayDetectorTest {

  private static final LoginFixture.Place HOSTING =
      new LoginFixture.Place("NL", "Amsterdam", 52.37, 4.9, 14061, "DigitalOcean");
  private static final Instant T = MONDAY.plusSeconds(2 * 3600);

  private final LoginFixture fx = new LoginFixture();
  private final AsnSprayDetector detector = new AsnSprayDetector(DetectorSettings.defaults());
  private final LoginFixture.Runner byAsn =
      new LoginFixture.Runner(List.of(detector), DetectionContext.defaults(), Hosts::asn);

  /**
   * 20 accounts (the first 5 non-existent), one attempt each every 15 minutes, new address each.
   */
  private List<LoginEvent> slowSpray() {
    List<LoginEvent> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      LoginFixture.Builder b =
          fx.login("user" + i + "@example.com", T.plusSeconds(i * 900L))
              .from(HOSTING)
              .ip("198.51.100." + (10 + i));
      events.add(i < 5 ? b.unknownUser().build() : b.failed().build());
    }
    return events;
  }

  private static List<RiskFinding> role(List<RiskFinding> findings, FindingRole role) {
    return findings.stream().filter(f -> f.getRole() == role).toList();
  }

  private static RiskFinding latest(List<RiskFinding> findings, FindingRole role) {
    List<RiskFinding> list = role(findings, role);
    assertThat(list).isNotEmpty();
    return list.get(list.size() - 1);
  }

  @Test
  void shouldBeKeyedByTheSourcesAutonomousSystem() {
    assertThat(detector.scope()).isEqualTo(KeyScope.SOURCE_ASN);
    assertThat(Hosts.asn(fx.login("a", T).from(HOSTING).build())).isEqualTo("AS14061");
    assertThat(Hosts.asn(fx.login("a", T).noGeo().build())).isNull();
  }

  @Test
  void shouldFlagSlowSprayFromRotatingAddressesThatThePerSourceDetectorMisses() {
    // Given a spray too slow and too spread out for the per-address detector
    List<LoginEvent> events = slowSpray();
    LoginFixture.Runner bySource =
        new LoginFixture.Runner(
            List.of(new PasswordSprayDetector(DetectorSettings.defaults())),
            DetectionContext.defaults(),
            Hosts::source);
    assertThat(bySource.runAll(events)).isEmpty();

    // When the same attempts are aggregated by network
    List<RiskFinding> findings = byAsn.runAll(events);

    // Then the network is the actor, with the true totals and the top targets named
    RiskFinding actor = latest(findings, FindingRole.ACTOR);
    assertThat(actor.getSubjectId()).isEqualTo("AS14061");
    assertThat(actor.getDetectorId()).isEqualTo(AsnSprayDetector.ID);
    assertThat(actor.getSummary())
        .contains("DigitalOcean")
        .contains("20 failed sign-ins against 20 accounts (5 of them non-existent)")
        .contains("from 20 addresses")
        .contains("and 15 more");
    assertThat(actor.getScore() * actor.getConfidence()).isGreaterThanOrEqualTo(40);
    assertThat(actor.getTactic()).isEqualTo("T1110.003");
    // and every targeted account a low TARGET finding, below medium
    assertThat(role(findings, FindingRole.TARGET))
        .extracting(RiskFinding::getSubjectId)
        .doesNotHaveDuplicates()
        .hasSize(20);
    assertThat(role(findings, FindingRole.TARGET))
        .allSatisfy(f -> assertThat(f.getScore() * f.getConfidence()).isLessThan(20));
  }

  @Test
  void shouldNotFireBeforeEnoughAccountsAndAddresses() {
    // Given the first six attempts of the slow spray (weight 5 × 1.5 + 1 = 8.5, six addresses)
    List<LoginEvent> events = slowSpray();

    // Then five do not fire (7.5 below the weight of 8) and the sixth does
    assertThat(byAsn.runAll(events.subList(0, 5))).isEmpty();
    assertThat(role(byAsn.runAll(events.subList(5, 6)), FindingRole.ACTOR)).hasSize(1);
  }

  @Test
  void shouldFlagSuccessFromTheNetworkAfterFailuresAsGuessedPassword() {
    // Given the slow spray
    byAsn.runAll(slowSpray());

    // When one of the real accounts signs in from another address of the same network
    List<RiskFinding> findings =
        byAsn.run(
            fx.login("user12@example.com", T.plusSeconds(20 * 900L))
                .from(HOSTING)
                .ip("198.51.100.77")
                .build());

    // Then it is a high TARGET finding and the actor is revised to say so
    RiskFinding success =
        findings.stream()
            .filter(f -> f.getSubjectId().equals("user12@example.com"))
            .filter(f -> f.getScore() >= 80)
            .findFirst()
            .orElseThrow();
    assertThat(success.getRole()).isEqualTo(FindingRole.TARGET);
    assertThat(success.getSummary()).contains("password was likely guessed");
    assertThat(latest(findings, FindingRole.ACTOR).getSummary())
        .contains("1 account signed in after failing");
  }

  @Test
  void shouldNotFireOnAResidentialIspFullOfTypos() {
    // Given 200 employees signing in from 150 addresses of their ISP over six hours, 25 of them
    // mistyping their password first, 8 mistyping their user name, 5 giving up after failing
    Random random = new Random(11);
    List<LoginEvent> events = new ArrayList<>();
    for (int u = 0; u < 200; u++) {
      Instant at = T.plusSeconds(random.nextInt(6 * 3600));
      String ip = "203.0.113." + random.nextInt(150);
      String user = "emp" + u + "@example.com";
      if (u < 25) {
        events.add(fx.login(user, at).from(BERLIN).ip(ip).failed().build());
        at = at.plusSeconds(15);
      } else if (u < 33) {
        events.add(
            fx.login("emp" + u + "@exmaple.com", at).from(BERLIN).ip(ip).unknownUser().build());
        at = at.plusSeconds(20);
      } else if (u < 38) {
        events.add(fx.login(user, at).from(BERLIN).ip(ip).failed().build());
        continue;
      }
      events.add(fx.login(user, at).from(BERLIN).ip(ip).build());
    }
    events.sort(Comparator.comparing(LoginEvent::getTimestamp));

    // Then no finding
    assertThat(byAsn.runAll(events)).isEmpty();
  }

  @Test
  void shouldNotFireOnAnOfficeNatOrTrustedEgress() {
    // Given an office NAT where 20 people mistype after a forced password change (one address)
    List<LoginEvent> nat = new ArrayList<>();
    for (int u = 0; u < 20; u++) {
      nat.add(
          fx.login("staff" + u + "@example.com", T.plusSeconds(u * 60L))
              .from(HOSTING)
              .ip("198.51.100.200")
              .failed()
              .build());
    }
    // Then one address is not a rotating spray
    assertThat(byAsn.runAll(nat)).isEmpty();

    // Given the slow spray's addresses declared as the office egress
    ReferenceData reference = new ReferenceData();
    reference.addTrustedNetwork("198.51.100.0/24", "Amsterdam office");
    LoginFixture.Runner trusted =
        new LoginFixture.Runner(
            List.of(detector),
            new DetectionContext(reference, DetectorSettings.defaults()),
            Hosts::asn);

    // Then trusted egress is not counted
    assertThat(trusted.runAll(slowSpray())).isEmpty();
  }

  @Test
  void shouldNotFireOnAServiceAccountWithAStalePasswordInTheCloud() {
    // Given a deployment job in a cloud network retrying with a stale password from 4 addresses
    List<LoginEvent> events = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      events.add(
          fx.login("svc-deploy@example.com", T.plusSeconds(i * 300L))
              .from(HOSTING)
              .ip("198.51.100." + (i % 4))
              .failed()
              .build());
    }
    // and two other service accounts signing in fine
    events.add(
        fx.login("svc-ci@example.com", T.plusSeconds(100))
            .from(HOSTING)
            .ip("198.51.100.1")
            .build());
    events.add(
        fx.login("svc-backup@example.com", T.plusSeconds(200))
            .from(HOSTING)
            .ip("198.51.100.2")
            .build());
    events.sort(Comparator.comparing(LoginEvent::getTimestamp));

    // Then no finding: one account tried often is brute force, not a spray
    assertThat(byAsn.runAll(events)).isEmpty();
  }
}
