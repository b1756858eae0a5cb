package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PasswordSprayDetectorTest {

  private static final String SPRAYER = "198.51.100.13";
  private static final Instant T = MONDAY.plusSeconds(3 * 3600);

  private final LoginFixture fx = new LoginFixture();
  private final AdFixture ad = new AdFixture();
  private final PasswordSprayDetector detector =
      new PasswordSprayDetector(DetectorSettings.defaults());
  private final LoginFixture.Runner runner =
      new LoginFixture.Runner(List.of(detector), DetectionContext.defaults(), Hosts::source);

  private List<RiskFinding> spray(int fromUser, int toUser, long everySeconds, Instant start) {
    List<RiskFinding> out = new ArrayList<>();
    for (int i = fromUser; i < toUser; i++) {
      out.addAll(
          runner.run(
              fx.login(
                      "user" + i + "@example.com", start.plusSeconds((i - fromUser) * everySeconds))
                  .ip(SPRAYER)
                  .failed()
                  .build()));
    }
    return out;
  }

  private static List<RiskFinding> role(List<RiskFinding> findings, FindingRole role) {
    return findings.stream().filter(f -> f.getRole() == role).toList();
  }

  @Test
  void shouldBeKeyedBySource() {
    assertThat(detector.scope()).isEqualTo(KeyScope.SOURCE_IP);
  }

  @Test
  void shouldFlagSevenAccountSprayWithActorOnSourceAndTargets() {
    // Given 3 accounts failing from one address (below the default weight of 4)
    assertThat(spray(0, 3, 40, T)).isEmpty();

    // When four more accounts fail from it within the next few minutes
    List<RiskFinding> findings = spray(3, 7, 40, T.plusSeconds(120));

    // Then the address gets an ACTOR finding at medium or above, every account a lower TARGET one
    List<RiskFinding> actor = role(findings, FindingRole.ACTOR);
    List<RiskFinding> targets = role(findings, FindingRole.TARGET);
    assertThat(targets)
        .extracting(RiskFinding::getSubjectId)
        .containsExactlyInAnyOrder(
            "user0@example.com",
            "user1@example.com",
            "user2@example.com",
            "user3@example.com",
            "user4@example.com",
            "user5@example.com",
            "user6@example.com");
    assertThat(targets)
        .allSatisfy(
            f -> {
              assertThat(f.getScore()).isEqualTo(30.0);
              assertThat(f.getRelatedSubjects()).containsExactly(SPRAYER);
              assertThat(f.getTactic()).isEqualTo("T1110.003");
            });
    assertThat(actor).isNotEmpty();
    RiskFinding last = actor.get(actor.size() - 1);
    assertThat(last.getSubjectId()).isEqualTo(SPRAYER);
    assertThat(last.getSubjectType()).isEqualTo(SubjectType.DEVICE);
    assertThat(last.getScore() * last.getConfidence()).isGreaterThanOrEqualTo(40);
    assertThat(last.getSummary()).contains("against 7 accounts").contains("top targets");
    assertThat(actor).extracting(RiskFinding::getFindingId).containsOnly(last.getFindingId());
  }

  @Test
  void shouldCountUnknownAccountsAndFlagTheGuessedPasswordInAKerberosSpray() {
    // Given a Kerberos spray from one address: 7 non-existent names, 2 real accounts
    List<RiskFinding> findings = new ArrayList<>();
    String ip = "172.18.39.9";
    for (int i = 0; i < 7; i++) {
      findings.addAll(
          runner.run(
              ad.preauthFailure("ghost" + i, T.plusSeconds(i * 3L), ip, FailureKind.UNKNOWN_USER)));
    }
    findings.addAll(
        runner.run(ad.preauthFailure("pgustavo", T.plusSeconds(30), ip, FailureKind.BAD_PASSWORD)));
    findings.addAll(
        runner.run(ad.preauthFailure("nmartha", T.plusSeconds(33), ip, FailureKind.BAD_PASSWORD)));

    // When a TGT is issued for an account from the same address 10 minutes later
    List<RiskFinding> success =
        runner.run(ad.tgt("pgustavo", T.plusSeconds(630), ip, "AES256", "2"));

    // Then the spray counts all 9 accounts, 7 of them non-existent, and the success is high
    RiskFinding actor =
        role(findings, FindingRole.ACTOR).get(role(findings, FindingRole.ACTOR).size() - 1);
    assertThat(actor.getSummary()).contains("9 accounts (7 of them non-existent)");
    assertThat(success)
        .filteredOn(f -> f.getSubjectId().equals("pgustavo"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isGreaterThanOrEqualTo(85);
              assertThat(f.getRole()).isEqualTo(FindingRole.TARGET);
              assertThat(f.getSummary()).contains("likely guessed");
            });
  }

  @Test
  void shouldFlagSuccessProcessedBeforeTheFailuresThatPrecededIt() {
    // Given the success of a spray processed first (another partition was faster)
    LoginEvent success = fx.login("user2@example.com", T.plusSeconds(300)).ip(SPRAYER).build();
    assertThat(runner.run(success)).isEmpty();

    // When the failures stamped before it arrive
    List<RiskFinding> findings = spray(0, 6, 20, T);

    // Then the success is flagged high once the spray is recognised
    assertThat(findings)
        .filteredOn(f -> f.getSourceEventIds().contains(success.getEventId()))
        .singleElement()
        .satisfies(f -> assertThat(f.getScore()).isGreaterThanOrEqualTo(85));
  }

  @Test
  void shouldKeySprayBySourceHostWhenTheRecordHasNoAddress() {
    // When NTLM validations from one workstation fail for 6 accounts (4776 carries no IP)
    List<RiskFinding> findings = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      LoginEvent e =
          ad.ntlmValidation(
              "acct" + i, T.plusSeconds(i * 5L), "WORKSTATION5", false, FailureKind.BAD_PASSWORD);
      assertThat(Hosts.source(e)).isEqualTo("WORKSTATION5");
      findings.addAll(runner.run(e));
    }

    // Then the workstation is the actor
    assertThat(role(findings, FindingRole.ACTOR))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.getSubjectId()).isEqualTo("WORKSTATION5"));
  }

  @Test
  void shouldReportNewlyTargetedSubjectsButNotRepeatFlaggedOnes() {
    // Given an address already found spraying 8 accounts
    spray(0, 8, 30, T);

    // When one flagged account fails again and two new accounts fail an hour later
    List<RiskFinding> again = spray(3, 4, 30, T.plusSeconds(600));
    List<RiskFinding> later = spray(15, 17, 30, T.plusSeconds(3600));

    // Then only the new accounts get target findings
    assertThat(role(again, FindingRole.TARGET)).isEmpty();
    assertThat(role(later, FindingRole.TARGET))
        .extracting(RiskFinding::getSubjectId)
        .containsExactly("user15@example.com", "user16@example.com");
  }

  @Test
  void shouldNotFlagOfficeNatWithOccasionalTypos() {
    // When 300 colleagues behind one NAT each mistype once over an eight-hour day, and sign in
    List<RiskFinding> findings = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Instant at = MONDAY.plusSeconds(8 * 3600 + i * 96L);
      String who = "colleague" + i + "@example.com";
      findings.addAll(runner.run(fx.login(who, at).ip("192.0.2.1").failed().build()));
      findings.addAll(runner.run(fx.login(who, at.plusSeconds(20)).ip("192.0.2.1").build()));
    }

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldNotFlagBusyOfficeNatMorningFullOfTypos() {
    // Given the 09:00 rush behind one NAT: 200 people sign in within 15 minutes; 20 mistype their
    // password first, 5 mistype their user name, 3 give up after a failure
    List<RiskFinding> findings = new ArrayList<>();
    String nat = "192.0.2.7";
    Instant rush = MONDAY.plusSeconds(9 * 3600);
    for (int i = 0; i < 200; i++) {
      Instant at = rush.plusSeconds(i * 4L);
      String who = "staff" + i + "@example.com";
      if (i % 10 == 3) {
        findings.addAll(runner.run(fx.login(who, at).ip(nat).failed().build()));
        at = at.plusSeconds(15);
      }
      if (i % 40 == 7) {
        findings.addAll(
            runner.run(
                ad.record("stafff" + i + "@example.com", at, null)
                    .setIp(nat)
                    .setOutcome(dev.vigil.schema.LoginOutcome.FAILURE)
                    .setFailureKind(FailureKind.UNKNOWN_USER)
                    .build()));
        at = at.plusSeconds(10);
      }
      if (i % 67 == 5) {
        findings.addAll(runner.run(fx.login(who, at).ip(nat).failed().build()));
        continue;
      }
      findings.addAll(runner.run(fx.login(who, at).ip(nat).build()));
    }

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldNotTreatOneAccountGuessedManyTimesAsSpray() {
    // When one account fails 20 times from one address (brute force, not spray)
    List<RiskFinding> findings = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      findings.addAll(
          runner.run(
              fx.login("alice@example.com", T.plusSeconds(i * 10L)).ip(SPRAYER).failed().build()));
    }

    // Then the spray detector stays quiet
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldTellEveryTargetWhenTheEarliestAttemptsArriveLast() {
    // Given a fast spray against 30 accounts (more than the detector buffers), 0.4 s apart
    List<LoginEvent> attempts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      attempts.add(
          fx.login("user" + i + "@example.com", T.plusMillis(400L * i))
              .ip(SPRAYER)
              .failed()
              .build());
    }

    // When the earliest attempts arrive after the others (another input partition lagging)
    Set<Set<String>> outcomes = new LinkedHashSet<>();
    for (int late : new int[] {0, 1, 4}) {
      List<LoginEvent> order = new ArrayList<>(attempts.subList(late, attempts.size()));
      order.addAll(attempts.subList(0, late));
      LoginFixture.Runner fresh =
          new LoginFixture.Runner(
              List.of(new PasswordSprayDetector(DetectorSettings.defaults())),
              DetectionContext.defaults(),
              Hosts::source);
      Set<String> targets = new TreeSet<>();
      for (LoginEvent e : order) {
        role(fresh.run(e), FindingRole.TARGET).forEach(f -> targets.add(f.getFindingId()));
      }
      outcomes.add(targets);
    }

    // Then every order told the same 30 accounts, with the same findings
    assertThat(outcomes).singleElement().satisfies(t -> assertThat(t).hasSize(30));
  }
}
