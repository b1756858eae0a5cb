package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.BERLIN;
import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static dev.vigil.risk.detect.login.LoginFixture.SAO_PAULO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnfamiliarPropertiesDetectorTest {

  private final LoginFixture fx = new LoginFixture();
  private final UnfamiliarPropertiesDetector detector =
      new UnfamiliarPropertiesDetector(DetectorSettings.defaults());
  private final LoginFixture.Runner runner =
      new LoginFixture.Runner(List.of(detector), DetectionContext.defaults());

  /** Alice and twenty colleagues, two weeks of office sign-ins from Berlin. */
  private void givenTwoWeeksOfOfficeHistory() {
    List<LoginEvent> history = new ArrayList<>(fx.officeHistory("alice", MONDAY, 14));
    for (int i = 0; i < 20; i++) {
      String colleague = "user" + i;
      for (LoginEvent e : fx.officeHistory(colleague, MONDAY, 14)) {
        history.add(fx.login(colleague, e.getTimestamp()).ip("203.0.113." + (20 + i)).build());
      }
    }
    history.sort((a, b) -> a.getTimestamp().compareTo(b.getTimestamp()));
    assertThat(runner.runAll(history)).isEmpty();
  }

  @Test
  void shouldFlagSignInFromNewCountryOnNewKindOfDevice() {
    // Given two weeks of office history
    givenTwoWeeksOfOfficeHistory();

    // When alice signs in from Brazil on an Android phone
    List<RiskFinding> findings =
        runner.run(
            fx.login("alice", MONDAY.plus(Duration.ofDays(14)).plusSeconds(9 * 3600))
                .from(SAO_PAULO)
                .ip("198.51.100.77")
                .device("unknown-phone")
                .agent("Chrome Mobile", "Android", "mobile")
                .build());

    // Then one finding names both new properties against her history
    assertThat(findings).hasSize(1);
    RiskFinding f = findings.get(0);
    assertThat(f.getDetectorId()).isEqualTo(UnfamiliarPropertiesDetector.ID);
    assertThat(f.getScore()).isBetween(35.0, 85.0);
    assertThat(f.getSummary())
        .contains("new country Brazil")
        .contains("new device type mobile")
        .contains("28 sign-ins over 14 days");
    assertThat(f.getEvidence())
        .containsEntry("networkNewLevel", "country")
        .containsEntry("clientNewLevel", "deviceType");
    assertThat(Double.parseDouble(f.getEvidence().get("likelihoodRatio"))).isGreaterThan(100);
  }

  @Test
  void shouldNotFlagNewAddressInFamiliarNetworkOrNewBrowserAlone() {
    // Given two weeks of office history
    givenTwoWeeksOfOfficeHistory();
    Instant next = MONDAY.plus(Duration.ofDays(14)).plusSeconds(9 * 3600);

    // When alice's ISP gives her a new address, and later she uses Firefox on the same laptop
    List<RiskFinding> newIp = runner.run(fx.login("alice", next).ip("203.0.113.200").build());
    List<RiskFinding> newBrowser =
        runner.run(
            fx.login("alice", next.plusSeconds(3600))
                .agent("Firefox", "Windows", "desktop")
                .build());

    // Then neither crosses the threshold
    assertThat(newIp).isEmpty();
    assertThat(newBrowser).isEmpty();
  }

  @Test
  void shouldNotFireDuringLearningPeriod() {
    // Given only three sign-ins over one day
    runner.runAll(fx.officeHistory("bob", MONDAY, 1));
    runner.run(fx.login("bob", MONDAY.plusSeconds(20 * 3600)).build());

    // When bob signs in from Brazil on a phone
    List<RiskFinding> findings =
        runner.run(
            fx.login("bob", MONDAY.plusSeconds(22 * 3600))
                .from(SAO_PAULO)
                .ip("198.51.100.7")
                .agent("Safari", "iOS", "mobile")
                .build());

    // Then nothing fires yet
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldKeepPopulationStatisticsBounded() {
    // Given a population capacity of 64 values per feature
    UnfamiliarPropertiesDetector small =
        new UnfamiliarPropertiesDetector(
            DetectorSettings.of(
                Map.of(UnfamiliarPropertiesDetector.ID + ".population-capacity", "64")));
    LoginFixture.Runner r = new LoginFixture.Runner(List.of(small), DetectionContext.defaults());

    // When 1,000 subjects sign in from 1,000 addresses
    for (int i = 0; i < 1000; i++) {
      r.run(
          fx.login("u" + i, MONDAY.plusSeconds(i))
              .from(BERLIN)
              .ip("10.0." + i / 250 + "." + i % 250)
              .build());
    }

    // Then the population remembers at most 64 addresses
    assertThat(small.population().size("ip")).isLessThanOrEqualTo(64);
    assertThat(small.population().size("country")).isEqualTo(1);
  }
}
