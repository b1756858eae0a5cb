package dev.vigil.risk.detect.access;

import static dev.vigil.risk.detect.access.AccessFixtures.MONDAY;
import static dev.vigil.risk.detect.access.AccessFixtures.access;
import static dev.vigil.risk.detect.access.AccessFixtures.login;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.Sensitivity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

  @Test
  void shouldReportTheSameHijackWhenTheAccessIsProcessedBeforeTheSignInOfItsSession() {
    // Given: the same week, and a stolen cookie of a session whose sign-in arrives after the
    // access that abuses it (login and access topics catch up in either order after a restart)
    Instant friday = usualWeek();
    Instant signIn = friday.plus(Duration.ofHours(3));
    var stolen =
        access(signIn.plusSeconds(40), "/hr/salaries")
            .setSensitivity(Sensitivity.CONFIDENTIAL)
            .setDeviceId("dev-attacker")
            .setSessionId("s-late")
            .build();
    var ownUse =
        access(signIn.plusSeconds(20), "/mail/inbox").setDeviceId(LAPTOP).setSessionId("s-late");
    var login = login(signIn, LAPTOP, "s-late").build();
    AccessFixtures.Subject inOrder =
        new AccessFixtures.Subject(
            List.of(new SensitiveFromRiskyDeviceDetector(DetectorSettings.defaults())));
    feedWeek(inOrder);

    // When: in event-time order for one copy, both accesses first for the other
    inOrder.feed(AccessSignal.ofLogin(login));
    inOrder.feed(ownUse);
    inOrder.feed(AccessSignal.ofAccess(stolen));
    alice.findings.clear();
    alice.feed(AccessSignal.ofAccess(stolen));
    alice.feed(ownUse);
    alice.feed(AccessSignal.ofLogin(login));

    // Then: one hijack and the unknown device, at the access's time, identical whichever came first
    assertThat(inOrder.findings(SensitiveFromRiskyDeviceDetector.HIJACK_ID))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getTimestamp()).isEqualTo(stolen.getTimestamp());
              assertThat(f.getScore()).isEqualTo(90.0);
            });
    assertThat(inOrder.findings(SensitiveFromRiskyDeviceDetector.ID)).hasSize(1);
    assertThat(alice.findings).containsExactlyInAnyOrderElementsOf(inOrder.findings);
  }

  @Test
  void shouldNotReportADeviceIntroducedByASignInProcessedAfterItsSessionsAccess() {
    // Given: the usual week, then her first sign-in from a new phone and a sensitive access in
    // that session, the access processed first (another partition caught up first)
    Instant friday = usualWeek();
    Instant signIn = friday.plus(Duration.ofHours(3));
    alice.findings.clear();

    // When
    alice.feed(
        access(signIn.plusSeconds(20), "/hr/salaries")
            .setSensitivity(Sensitivity.CONFIDENTIAL)
            .setDeviceId("dev-phone")
            .setSessionId("s-phone"));
    alice.feed(login(signIn, "dev-phone", "s-phone"));

    // Then: as in event-time order, the phone is known by the access's time
    assertThat(alice.findings).isEmpty();
  }

  @Test
  void shouldReportAnUnknownDeviceWhoseSessionNeverSignedInOnceTheSignInsMovedPast() {
    // Given: a sensitive access from an unknown device, in a session whose sign-in never comes
    Instant friday = usualWeek();
    Instant at = friday.plus(Duration.ofHours(3));
    alice.feed(
        access(at, "/hr/salaries")
            .setSensitivity(Sensitivity.RESTRICTED)
            .setDeviceId("dev-attacker")
            .setSessionId("s-forged"));
    assertThat(alice.findings(SensitiveFromRiskyDeviceDetector.ID)).isEmpty();

    // When: her sign-ins move past it by more than the allowed lateness
    alice.feed(login(at.plusSeconds(360), LAPTOP, "s-next"));

    // Then: reported, at the access's time
    assertThat(alice.findings(SensitiveFromRiskyDeviceDetector.ID))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getTimestamp()).isEqualTo(at);
              assertThat(f.getScore()).isEqualTo(55.0);
              assertThat(f.getEvidence()).containsEntry("sensitivity", "RESTRICTED");
            });
  }

  @Test
  void shouldNotTakeADeviceFirstSignedInWithAfterTheAccessAsKnownWhateverWasProcessedFirst() {
    for (boolean signInFirst : new boolean[] {false, true}) {
      // Given alice's usual week, and a phone she first signs in with two hours after an access
      AccessFixtures.Subject subject =
          new AccessFixtures.Subject(
              List.of(new SensitiveFromRiskyDeviceDetector(DetectorSettings.defaults())));
      Instant friday = MONDAY.plus(Duration.ofDays(4)).plus(Duration.ofHours(8));
      for (int day = 0; day < 5; day++) {
        subject.feed(
            login(MONDAY.plus(Duration.ofDays(day)).plusSeconds(28_800), LAPTOP, "s-" + day));
      }
      var access =
          access(friday.plus(Duration.ofHours(1)), "/finance/ledger")
              .setSensitivity(Sensitivity.RESTRICTED)
              .setDeviceId("dev-phone-3");
      var phoneSignIn = login(friday.plus(Duration.ofHours(3)), "dev-phone-3", "s-phone");

      // When the access and the sign-in are processed in either order
      if (signInFirst) {
        subject.feed(phoneSignIn);
        subject.feed(access);
      } else {
        subject.feed(access);
        subject.feed(phoneSignIn);
      }

      // Then the access is reported: at its time the phone had never been signed in with
      assertThat(subject.findings(SensitiveFromRiskyDeviceDetector.ID))
          .as("sign-in processed first: %s", signInFirst)
          .singleElement()
          .satisfies(f -> assertThat(f.getSummary()).contains("dev-phone-3"));
    }
  }

  @Test
  void shouldApplyTheLearningGateAtTheAccessesTimeWhateverWasProcessedFirst() {
    // Given bob's first sign-in, and two later ones processed before an access made between them
    AccessFixtures.Subject bob =
        new AccessFixtures.Subject(
            List.of(new SensitiveFromRiskyDeviceDetector(DetectorSettings.defaults())));
    Instant first = MONDAY.plus(Duration.ofHours(8));
    bob.feed(login(first, LAPTOP, "s-1"));
    bob.feed(login(first.plus(Duration.ofHours(2)), LAPTOP, "s-2"));
    bob.feed(login(first.plus(Duration.ofHours(3)), LAPTOP, "s-3"));

    // When a sensitive access from another device, an hour after his first sign-in, comes last
    bob.feed(
        access(first.plus(Duration.ofHours(1)), "/hr/salaries")
            .setSensitivity(Sensitivity.CONFIDENTIAL)
            .setDeviceId("dev-other")
            .setSessionId("s-1"));

    // Then not judged: by the access's time only one sign-in had been learned, as in time order
    assertThat(bob.findings(SensitiveFromRiskyDeviceDetector.ID)).isEmpty();
  }

  @Test
  void shouldReportTheHijackWhenTheSignInsLagFarBehindTheAccesses() {
    // Given: the usual week, then a stolen session used right after its sign-in, and twenty minutes
    // of the subject's later sessions, all of whose accesses are processed before any of their
    // sign-ins (the login partition stalled while the access partition ran ahead)
    Instant friday = usualWeek();
    Instant signIn = friday.plus(Duration.ofHours(3));
    List<LoginEvent> logins = new ArrayList<>();
    logins.add(login(signIn, LAPTOP, "s-stolen").build());
    alice.feed(
        access(signIn.plusSeconds(30), "/hr/salaries")
            .setSensitivity(Sensitivity.CONFIDENTIAL)
            .setDeviceId(LAPTOP)
            .setSessionId("s-stolen"));
    alice.feed(
        access(signIn.plusSeconds(90), "/hr/salaries")
            .setSensitivity(Sensitivity.CONFIDENTIAL)
            .setDeviceId("dev-attacker")
            .setSessionId("s-stolen"));
    for (int i = 1; i <= 10; i++) {
      Instant at = signIn.plus(Duration.ofMinutes(2L * i));
      logins.add(login(at, LAPTOP, "s-later-" + i).build());
      alice.feed(
          access(at.plusSeconds(10), "/mail/inbox")
              .setDeviceId(LAPTOP)
              .setSessionId("s-later-" + i));
    }
    assertThat(alice.findings(SensitiveFromRiskyDeviceDetector.HIJACK_ID)).isEmpty();

    // When: the sign-ins catch up
    logins.forEach(l -> alice.feed(AccessSignal.ofLogin(l)));

    // Then: the hijack, at the access's time, and nothing about the subject's own sessions
    assertThat(alice.findings(SensitiveFromRiskyDeviceDetector.HIJACK_ID))
        .singleElement()
        .satisfies(f -> assertThat(f.getTimestamp()).isEqualTo(signIn.plusSeconds(90)));
  }

  @Test
  void shouldForgetAnAccessWaitingForItsSignInOnceTheSignInsHaveMovedPastTheLateness() {
    // Given: an access of a session not known yet
    Instant friday = usualWeek();
    alice.feed(
        access(friday.plus(Duration.ofHours(3)), "/mail/inbox")
            .setDeviceId("dev-attacker")
            .setSessionId("s-old"));

    // When: a sign-in six minutes after it (beyond the lateness of 5m), then the old session's
    // sign-in, late within its own topic
    alice.feed(login(friday.plus(Duration.ofHours(3)).plusSeconds(360), LAPTOP, "s-new"));
    alice.feed(login(friday.plus(Duration.ofHours(3)).minusSeconds(30), LAPTOP, "s-old"));

    // Then: not judged any more
    assertThat(alice.findings(SensitiveFromRiskyDeviceDetector.HIJACK_ID)).isEmpty();
  }

  @Test
  void shouldForgetAnAccessWaitingForItsSignInOnceTheAccessesHaveMovedPastTheMaximumWait() {
    // Given: an access of an unknown session, then the subject's accesses an hour and a minute on
    Instant friday = usualWeek();
    alice.feed(
        access(friday.plus(Duration.ofHours(3)), "/mail/inbox")
            .setDeviceId("dev-attacker")
            .setSessionId("s-old"));
    alice.feed(
        access(
                friday
                    .plus(Duration.ofHours(3))
                    .plus(SensitiveFromRiskyDeviceDetector.MAX_WAIT)
                    .plusSeconds(60),
                "/mail/inbox")
            .setDeviceId(LAPTOP)
            .setSessionId("s-other"));

    // When: the sign-in of the first session arrives
    alice.feed(login(friday.plus(Duration.ofHours(3)).minusSeconds(30), LAPTOP, "s-old"));

    // Then: not judged any more
    assertThat(alice.findings(SensitiveFromRiskyDeviceDetector.HIJACK_ID)).isEmpty();
  }

  /** Feeds alice's usual week to another subject with the same detector. */
  private static void feedWeek(AccessFixtures.Subject subject) {
    for (int day = 0; day < 5; day++) {
      Instant at = MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(8));
      String session = "s-" + day;
      subject.feed(login(at, LAPTOP, session));
      subject.feed(
          access(at.plusSeconds(60), "/finance/ledger")
              .setSensitivity(Sensitivity.RESTRICTED)
              .setDeviceId(LAPTOP)
              .setSessionId(session));
    }
  }
}
