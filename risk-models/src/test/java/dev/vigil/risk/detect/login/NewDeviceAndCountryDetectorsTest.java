package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.BERLIN_MOBILE;
import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static dev.vigil.risk.detect.login.LoginFixture.SAO_PAULO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewDeviceAndCountryDetectorsTest {

  private static final Instant AFTER_A_WEEK =
      MONDAY.plus(Duration.ofDays(7)).plusSeconds(10 * 3600);

  private final LoginFixture fx = new LoginFixture();
  private final LoginFixture.Runner devices =
      new LoginFixture.Runner(
          List.of(new NewDeviceDetector(DetectorSettings.defaults())), DetectionContext.defaults());
  private final LoginFixture.Runner places =
      new LoginFixture.Runner(
          List.of(new NewCountryAsnDetector(DetectorSettings.defaults())),
          DetectionContext.defaults());

  @Test
  void shouldGiveModerateScoreToNewPhoneOnHomeNetwork() {
    // Given a week of sign-ins from the usual laptop
    devices.runAll(fx.officeHistory("alice", MONDAY, 7));

    // When alice signs in from a new phone on the same network, and again from it later
    List<RiskFinding> first =
        devices.run(
            fx.login("alice", AFTER_A_WEEK)
                .device("iphone-15")
                .agent("Safari", "iOS", "mobile")
                .build());
    List<RiskFinding> second =
        devices.run(
            fx.login("alice", AFTER_A_WEEK.plusSeconds(600))
                .device("iphone-15")
                .agent("Safari", "iOS", "mobile")
                .build());

    // Then only the first sign-in is flagged, moderately
    assertThat(first).hasSize(1);
    assertThat(first.get(0).getScore()).isBetween(30.0, 40.0);
    assertThat(first.get(0).getSummary())
        .isEqualTo(
            "First sign-in from device iphone-15 (device never seen in 14 sign-ins over 7 days).");
    // And the evidence says the baseline had finished learning, and on how much
    assertThat(first.get(0).getEvidence())
        .containsEntry("learning", "false")
        .containsEntry("observations", "14");
    assertThat(second).isEmpty();
  }

  @Test
  void shouldScoreNewDeviceHigherWithNewCountryOrNetwork() {
    // Given a week of history
    devices.runAll(fx.officeHistory("alice", MONDAY, 7));

    // When a new device signs in from the mobile network, then another from Brazil
    List<RiskFinding> newAsn =
        devices.run(fx.login("alice", AFTER_A_WEEK).device("phone-a").from(BERLIN_MOBILE).build());
    List<RiskFinding> newCountry =
        devices.run(
            fx.login("alice", AFTER_A_WEEK.plusSeconds(60))
                .device("phone-b")
                .from(SAO_PAULO)
                .build());

    // Then both fire, Brazil highest
    assertThat(newAsn).singleElement().satisfies(f -> assertThat(f.getScore()).isEqualTo(45.0));
    assertThat(newCountry).singleElement().satisfies(f -> assertThat(f.getScore()).isEqualTo(55.0));
    assertThat(newCountry.get(0).getSummary())
        .contains("together with a first sign-in from Brazil");
  }

  @Test
  void shouldFingerprintUserAgentWhenDeviceIdIsMissingAndWaitForLearning() {
    // Given two days of history (learning period not over)
    devices.runAll(fx.officeHistory("bob", MONDAY, 2));

    // When an unknown browser signs in without a device id
    List<RiskFinding> early =
        devices.run(
            fx.login("bob", MONDAY.plus(Duration.ofDays(2)))
                .device(null)
                .agent("Opera", "Linux", "desktop")
                .build());

    // Then nothing fires; after the learning period the same fingerprint is known, a new one fires
    assertThat(early).isEmpty();
    devices.runAll(fx.officeHistory("bob", MONDAY.plus(Duration.ofDays(3)), 5));
    assertThat(
            devices.run(
                fx.login("bob", MONDAY.plus(Duration.ofDays(9)))
                    .device(null)
                    .agent("Opera", "Linux", "desktop")
                    .build()))
        .isEmpty();
    assertThat(
            devices.run(
                fx.login("bob", MONDAY.plus(Duration.ofDays(9)).plusSeconds(60))
                    .device(null)
                    .agent("Edge", "macOS", "desktop")
                    .build()))
        .singleElement()
        .satisfies(f -> assertThat(f.getSummary()).contains("Edge on macOS (desktop)"));
  }

  @Test
  void shouldFlagFirstSignInFromNewCountryMoreThanNewNetwork() {
    // Given twelve days of sign-ins from Berlin
    places.runAll(fx.officeHistory("alice", MONDAY, 12));
    Instant next = MONDAY.plus(Duration.ofDays(12)).plusSeconds(9 * 3600);

    // When she signs in from the mobile network, then from Brazil, then fails from a third country
    List<RiskFinding> asn = places.run(fx.login("alice", next).from(BERLIN_MOBILE).build());
    List<RiskFinding> country =
        places.run(fx.login("alice", next.plusSeconds(3600)).from(SAO_PAULO).build());
    List<RiskFinding> failure =
        places.run(
            fx.login("alice", next.plusSeconds(7200)).from(LoginFixture.NEW_YORK).failed().build());

    // Then the country scores higher and says against which history; the failure is not a sign-in
    assertThat(asn).singleElement().satisfies(f -> assertThat(f.getScore()).isEqualTo(20.0));
    assertThat(asn.get(0).getSummary()).contains("network AS3209 (Vodafone)");
    assertThat(country).singleElement().satisfies(f -> assertThat(f.getScore()).isEqualTo(45.0));
    assertThat(country.get(0).getSummary())
        .isEqualTo("First sign-in from Brazil (country never seen in 25 sign-ins over 12 days).");
    assertThat(failure).isEmpty();
  }

  @Test
  void shouldNotFlagFamiliarCountryAndNetwork() {
    // Given twelve days of history
    places.runAll(fx.officeHistory("alice", MONDAY, 12));

    // When she signs in as usual from a new address of her ISP
    List<RiskFinding> findings =
        places.run(fx.login("alice", MONDAY.plus(Duration.ofDays(12))).ip("203.0.113.99").build());

    // Then nothing fires
    assertThat(findings).isEmpty();
  }
}
