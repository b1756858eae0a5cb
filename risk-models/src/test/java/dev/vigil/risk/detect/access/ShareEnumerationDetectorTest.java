package dev.vigil.risk.detect.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.login.AdFixture;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShareEnumerationDetectorTest {

  private static final Instant T = Instant.parse("2025-03-17T10:00:00Z");

  private final AdFixture ad = new AdFixture();
  private final DetectionEngine<AccessSignal> engine =
      new DetectionEngine<>(
          List.of(new ShareEnumerationDetector(DetectorSettings.defaults())),
          AccessSignal::eventId);
  private final Map<String, BaselineBundle> bundles = new HashMap<>();

  private List<RiskFinding> run(AccessEvent e) {
    return engine.observe(
        AccessSignal.ofAccess(e),
        bundles.computeIfAbsent(e.getSubjectId(), k -> new BaselineBundle()),
        DetectionContext.defaults());
  }

  @Test
  void shouldFlagTheSameAdminShareProbedOnManyHosts() {
    // When one account opens IPC$, C$ and ADMIN$ on 6 hosts within two minutes
    List<RiskFinding> findings = new ArrayList<>();
    for (int h = 0; h < 6; h++) {
      for (String share : List.of("IPC$", "C$", "ADMIN$")) {
        findings.addAll(
            run(ad.share("pgustavo", T.plusSeconds(h * 20L), "WORKSTATION5", "SRV" + h, share)));
      }
    }

    // Then the account and its workstation are actors, revised as the scan grew
    RiskFinding account =
        findings.stream()
            .filter(f -> f.getSubjectId().equals("pgustavo"))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(account.getRole()).isEqualTo(FindingRole.ACTOR);
    assertThat(account.getTactic()).isEqualTo("T1135");
    assertThat(account.getSummary())
        .contains("18 share accesses to 18 distinct shares on 6 hosts")
        .contains("ADMIN$ on 6 hosts")
        .contains("from WORKSTATION5");
    assertThat(account.getScore() * account.getConfidence()).isGreaterThanOrEqualTo(40);
    assertThat(findings)
        .filteredOn(f -> f.getSubjectId().equals("WORKSTATION5"))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.getSubjectType()).isEqualTo(SubjectType.DEVICE));
  }

  @Test
  void shouldFlagManySharesOnOneFileServer() {
    // When one account opens 9 different shares on one server within a minute
    List<RiskFinding> findings = new ArrayList<>();
    for (int s = 0; s < 9; s++) {
      findings.addAll(
          run(ad.share("pgustavo", T.plusSeconds(s * 5L), "WORKSTATION5", "FS01", "DEPT" + s)));
    }

    // Then it is reported
    assertThat(findings).anyMatch(f -> f.getSummary().contains("9 shares on one host"));
  }

  @Test
  void shouldNotFlagALogonMorningOrMachineAccounts() {
    // When a user's logon touches SYSVOL/NETLOGON/IPC$ on two DCs, a home share and two team
    // shares, and the DC's machine account reads SYSVOL on every DC
    List<RiskFinding> findings = new ArrayList<>();
    for (String dc : List.of("DC01", "DC02")) {
      for (String share : List.of("IPC$", "SYSVOL", "NETLOGON")) {
        findings.addAll(run(ad.share("alice", T, "WORKSTATION2", dc, share)));
      }
    }
    findings.addAll(run(ad.share("alice", T.plusSeconds(30), "WORKSTATION2", "FS01", "HOME")));
    findings.addAll(run(ad.share("alice", T.plusSeconds(31), "WORKSTATION2", "FS02", "SALES")));
    findings.addAll(
        run(ad.share("alice", T.plusSeconds(32), "WORKSTATION2", "FS02", "SALES-ARCHIVE")));
    for (int h = 0; h < 12; h++) {
      findings.addAll(run(ad.share("MORDORDC$", T.plusSeconds(h), "MORDORDC", "DC" + h, "C$")));
    }

    // Then nothing fires
    assertThat(findings).isEmpty();
  }
}
