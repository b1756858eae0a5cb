package dev.vigil.risk.detect.login;

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
  void shouldGiveTheSameFindingsWhateverOtherSubjectsTheInstanceSawBefore() {
    // Given two instances, as after a restart or on two application instances: the second one has
    // also seen a thousand other people sign in from Brazil
    UnfamiliarPropertiesDetector fresh =
        new UnfamiliarPropertiesDetector(DetectorSettings.defaults());
    UnfamiliarPropertiesDetector busy =
        new UnfamiliarPropertiesDetector(DetectorSettings.defaults());
    LoginFixture.Runner a = new LoginFixture.Runner(List.of(fresh), DetectionContext.defaults());
    LoginFixture.Runner b = new LoginFixture.Runner(List.of(busy), DetectionContext.defaults());
    for (int i = 0; i < 1000; i++) {
      b.run(
          fx.login("u" + i, MONDAY.plusSeconds(i))
              .from(SAO_PAULO)
              .ip("10.0." + i / 250 + "." + i % 250)
              .build());
    }

    // When both see alice's same history and the same sign-in from Brazil
    List<LoginEvent> history = fx.officeHistory("alice", MONDAY, 14);
    a.runAll(history);
    b.runAll(history);
    LoginEvent brazil =
        fx.login("alice", MONDAY.plus(Duration.ofDays(14)).plusSeconds(9 * 3600))
            .from(SAO_PAULO)
            .ip("198.51.100.77")
            .agent("Chrome Mobile", "Android", "mobile")
            .build();

    // Then the findings are identical, and say the subject has finished learning
    List<RiskFinding> first = a.run(brazil);
    assertThat(first).hasSize(1);
    assertThat(b.run(brazil)).isEqualTo(first);
    assertThat(first.get(0).getEvidence()).containsEntry("learning", "false");
    assertThat(first.get(0).getEvidence()).containsKey("observations");
  }

  @Test
  void shouldTakePopulationPriorsFromConfiguration() {
    // Given a prior that half of all sign-ins come from Brazil
    UnfamiliarPropertiesDetector d =
        new UnfamiliarPropertiesDetector(
            DetectorSettings.of(
                Map.of(UnfamiliarPropertiesDetector.ID + ".population-share.country.BR", "0.5")));

    // Then that value's prior is the configured one, others keep one over the vocabulary
    assertThat(d.populationShare("country", "BR", 250)).isEqualTo(0.5);
    assertThat(d.populationShare("country", "DE", 250)).isEqualTo(1 / 250.0);
  }
}
