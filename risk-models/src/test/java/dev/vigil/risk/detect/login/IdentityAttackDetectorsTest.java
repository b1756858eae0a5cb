package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectProfile;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Identity attacks inside the network, on Windows domain records: positives and negatives. */
class IdentityAttackDetectorsTest {

  private static final Instant T = MONDAY.plus(Duration.ofDays(14)).plusSeconds(10 * 3600);
  private static final String WS = "172.18.39.5";

  private final AdFixture ad = new AdFixture();
  private final DetectorSettings settings = DetectorSettings.defaults();

  private LoginFixture.Runner subjectRunner(
      dev.vigil.risk.detect.Detector<dev.vigil.schema.LoginEvent, ?> d, DetectionContext c) {
    return new LoginFixture.Runner(List.of(d), c);
  }

  // --- Kerberoasting

  @Test
  void shouldFlagKerberoastingOfFiveServiceAccountsOnRequesterHostAndServices() {
    // Given a user who asks for tickets to the file server and DC every morning
    LoginFixture.Runner runner =
        subjectRunner(new KerberoastingDetector(settings), DetectionContext.defaults());
    runner.run(ad.serviceTicket("pgustavo", T.minusSeconds(3600), WS, "FS01$", "AES256"));
    runner.run(ad.serviceTicket("pgustavo", T.minusSeconds(3590), WS, "MORDORDC$", "AES256"));

    // When it requests RC4 tickets for 5 user-account services within seconds
    List<RiskFinding> findings = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      findings.addAll(
          runner.run(ad.serviceTicket("pgustavo", T.plusSeconds(i), WS, "svc_sql" + i, "0x17")));
    }

    // Then the requester and its host are actors, each service account a target
    assertThat(findings)
        .filteredOn(f -> f.getRole() == FindingRole.ACTOR && f.getSubjectId().equals("pgustavo"))
        .last()
        .satisfies(
            f -> {
              assertThat(f.getTactic()).isEqualTo("T1558.003");
              assertThat(f.getScore() * f.getConfidence()).isGreaterThanOrEqualTo(40);
              assertThat(f.getSummary())
                  .contains("5 distinct user-account services (5 RC4-encrypted)");
            });
    assertThat(findings)
        .filteredOn(f -> f.getSubjectId().equals(WS))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.getSubjectType()).isEqualTo(SubjectType.DEVICE));
    assertThat(findings)
        .filteredOn(f -> f.getRole() == FindingRole.TARGET)
        .extracting(RiskFinding::getSubjectId)
        .containsExactlyInAnyOrder("svc_sql0", "svc_sql1", "svc_sql2", "svc_sql3", "svc_sql4");
  }

  @Test
  void shouldNotFlagUserReachingComputerServicesAndTwoAppAccounts() {
    // When a user's morning touches 8 computer services and two app service accounts (AES)
    LoginFixture.Runner runner =
        subjectRunner(new KerberoastingDetector(settings), DetectionContext.defaults());
    List<RiskFinding> findings = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      findings.addAll(
          runner.run(
              ad.serviceTicket("alice", T.plusSeconds(i * 20L), WS, "SRV" + i + "$", "0x17")));
    }
    findings.addAll(
        runner.run(ad.serviceTicket("alice", T.plusSeconds(200), WS, "svc_web", "AES256")));
    findings.addAll(
        runner.run(ad.serviceTicket("alice", T.plusSeconds(220), WS, "svc_crm", "RC4_HMAC")));

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  // --- AS-REP roasting and RC4 downgrade

  @Test
  void shouldFlagTgtWithoutPreauthenticationOnAccountAndSource() {
    // When a TGT for an account without pre-authentication is issued as RC4 to a workstation
    LoginFixture.Runner runner =
        subjectRunner(new AsRepRoastingDetector(settings), DetectionContext.defaults());
    List<RiskFinding> findings = runner.run(ad.tgt("svc_legacy", T, WS, "0x17", "0"));

    // Then the account is a target and the workstation an actor
    assertThat(findings)
        .extracting(RiskFinding::getSubjectId, RiskFinding::getRole)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("svc_legacy", FindingRole.TARGET),
            org.assertj.core.groups.Tuple.tuple(WS, FindingRole.ACTOR));
    assertThat(findings.get(0).getTactic()).isEqualTo("T1558.004");
  }

  @Test
  void shouldFlagRc4TgtForAccountThatUsesAes() {
    // Given pgustavo's TGTs are AES256 (0x12), as in the Covenant dataset
    LoginFixture.Runner runner =
        subjectRunner(new AsRepRoastingDetector(settings), DetectionContext.defaults());
    for (int d = 0; d < 4; d++) {
      assertThat(runner.run(ad.tgt("pgustavo", T.minus(Duration.ofDays(d + 1)), WS, "0x12", "2")))
          .isEmpty();
    }

    // When an RC4 TGT (0x17) with pre-authentication is issued from another workstation
    List<RiskFinding> findings =
        runner.run(ad.tgt("pgustavo", T, "::ffff:172.18.39.6", "0x17", "2"));

    // Then over-pass-the-hash is reported on the account and the source
    assertThat(findings)
        .extracting(RiskFinding::getDetectorId)
        .containsOnly(AsRepRoastingDetector.DOWNGRADE_ID);
    assertThat(findings)
        .extracting(RiskFinding::getSubjectId)
        .containsExactly("pgustavo", "172.18.39.6");
  }

  @Test
  void shouldNotFlagRc4TgtsOfLegacyAccountOrPreauthenticatedAes() {
    // When an account always gets RC4 TGTs, and another gets AES with pre-authentication
    LoginFixture.Runner runner =
        subjectRunner(new AsRepRoastingDetector(settings), DetectionContext.defaults());
    List<RiskFinding> findings = new ArrayList<>();
    for (int d = 0; d < 5; d++) {
      findings.addAll(
          runner.run(ad.tgt("legacy", T.plus(Duration.ofDays(d)), WS, "RC4_HMAC", "2")));
      findings.addAll(runner.run(ad.tgt("alice", T.plus(Duration.ofDays(d)), WS, "AES256", "2")));
    }

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  // --- New host logon (lateral movement)

  private LoginFixture.Runner withWorkHistory(ReferenceData reference) {
    LoginFixture.Runner runner =
        subjectRunner(
            new NewHostLogonDetector(settings), new DetectionContext(reference, settings));
    for (int d = 14; d >= 1; d--) {
      Instant day = T.minus(Duration.ofDays(d));
      for (String host : List.of("FS01", "MORDORDC", "MAIL01")) {
        assertThat(runner.run(ad.logon("pgustavo", day, WS, "WORKSTATION5", host, "NETWORK")))
            .isEmpty();
      }
    }
    return runner;
  }

  @Test
  void shouldFlagWinRmLateralMovementToFourNewHostsAtMedium() {
    // Given two weeks of logons to the usual servers; SRV-DB is critical
    ReferenceData reference = new ReferenceData();
    reference.putSubject(
        "SRV-DB",
        SubjectProfile.newBuilder()
            .setSubjectId("SRV-DB")
            .setCriticality(Criticality.CRITICAL)
            .setUpdatedAt(T)
            .build());
    LoginFixture.Runner runner = withWorkHistory(reference);

    // When network logons reach four new hosts within 20 minutes (ip "-" as in WinRM records)
    List<RiskFinding> findings = new ArrayList<>();
    List<String> hosts = List.of("WORKSTATION6", "WORKSTATION7", "WORKSTATION8", "SRV-DB");
    for (int i = 0; i < hosts.size(); i++) {
      findings.addAll(
          runner.run(
              ad.logon(
                  "pgustavo",
                  T.plusSeconds(i * 300L),
                  null,
                  "WORKSTATION5",
                  hosts.get(i),
                  "NETWORK")));
    }

    // Then the account is an actor at medium or above, the new hosts targets, the source an actor
    List<RiskFinding> account =
        findings.stream().filter(f -> f.getSubjectId().equals("pgustavo")).toList();
    assertThat(account).hasSize(4);
    RiskFinding last = account.get(3);
    assertThat(last.getScore() * last.getConfidence()).isGreaterThanOrEqualTo(40);
    assertThat(last.getSummary())
        .contains("First logon to SRV-DB (CRITICAL criticality)")
        .contains("4 new hosts reached within 60 minutes");
    assertThat(findings)
        .filteredOn(f -> f.getRole() == FindingRole.TARGET)
        .extracting(RiskFinding::getSubjectId)
        .contains("WORKSTATION8", "SRV-DB");
    assertThat(findings)
        .filteredOn(f -> f.getSubjectId().equals("WORKSTATION5"))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.getRole()).isEqualTo(FindingRole.ACTOR));
  }

  @Test
  void shouldNotFlagUsualServersLocalLogonsOrAnAccountStillLearning() {
    // Given an established account and a brand-new one
    LoginFixture.Runner runner = withWorkHistory(new ReferenceData());
    List<RiskFinding> findings = new ArrayList<>();

    // When the established one uses its usual servers and logs on locally, the new one roams
    findings.addAll(runner.run(ad.logon("pgustavo", T, WS, "WORKSTATION5", "FS01", "NETWORK")));
    findings.addAll(
        runner.run(ad.logon("pgustavo", T, WS, "WORKSTATION5", "WORKSTATION5", "INTERACTIVE")));
    for (int i = 0; i < 6; i++) {
      findings.addAll(
          runner.run(
              ad.logon("newhire", T.plusSeconds(i), WS, "WORKSTATION3", "SRV" + i, "NETWORK")));
    }

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  // --- Explicit credentials

  @Test
  void shouldFlagExplicitAdminCredentialsTowardsFourHosts() {
    // When pgustavo uses the admin's credentials towards four hosts (4648 on WORKSTATION5)
    LoginFixture.Runner runner =
        subjectRunner(new ExplicitCredentialsDetector(settings), DetectionContext.defaults());
    List<RiskFinding> findings = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      findings.addAll(
          runner.run(
              ad.explicit(
                  "administrator",
                  "pgustavo",
                  T.plusSeconds(i * 60L),
                  "WORKSTATION5",
                  "WORKSTATION" + (6 + i) + ".theshire.local")));
    }

    // Then the caller is an actor, the administrator a target, the workstation an actor
    assertThat(findings)
        .filteredOn(f -> f.getSubjectId().equals("pgustavo"))
        .last()
        .satisfies(
            f -> {
              assertThat(f.getRole()).isEqualTo(FindingRole.ACTOR);
              assertThat(f.getSummary()).contains("towards 4 hosts").contains("WORKSTATION9");
            });
    assertThat(findings)
        .filteredOn(f -> f.getSubjectId().equals("administrator"))
        .allSatisfy(f -> assertThat(f.getRole()).isEqualTo(FindingRole.TARGET))
        .isNotEmpty();
    assertThat(findings).anyMatch(f -> f.getSubjectId().equals("WORKSTATION5"));
  }

  @Test
  void shouldNotFlagRunAsLocalhostOrRepeatedCallsToOneHost() {
    // When the RDP dataset's 4648 to localhost and WMIC's three calls to one server happen
    LoginFixture.Runner runner =
        subjectRunner(new ExplicitCredentialsDetector(settings), DetectionContext.defaults());
    List<RiskFinding> findings = new ArrayList<>();
    findings.addAll(
        runner.run(ad.explicit("pgustavo", "WORKSTATION5$", T, "WORKSTATION5", "localhost")));
    for (int i = 0; i < 3; i++) {
      findings.addAll(
          runner.run(
              ad.explicit(
                  "administrator",
                  "user01",
                  T.plusSeconds(i * 5L),
                  "PC01",
                  "WIN-77LTAPHIQ1R.example.corp")));
    }

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  // --- Privileged logon on a new host

  @Test
  void shouldFlagPrivilegedLogonOnANewWorkstation() {
    // Given an admin whose privileged logons for a week were on the two domain controllers
    ReferenceData reference = new ReferenceData();
    reference.putSubject(
        "WORKSTATION6",
        SubjectProfile.newBuilder()
            .setSubjectId("WORKSTATION6")
            .setCriticality(Criticality.LOW)
            .setTags(List.of("workstation"))
            .setUpdatedAt(T)
            .build());
    LoginFixture.Runner runner =
        subjectRunner(
            new PrivilegedLogonDetector(settings), new DetectionContext(reference, settings));
    List<RiskFinding> history = new ArrayList<>();
    for (int d = 7; d >= 1; d--) {
      history.addAll(
          runner.run(
              ad.privileged("admin", T.minus(Duration.ofDays(d)), "MORDORDC.theshire.local")));
      history.addAll(
          runner.run(ad.privileged("admin", T.minus(Duration.ofDays(d)).plusSeconds(60), "DC02")));
    }

    // When it gets a privileged logon on WORKSTATION6
    List<RiskFinding> findings =
        runner.run(ad.privileged("admin", T, "WORKSTATION6.theshire.local"));

    // Then one finding names the workstation; the history raised nothing
    assertThat(history).isEmpty();
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(55.0);
              assertThat(f.getSummary())
                  .startsWith("Privileged logon on WORKSTATION6 (a workstation)");
            });
  }

  @Test
  void shouldNotFlagSystemOrMachineAccountsOrKnownHosts() {
    // When SYSTEM and a machine account get privileged logons everywhere, an admin on its DC
    LoginFixture.Runner runner =
        subjectRunner(new PrivilegedLogonDetector(settings), DetectionContext.defaults());
    List<RiskFinding> findings = new ArrayList<>();
    for (int d = 10; d >= 0; d--) {
      Instant at = T.minus(Duration.ofDays(d));
      findings.addAll(runner.run(ad.privileged("SYSTEM", at, "WS" + d)));
      findings.addAll(runner.run(ad.privileged("MORDORDC$", at, "HOST" + d)));
      findings.addAll(runner.run(ad.privileged("admin", at, "MORDORDC")));
    }

    // Then nothing fires
    assertThat(findings).isEmpty();
  }

  // --- Unknown accounts

  @Test
  void shouldFlagSourceFailingAgainstManyNonExistentAccounts() {
    // When a workstation's Kerberos requests fail for 7 names that do not exist
    LoginFixture.Runner runner =
        new LoginFixture.Runner(
            List.of(new UnknownAccountsDetector(settings)),
            DetectionContext.defaults(),
            Hosts::source);
    List<RiskFinding> findings = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      findings.addAll(
          runner.run(
              ad.preauthFailure("user" + i, T.plusSeconds(i * 2L), WS, FailureKind.UNKNOWN_USER)));
    }

    // Then the workstation is an actor and the summary counts all 7 names
    assertThat(findings).isNotEmpty();
    RiskFinding last = findings.get(findings.size() - 1);
    assertThat(last.getSubjectId()).isEqualTo(WS);
    assertThat(last.getRole()).isEqualTo(FindingRole.ACTOR);
    assertThat(last.getSummary()).contains("7 non-existent accounts");
    assertThat(findings).extracting(RiskFinding::getFindingId).containsOnly(last.getFindingId());
  }

  @Test
  void shouldNotFlagOfficeNatWhereAFewPeopleMistypeTheirUserName() {
    // When 60 people sign in through one NAT in 10 minutes and 5 of them mistype their user name
    LoginFixture.Runner runner =
        new LoginFixture.Runner(
            List.of(new UnknownAccountsDetector(settings)),
            DetectionContext.defaults(),
            Hosts::source);
    List<RiskFinding> findings = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Instant at = T.plusSeconds(i * 10L);
      if (i % 12 == 0) {
        findings.addAll(
            runner.run(
                ad.failedLogon("typo" + i, at, "192.0.2.1", null, FailureKind.UNKNOWN_USER)));
      }
      findings.addAll(
          runner.run(
              ad.logon("staff" + i, at.plusSeconds(5), "192.0.2.1", null, "DC01", "NETWORK")));
    }

    // Then nothing fires
    assertThat(findings).isEmpty();
  }
}
