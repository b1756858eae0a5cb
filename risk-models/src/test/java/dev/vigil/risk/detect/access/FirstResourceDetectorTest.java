package dev.vigil.risk.detect.access;

import static dev.vigil.risk.detect.access.AccessFixtures.MONDAY;
import static dev.vigil.risk.detect.access.AccessFixtures.access;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirstResourceDetectorTest {

  private final AccessFixtures.Subject alice =
      new AccessFixtures.Subject(List.of(new FirstResourceDetector(DetectorSettings.defaults())));

  /** Alice reads her ten usual documents twice every working day for two weeks. */
  private void usualFortnight() {
    for (int day = 0; day < 14; day++) {
      Instant morning = MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(9));
      for (int i = 0; i < 20; i++) {
        alice.feed(
            access(morning.plus(Duration.ofMinutes(15L * i)), "/docs/team/" + (i % 10))
                .setSensitivity(i % 10 == 0 ? Sensitivity.CONFIDENTIAL : Sensitivity.INTERNAL));
      }
    }
  }

  @Test
  void shouldStayQuietWhenUserReadsUsualResources() {
    // Given
    usualFortnight();

    // When
    List<RiskFinding> findings =
        alice.feed(
            access(MONDAY.plus(Duration.ofDays(15)), "/docs/team/0")
                .setSensitivity(Sensitivity.CONFIDENTIAL));

    // Then
    assertThat(alice.findings).isEmpty();
    assertThat(findings).isEmpty();
  }

  @Test
  void shouldReportFirstAccessToRestrictedResourceAfterLearning() {
    // Given
    usualFortnight();

    // When
    List<RiskFinding> findings =
        alice.feed(
            access(MONDAY.plus(Duration.ofDays(15)), "/finance/payroll-2025.xlsx")
                .setSensitivity(Sensitivity.RESTRICTED));

    // Then
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(FirstResourceDetector.ID);
              assertThat(f.getScore()).isEqualTo(50.0);
              assertThat(f.getSummary())
                  .contains("restricted resource /finance/payroll-2025.xlsx for the first time")
                  .contains("usual: 0-");
              assertThat(f.getSourceEventIds()).hasSize(1);
            });
  }

  @Test
  void shouldHalveTheScoreForAnotherConsoleOfAnApplicationTheAdminAlreadyUses() {
    // Given an admin who works in the IAM console and the production cluster UI every day
    for (int day = 0; day < 14; day++) {
      Instant morning = MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(9));
      for (int i = 0; i < 6; i++) {
        String resource =
            i % 2 == 0 ? "https://iam.corp.example/console" : "https://k8s.corp.example/prod";
        alice.feed(
            access(morning.plus(Duration.ofMinutes(20L * i)), resource)
                .setSensitivity(Sensitivity.RESTRICTED));
      }
    }

    // When the admin opens the IAM audit console, then a vault console never used
    List<RiskFinding> familiar =
        alice.feed(
            access(MONDAY.plus(Duration.ofDays(15)), "https://IAM.corp.example/audit?tab=logs")
                .setSensitivity(Sensitivity.RESTRICTED));
    List<RiskFinding> unfamiliar =
        alice.feed(
            access(
                    MONDAY.plus(Duration.ofDays(15)).plusSeconds(60),
                    "https://vault.corp.example/ui")
                .setSensitivity(Sensitivity.RESTRICTED));

    // Then the console of a familiar application weighs half, the new application in full
    assertThat(familiar)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isEqualTo(25.0);
              assertThat(f.getEvidence()).containsEntry("familiarApplication", "iam.corp.example");
            });
    assertThat(unfamiliar).singleElement().satisfies(f -> assertThat(f.getScore()).isEqualTo(50.0));
  }

  @Test
  void shouldNotCallANightlyBatchSweepOfNewPartitionsBulkCollection() {
    // Given a batch account that reads 120 partitions it never read before every night
    for (int day = 0; day < 15; day++) {
      Instant night = MONDAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(2));
      for (int i = 0; i < 120; i++) {
        alice.feed(
            access(night.plusSeconds(3L * i), "https://dwh.corp.example/d" + day + "/part-" + i)
                .setSensitivity(Sensitivity.CONFIDENTIAL));
      }
    }

    // When it sweeps the next night's partitions
    Instant night = MONDAY.plus(Duration.ofDays(15)).plus(Duration.ofHours(2));
    List<RiskFinding> findings = new java.util.ArrayList<>();
    for (int i = 0; i < 120; i++) {
      findings.addAll(
          alice.feed(
              access(night.plusSeconds(3L * i), "https://dwh.corp.example/d15/part-" + i)
                  .setSensitivity(Sensitivity.CONFIDENTIAL)));
    }

    // Then its usual day holds more new sensitive resources than a burst window: no bulk finding
    assertThat(findings)
        .extracting(RiskFinding::getDetectorId)
        .doesNotContain(FirstResourceDetector.BULK_ID);
  }

  @Test
  void shouldReadTheHostOfUrlsUncPathsAndHostPaths() {
    assertThat(FirstResourceDetector.host("https://Vault.corp.example:8200/ui?x=1"))
        .isEqualTo("vault.corp.example:8200");
    assertThat(FirstResourceDetector.host("\\\\fs01\\finance")).isEqualTo("fs01");
    assertThat(FirstResourceDetector.host("db.corp.example/payments-prod"))
        .isEqualTo("db.corp.example");
    assertThat(FirstResourceDetector.host("/docs/team/1")).isNull();
    assertThat(FirstResourceDetector.host("payroll.xlsx")).isNull();
  }

  @Test
  void shouldNotReportNewResourcesWhileLearning() {
    // Given a subject seen for one day only
    alice.feed(access(MONDAY, "/docs/team/0"));

    // When
    alice.feed(
        access(MONDAY.plus(Duration.ofHours(2)), "/finance/payroll-2025.xlsx")
            .setSensitivity(Sensitivity.RESTRICTED));

    // Then
    assertThat(alice.findings).isEmpty();
  }

  @Test
  void shouldNotReportDeniedOrPublicFirstAccess() {
    // Given
    usualFortnight();
    Instant at = MONDAY.plus(Duration.ofDays(15));

    // When
    alice.feed(
        access(at, "/hr/salaries")
            .setSensitivity(Sensitivity.RESTRICTED)
            .setDecision(AccessDecision.DENIED));
    alice.feed(access(at.plusSeconds(5), "/www/press").setSensitivity(Sensitivity.PUBLIC));

    // Then
    assertThat(alice.findings).isEmpty();
  }

  @Test
  void shouldReportOneBulkFindingForBurstOfFirstTimeSensitiveResources() {
    // Given
    usualFortnight();
    Instant start = MONDAY.plus(Duration.ofDays(15)).plus(Duration.ofHours(22));

    // When: 48 restricted documents never read before, within eight minutes
    for (int i = 0; i < 48; i++) {
      alice.feed(
          access(start.plusSeconds(10L * i), "/rnd/designs/" + i)
              .setSensitivity(Sensitivity.RESTRICTED));
    }

    // Then
    List<RiskFinding> bulk = alice.findings(FirstResourceDetector.BULK_ID);
    assertThat(bulk)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getScore()).isGreaterThanOrEqualTo(70.0);
              assertThat(f.getTactic()).isEqualTo("T1530");
              assertThat(f.getSummary())
                  .startsWith("Accessed 20 confidential or restricted resources in 10 minutes")
                  .contains("usual: 0-");
              assertThat(f.getSourceEventIds()).hasSize(8);
            });
    // The burst after the bulk finding is covered by it, not reported resource by resource.
    assertThat(alice.findings(FirstResourceDetector.ID)).hasSize(19);
  }

  @Test
  void shouldKeepKnownResourcesBoundedAndForgetTheLeastRecentlyUsed() {
    // Given a capacity of 4
    AccessFixtures.Subject bob =
        new AccessFixtures.Subject(
            List.of(
                new FirstResourceDetector(
                    DetectorSettings.of(java.util.Map.of("access.first-resource.capacity", "4")))));

    // When
    for (int i = 0; i < 50; i++) {
      bob.feed(access(MONDAY.plus(Duration.ofHours(i)), "/r/" + i));
    }
    FirstResourceDetector.State state =
        dev.vigil.risk.detect.StateCodec.decode(
            bob.bundle.baselines.get(FirstResourceDetector.ID), FirstResourceDetector.State.class);

    // Then
    assertThat(state.resources.size()).isEqualTo(4);
    assertThat(state.resources.contains(RecencySet.fingerprint("/r/49"))).isTrue();
    assertThat(state.resources.contains(RecencySet.fingerprint("/r/0"))).isFalse();
  }
}
