package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Brute force and MFA fatigue: bursts against one subject. */
class AttackBurstDetectorsTest {

  private static final Instant T = MONDAY.plusSeconds(9 * 3600);

  private final LoginFixture fx = new LoginFixture();
  private final LoginFixture.Runner bruteForce =
      new LoginFixture.Runner(
          List.of(new BruteForceDetector(DetectorSettings.defaults())),
          DetectionContext.defaults());
  private final LoginFixture.Runner mfa =
      new LoginFixture.Runner(
          List.of(new MfaFatigueDetector(DetectorSettings.defaults())),
          DetectionContext.defaults());

  private List<RiskFinding> failures(String subject, int n, long everySeconds, Instant from) {
    List<RiskFinding> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.addAll(
          bruteForce.run(
              fx.login(subject, from.plusSeconds(i * everySeconds))
                  .ip("198.51.100.66")
                  .failed()
                  .build()));
    }
    return out;
  }

  @Test
  void shouldFlagFailureBurstOnce() {
    // When 14 failures arrive within 7 minutes
    List<RiskFinding> findings = failures("alice", 14, 30, T);

    // Then one medium finding is raised when the tenth arrives
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(40.0);
              assertThat(f.getTactic()).isEqualTo("T1110");
              assertThat(f.getSummary())
                  .isEqualTo(
                      "10 failed sign-ins within 5 minutes from 198.51.100.66 (threshold 10 in 10"
                          + " minutes).");
              assertThat(f.getRole()).isEqualTo(dev.vigil.schema.FindingRole.TARGET);
              assertThat(f.getRelatedSubjects()).containsExactly("198.51.100.66");
              assertThat(f.getSourceEventIds()).hasSize(10);
            });
  }

  @Test
  void shouldFlagSuccessAfterManyFailuresHigh() {
    // Given 8 failures within 4 minutes
    failures("alice", 8, 30, T);

    // When the password is finally right
    LoginEvent success = fx.login("alice", T.plusSeconds(300)).ip("198.51.100.66").build();
    List<RiskFinding> findings = bruteForce.run(success);

    // Then a high finding names the failures and the success
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isGreaterThanOrEqualTo(75);
              assertThat(f.getSummary()).startsWith("Successful sign-in after 8 failed sign-ins");
              assertThat(f.getSourceEventIds()).hasSize(9).endsWith(success.getEventId());
            });
  }

  @Test
  void shouldNotFlagUserMistypingTwiceThenSucceeding() {
    // Given two typos, a success, and the same on the next two mornings' lunch breaks
    List<RiskFinding> findings = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      Instant at = T.plusSeconds(round * 1200L);
      findings.addAll(failures("bob", 2, 10, at));
      findings.addAll(bruteForce.run(fx.login("bob", at.plusSeconds(30)).build()));
    }

    // Then nothing fires: each success consumes its failures
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldNotFlagFailuresSpreadOverHours() {
    // When 30 failures arrive one every 20 minutes, then a success
    List<RiskFinding> findings = failures("carol", 30, 1200, T);
    findings.addAll(bruteForce.run(fx.login("carol", T.plusSeconds(30 * 1200)).build()));

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldIgnoreFailuresOlderThanWindow() {
    // Given a success at 09:30
    bruteForce.run(fx.login("dave", T.plusSeconds(1800)).build());

    // When twelve delayed failures stamped 09:00 arrive
    List<RiskFinding> findings = failures("dave", 12, 1, T);

    // Then they are ignored
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldFlagSuccessThatArrivesBeforeTheFailuresWithinTheLateness() {
    // Given the success processed first, its failures from another partition still in flight
    LoginEvent success = fx.login("erin", T.plusSeconds(200)).ip("198.51.100.66").build();
    assertThat(bruteForce.run(success)).isEmpty();

    // When 8 failures stamped in the 3 minutes before it arrive
    List<RiskFinding> findings = failures("erin", 8, 20, T);

    // Then the success is flagged high, its newest version naming all 8 failures and itself
    assertThat(findings)
        .extracting(RiskFinding::getFindingId)
        .containsOnly(findings.get(0).getFindingId());
    assertThat(findings)
        .last()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isGreaterThanOrEqualTo(75);
              assertThat(f.getSourceEventIds()).hasSize(9).contains(success.getEventId());
            });
  }

  @Test
  void shouldIgnoreFailuresBeyondTheAllowedLateness() {
    // Given the success processed first
    bruteForce.run(fx.login("fred", T.plusSeconds(900)).build());

    // When 8 failures stamped 7 to 10 minutes before it arrive (lateness is 5 minutes)
    List<RiskFinding> findings = failures("fred", 8, 20, T.plusSeconds(300));

    // Then they are not evaluated any more
    assertThat(findings).isEmpty();
  }

  private List<RiskFinding> prompts(
      String subject, int n, long everySeconds, LoginOutcome outcome) {
    List<RiskFinding> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.addAll(
          mfa.run(
              fx.login(subject, T.plusSeconds(i * everySeconds))
                  .method(AuthMethod.MFA_PUSH)
                  .outcome(outcome)
                  .build()));
    }
    return out;
  }

  @Test
  void shouldFlagPushBombingThenApprovalHigh() {
    // Given 6 denied push prompts within 5 minutes
    List<RiskFinding> burst = prompts("alice", 6, 60, LoginOutcome.MFA_DENIED);

    // When the seventh is approved
    List<RiskFinding> approved =
        mfa.run(fx.login("alice", T.plusSeconds(400)).method(AuthMethod.MFA_PUSH).build());

    // Then a medium burst finding, then a high approval finding, both T1621
    assertThat(burst)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(50.0);
              assertThat(f.getTactic()).isEqualTo("T1621");
            });
    assertThat(approved)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isGreaterThanOrEqualTo(85);
              assertThat(f.getSummary())
                  .startsWith("MFA push approved after 6 denied or ignored prompts");
              assertThat(f.getSourceEventIds()).hasSize(7);
            });
  }

  @Test
  void shouldNotFlagTwoMissedPromptsThenApproval() {
    // Given two prompts that timed out while the phone was in a bag
    List<RiskFinding> missed = prompts("bob", 2, 60, LoginOutcome.MFA_TIMEOUT);

    // When the third is approved
    List<RiskFinding> approved =
        mfa.run(fx.login("bob", T.plusSeconds(180)).method(AuthMethod.MFA_PUSH).build());

    // Then nothing fires
    assertThat(missed).isEmpty();
    assertThat(approved).isEmpty();
  }

  @Test
  void shouldNotFlagPromptsSpreadOverTheDay() {
    // When 8 prompts time out one per hour, then one is approved
    List<RiskFinding> findings = prompts("carol", 8, 3600, LoginOutcome.MFA_TIMEOUT);
    findings.addAll(
        mfa.run(fx.login("carol", T.plusSeconds(8 * 3600)).method(AuthMethod.MFA_PUSH).build()));

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldFlagApprovalAfterThreeDeniedPromptsWithinFifteenMinutes() {
    // Given three denied prompts six minutes apart (below the burst threshold of five)
    List<RiskFinding> prompts = prompts("dave", 3, 360, LoginOutcome.MFA_DENIED);

    // When the fourth push is approved two minutes after the last denial
    List<RiskFinding> approved =
        mfa.run(fx.login("dave", T.plusSeconds(14 * 60)).method(AuthMethod.MFA_PUSH).build());

    // Then no burst, but a high "suspicious approval" finding naming all three prompts
    assertThat(prompts).isEmpty();
    assertThat(approved)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(85.0);
              assertThat(f.getScore() * f.getConfidence()).isGreaterThanOrEqualTo(70.0);
              assertThat(f.getTactic()).isEqualTo("T1621");
              assertThat(f.getSummary())
                  .startsWith(
                      "MFA push approved after 3 denied or ignored prompts in the previous 14"
                          + " minutes");
              assertThat(f.getEvidence()).containsEntry("windowMinutes", "15");
              assertThat(f.getSourceEventIds()).hasSize(4);
            });
  }

  @Test
  void shouldNotFlagOneMistypedNumberThenApprovalEvenSeveralTimesADay() {
    // Given a person who picks the wrong number once, then approves, at three sign-ins a day
    List<RiskFinding> findings = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      Instant at = T.plusSeconds(round * 4 * 3600L);
      findings.addAll(
          mfa.run(
              fx.login("erin", at)
                  .method(AuthMethod.MFA_PUSH)
                  .outcome(LoginOutcome.MFA_DENIED)
                  .build()));
      findings.addAll(
          mfa.run(fx.login("erin", at.plusSeconds(40)).method(AuthMethod.MFA_PUSH).build()));
    }

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldNotCountPromptsOlderThanTheSuccessWindow() {
    // Given three ignored prompts at 0, 10 and 17 minutes
    List<RiskFinding> findings = new ArrayList<>();
    for (long minute : new long[] {0, 10, 17}) {
      findings.addAll(
          mfa.run(
              fx.login("frank", T.plusSeconds(minute * 60))
                  .method(AuthMethod.MFA_PUSH)
                  .outcome(LoginOutcome.MFA_TIMEOUT)
                  .build()));
    }

    // When the next push is approved at 18 minutes (only two prompts within 15 minutes)
    findings.addAll(
        mfa.run(fx.login("frank", T.plusSeconds(18 * 60)).method(AuthMethod.MFA_PUSH).build()));

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldFlagLowCountApprovalThatArrivesBeforeItsPrompts() {
    // Given the approval is processed first (its records came from another partition)
    List<RiskFinding> findings =
        new ArrayList<>(
            mfa.run(fx.login("gina", T.plusSeconds(240)).method(AuthMethod.MFA_PUSH).build()));

    // When the three denied prompts before it arrive within the lateness
    findings.addAll(prompts("gina", 3, 60, LoginOutcome.MFA_DENIED));

    // Then the approval is flagged once they are in
    assertThat(findings)
        .singleElement()
        .satisfies(f -> assertThat(f.getSummary()).startsWith("MFA push approved after 3 denied"));
  }
}
