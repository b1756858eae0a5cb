package dev.vigil.risk.detect.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.detect.access.AccessSignal;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The Windows attack datasets as hand-built records (what ingest maps them to), through every
 * default detector keyed as the topology keys them: by subject, by source (IP, else host) and the
 * access family by subject. A benign domain of 20 users with two weeks of history surrounds each
 * attack; "medium" is a single finding with score × confidence of at least 40.
 */
class WindowsDatasetsTest {

  private static final Instant DAY0 = Instant.parse("2020-08-06T00:00:00Z");
  private static final Instant ATTACK = DAY0.plus(Duration.ofDays(14)).plusSeconds(15 * 3600);
  private static final List<String> SERVERS = List.of("FS01", "MORDORDC", "MAIL01");

  private final AdFixture ad = new AdFixture();
  private final DetectorSettings settings = DetectorSettings.defaults();
  private final DetectorCatalog catalog = dev.vigil.risk.signal.SignalFamilies.catalog(settings);
  private final DetectionContext context = DetectionContext.defaults();
  private final List<LoginEvent> logins = new ArrayList<>();
  private final List<AccessEvent> accesses = new ArrayList<>();

  private static String user(int i) {
    return String.format("u%02d", i);
  }

  private static String ws(int i) {
    return String.format("WORKSTATION%02d", i);
  }

  private static String ip(int i) {
    return "172.18.39." + (10 + i);
  }

  /** 20 users, 14 working days: TGTs, service tickets, logons to servers, logon shares, typos. */
  private void benignDomain() {
    for (int d = 0; d < 14; d++) {
      for (int i = 0; i < 20; i++) {
        Instant t = DAY0.plus(Duration.ofDays(d)).plusSeconds(8 * 3600 + i * 97L + d * 13L);
        if ((i + d) % 9 == 0) {
          logins.add(
              ad.preauthFailure(user(i), t.minusSeconds(20), ip(i), FailureKind.BAD_PASSWORD));
        }
        logins.add(ad.tgt(user(i), t, ip(i), "AES256", "2"));
        logins.add(ad.serviceTicket(user(i), t.plusSeconds(1), ip(i), "FS01$", "AES256"));
        logins.add(ad.serviceTicket(user(i), t.plusSeconds(1), ip(i), "MORDORDC$", "AES256"));
        logins.add(ad.serviceTicket(user(i), t.plusSeconds(600), ip(i), "svc_web", "RC4_HMAC"));
        for (String server : SERVERS) {
          logins.add(ad.logon(user(i), t.plusSeconds(2), ip(i), ws(i), server, "NETWORK"));
        }
        for (String share : List.of("IPC$", "SYSVOL", "NETLOGON")) {
          accesses.add(ad.share(user(i), t.plusSeconds(3), ws(i), "MORDORDC", share));
        }
        accesses.add(ad.share(user(i), t.plusSeconds(4), ws(i), "FS01", "HOME"));
      }
      logins.add(
          ad.privileged("admin", DAY0.plus(Duration.ofDays(d)).plusSeconds(9 * 3600), "MORDORDC"));
    }
  }

  /**
   * The documented AD attack: from u07's workstation, a spray against 7 accounts (one guessed),
   * Kerberoasting of 5 service accounts, share enumeration, then WinRM lateral movement to 4 hosts
   * with the guessed account's credentials (4648 on the workstation, 4624 type 3 with no address).
   */
  private void adAttack() {
    for (int i = 0; i < 7; i++) {
      logins.add(
          ad.preauthFailure(
              user(i == 0 ? 10 : i), ATTACK.plusSeconds(i * 20L), ip(7), FailureKind.BAD_PASSWORD));
    }
    logins.add(ad.tgt(user(3), ATTACK.plusSeconds(300), ip(7), "AES256", "2"));
    for (String svc : List.of("svc_sql", "svc_backup", "svc_iis", "svc_sccm", "svc_exchange")) {
      logins.add(ad.serviceTicket(user(7), ATTACK.plusSeconds(400), ip(7), svc, "0x17"));
    }
    for (int h = 0; h < 6; h++) {
      for (String share : List.of("IPC$", "C$", "ADMIN$")) {
        accesses.add(ad.share(user(7), ATTACK.plusSeconds(500 + h * 5L), ws(7), "SRV" + h, share));
      }
    }
    for (int h = 0; h < 4; h++) {
      Instant t = ATTACK.plusSeconds(900 + h * 120L);
      logins.add(ad.explicit(user(3), user(7), t, ws(7), "SRV" + h + ".theshire.local"));
      logins.add(ad.logon(user(3), t.plusSeconds(1), null, ws(7), "SRV" + h, "NETWORK"));
    }
  }

  /** The Kerberos spray: 9 accounts from one address, 7 of them non-existent, then a success. */
  private void kerberosSpray() {
    Instant t = ATTACK.plus(Duration.ofHours(2));
    String sprayer = "172.18.39.200";
    for (int i = 0; i < 7; i++) {
      logins.add(
          ad.preauthFailure("guess" + i, t.plusSeconds(i), sprayer, FailureKind.UNKNOWN_USER));
    }
    logins.add(ad.preauthFailure(user(12), t.plusSeconds(8), sprayer, FailureKind.BAD_PASSWORD));
    logins.add(ad.preauthFailure(user(13), t.plusSeconds(9), sprayer, FailureKind.BAD_PASSWORD));
    logins.add(ad.tgt(user(14), t.plusSeconds(40), sprayer, "AES256", "2"));
  }

  private List<RiskFinding> run() {
    logins.sort(Comparator.comparing(LoginEvent::getTimestamp));
    accesses.sort(Comparator.comparing(AccessEvent::getTimestamp));
    DetectionEngine<LoginEvent> bySubject =
        new DetectionEngine<>(
            catalog.detectors(LoginEvent.class, KeyScope.SUBJECT), LoginEvent::getEventId);
    DetectionEngine<LoginEvent> bySource =
        new DetectionEngine<>(
            catalog.detectors(LoginEvent.class, KeyScope.SOURCE_IP), LoginEvent::getEventId);
    DetectionEngine<AccessSignal> access =
        new DetectionEngine<>(
            catalog.detectors(AccessSignal.class, KeyScope.SUBJECT), AccessSignal::eventId);
    Map<String, BaselineBundle> subjects = new HashMap<>();
    Map<String, BaselineBundle> sources = new HashMap<>();
    Map<String, BaselineBundle> accessBundles = new HashMap<>();
    List<RiskFinding> out = new ArrayList<>();
    for (LoginEvent e : logins) {
      out.addAll(
          bySubject.observe(
              e, subjects.computeIfAbsent(e.getSubjectId(), k -> new BaselineBundle()), context));
      String source = Hosts.source(e);
      if (source != null) {
        out.addAll(
            bySource.observe(
                e, sources.computeIfAbsent(source, k -> new BaselineBundle()), context));
      }
      out.addAll(
          access.observe(
              AccessSignal.ofLogin(e),
              accessBundles.computeIfAbsent(e.getSubjectId(), k -> new BaselineBundle()),
              context));
    }
    for (AccessEvent e : accesses) {
      out.addAll(
          access.observe(
              AccessSignal.ofAccess(e),
              accessBundles.computeIfAbsent(e.getSubjectId(), k -> new BaselineBundle()),
              context));
    }
    return out;
  }

  /** Strongest weight (score × confidence) per subject, over the newest version of each finding. */
  private static Map<String, Double> strongest(List<RiskFinding> findings) {
    Map<String, RiskFinding> newest = new TreeMap<>();
    findings.forEach(f -> newest.put(f.getFindingId(), f));
    Map<String, Double> out = new TreeMap<>();
    newest
        .values()
        .forEach(f -> out.merge(f.getSubjectId(), f.getScore() * f.getConfidence(), Math::max));
    return out;
  }

  private static List<String> detectors(
      List<RiskFinding> findings, String subject, FindingRole role) {
    return findings.stream()
        .filter(f -> f.getSubjectId().equals(subject) && f.getRole() == role)
        .map(RiskFinding::getDetectorId)
        .distinct()
        .sorted()
        .toList();
  }

  @Test
  void shouldRaiseNothingOnTheBenignDomain() {
    // Given two weeks of a benign domain with typos and legacy RC4 tickets
    benignDomain();

    // When it runs through every detector
    List<RiskFinding> findings = run();

    // Then no finding is raised at all
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldPutTheAdAttackersAtMediumAndNameEveryStep() {
    // Given the benign domain and the documented AD attack from u07's workstation
    benignDomain();
    adAttack();

    // When it runs through every detector
    List<RiskFinding> findings = run();
    Map<String, Double> weight = strongest(findings);

    // Then the workstation (by address and by name) and the account acting are actors at medium
    assertThat(detectors(findings, ip(7), FindingRole.ACTOR))
        .contains(PasswordSprayDetector.ID, KerberoastingDetector.ID);
    assertThat(detectors(findings, ws(7), FindingRole.ACTOR))
        .contains(
            "access.share-enumeration", ExplicitCredentialsDetector.ID, NewHostLogonDetector.ID);
    assertThat(detectors(findings, user(7), FindingRole.ACTOR))
        .contains(
            KerberoastingDetector.ID, "access.share-enumeration", ExplicitCredentialsDetector.ID);
    assertThat(weight.get(ip(7))).isGreaterThanOrEqualTo(40);
    assertThat(weight.get(ws(7))).isGreaterThanOrEqualTo(40);
    assertThat(weight.get(user(7))).isGreaterThanOrEqualTo(40);
    // the guessed account is high and moved laterally to 4 hosts
    assertThat(weight.get(user(3))).isGreaterThanOrEqualTo(70);
    assertThat(detectors(findings, user(3), FindingRole.ACTOR)).contains(NewHostLogonDetector.ID);
    // the targets are named, lower
    for (int i : List.of(1, 2, 4, 5, 6, 10)) {
      assertThat(detectors(findings, user(i), FindingRole.TARGET))
          .containsExactly(PasswordSprayDetector.ID);
      assertThat(weight.get(user(i))).isLessThan(40);
    }
    assertThat(detectors(findings, "svc_sql", FindingRole.TARGET))
        .containsExactly(KerberoastingDetector.ID);
    // and no other benign account has any finding
    for (int i : List.of(0, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19)) {
      assertThat(weight).doesNotContainKey(user(i));
    }
  }

  @Test
  void shouldCatchTheKerberosSprayOfMostlyNonExistentAccounts() {
    // Given the benign domain and the Kerberos spray
    benignDomain();
    kerberosSpray();

    // When it runs through every detector
    List<RiskFinding> findings = run();
    Map<String, Double> weight = strongest(findings);

    // Then the address is an actor for the spray and the unknown names, the success is high
    assertThat(detectors(findings, "172.18.39.200", FindingRole.ACTOR))
        .containsExactlyInAnyOrder(UnknownAccountsDetector.ID, PasswordSprayDetector.ID);
    assertThat(weight.get("172.18.39.200")).isGreaterThanOrEqualTo(40);
    assertThat(findings)
        .filteredOn(
            f ->
                f.getSubjectId().equals("172.18.39.200")
                    && f.getDetectorId().equals(PasswordSprayDetector.ID))
        .last()
        .satisfies(f -> assertThat(f.getSummary()).contains("9 accounts (7 of them non-existent)"));
    assertThat(weight.get(user(14))).isGreaterThanOrEqualTo(40);
    assertThat(weight.get(user(12))).isLessThan(40);
  }

  @Test
  void shouldFlagTheRubeusRc4TgtAndTheCovenantWinRmLogon() {
    // Given pgustavo's AES TGTs and logons to the usual servers for two weeks (as in the datasets)
    for (int d = 0; d < 14; d++) {
      Instant t = DAY0.plus(Duration.ofDays(d)).plusSeconds(9 * 3600);
      logins.add(ad.tgt("pgustavo", t, "::ffff:172.18.39.5", "0x12", "2"));
      for (String server : SERVERS) {
        logins.add(
            ad.logon(
                "pgustavo", t.plusSeconds(5), "172.18.39.5", "WORKSTATION5", server, "NETWORK"));
      }
    }
    // When Covenant runs PowerShell remoting to WORKSTATION6 (4648 x5, 4624 type 3 with ip "-")
    Instant covenant = ATTACK;
    for (int i = 0; i < 5; i++) {
      logins.add(
          ad.explicit(
              "pgustavo",
              "pgustavo",
              covenant.plusSeconds(i * 3L),
              "WORKSTATION5",
              "WORKSTATION6"));
    }
    logins.add(
        ad.serviceTicket(
            "pgustavo", covenant.plusSeconds(1), "::ffff:172.18.39.5", "WORKSTATION6$", "0x12"));
    logins.add(
        ad.logon(
            "pgustavo",
            covenant.plusSeconds(1),
            null,
            null,
            "WORKSTATION6.theshire.local",
            "NETWORK"));
    // and Rubeus asks a TGT with the RC4 key (0x17) from WORKSTATION6
    logins.add(ad.tgt("pgustavo", covenant.plusSeconds(600), "::ffff:172.18.39.6", "0x17", "2"));
    List<RiskFinding> findings = run();

    // Then the first logon to WORKSTATION6 and the RC4 TGT are reported; one explicit target host
    // is not enough for the explicit-credentials detector
    assertThat(findings)
        .extracting(RiskFinding::getDetectorId, RiskFinding::getSubjectId)
        .contains(
            org.assertj.core.groups.Tuple.tuple(NewHostLogonDetector.ID, "pgustavo"),
            org.assertj.core.groups.Tuple.tuple(AsRepRoastingDetector.DOWNGRADE_ID, "pgustavo"),
            org.assertj.core.groups.Tuple.tuple(AsRepRoastingDetector.DOWNGRADE_ID, "172.18.39.6"));
    assertThat(findings)
        .filteredOn(f -> f.getDetectorId().equals(NewHostLogonDetector.ID))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.getSummary())
                    .startsWith("First logon to WORKSTATION6 by a network logon"));
    assertThat(findings).noneMatch(f -> f.getDetectorId().equals(ExplicitCredentialsDetector.ID));
  }
}
