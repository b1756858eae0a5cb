package dev.vigil.risk.detect.access;

import static dev.vigil.risk.detect.access.AccessFixtures.MONDAY;
import static dev.vigil.risk.detect.access.AccessFixtures.access;
import static dev.vigil.risk.detect.access.AccessFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.Sensitivity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SensitiveFromRiskyDeviceDetectorTest {

  private static final String LAPTOP = "dev-laptop-1";

  private final AccessFixtures.Subject alice =
      new AccessFixtures.Subject(
          List.of(new SensitiveFromRiskyDeviceDetector(DetectorSettings.defaults())));

  /** Alice signs in from her laptop every morning for a week and works in that session. */
  private Instant usualWeek() {
    Instant at = MONDAY;
    for (int day = 0; day < 5; day++) {
      at = MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(8));
      String session = "s-" + day;
      alice.feed(login(at, LAPTOP, session));
      alice.feed(
          access(at.plusSeconds(60), "/finance/ledger")
              .setSensitivity(Sensitivity.RESTRICTED)
              .setDeviceId(LAPTOP)
              .setSessionId(session));
    }
    return at;
  }

  @Test
  void shouldStayQuietForSensitiveAccessFromKnownDeviceInItsOwnSession() {
    // Given / When
    usualWeek();

    // Then
    assertThat(alice.findings).isEmpty();
  }

  @Test
  void shouldReportSensitiveAccessFromDeviceNeverSignedInWith() {
    // Given
    Instant friday = usualWeek();

    // When: twice from an unknown device, an hour apart
    for (int i = 0; i < 2; i++) {
      alice.feed(
          access(friday.plus(Duration.ofHours(2 + i)), "/finance/ledger")
              .setSensitivity(Sensitivity.RESTRICTED)
              .setDeviceId("dev-unknown-9"));
    }

    // Then: reported once, not on every access
    assertThat(alice.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(SensitiveFromRiskyDeviceDetector.ID);
              assertThat(f.getSummary())
                  .isEqualTo(
                      "Accessed restricted resource /finance/ledger from device dev-unknown-9, which it"
                          + " has never signed in with (1 known devices).");
            });
  }

  @Test
  void shouldReportSessionUsedFromAnotherDeviceAsHijack() {
    // Given
    Instant friday = usualWeek();

    // When: Friday's session cookie is replayed from another device, twice
    for (int i = 0; i < 2; i++) {
      alice.feed(
          access(friday.plus(Duration.ofMinutes(30 + i)), "/mail/inbox")
              .setDeviceId("dev-attacker")
              .setSessionId("s-4"));
    }

    // Then
    assertThat(alice.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(SensitiveFromRiskyDeviceDetector.HIJACK_ID);
              assertThat(f.getTactic()).isEqualTo("T1550.004");
              assertThat(f.getScore()).isEqualTo(80.0);
              assertThat(f.getSummary())
                  .isEqualTo(
                      "Used session s-4 from device dev-attacker, but the session was signed in from"
                          + " device dev-laptop-1.");
              assertThat(f.getSourceEventIds()).hasSize(2);
            });
  }

  @Test
  void shouldReportSessionUsedFromAnotherCountry() {
    // Given
    Instant friday = usualWeek();

    // When
    alice.feed(
        access(friday.plus(Duration.ofMinutes(30)), "/mail/inbox")
            .setSessionId("s-4")
            .setIp("203.0.113.50")
            .setAttributes(Map.of("country", "BR", "asn", "AS28573")));

    // Then
    assertThat(alice.findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(SensitiveFromRiskyDeviceDetector.HIJACK_ID);
              assertThat(f.getTactic()).isEqualTo("T1539");
              assertThat(f.getSummary()).contains("from country BR").contains("from country DE");
            });
  }

  @Test
  void shouldNotJudgeDevicesBeforeAnyHaveBeenLearned() {
    // Given: no sign-ins seen yet

    // When
    alice.feed(
        access(MONDAY, "/finance/ledger")
            .setSensitivity(Sensitivity.RESTRICTED)
            .setDeviceId("dev-new"));

    // Then
    assertThat(alice.findings).isEmpty();
  }
}
