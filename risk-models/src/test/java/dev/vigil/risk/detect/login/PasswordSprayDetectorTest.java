package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordSprayDetectorTest {

  private static final String SPRAYER = "198.51.100.13";
  private static final Instant T = MONDAY.plusSeconds(3 * 3600);

  private final LoginFixture fx = new LoginFixture();
  private final PasswordSprayDetector detector =
      new PasswordSprayDetector(DetectorSettings.defaults());
  private final LoginFixture.Runner runner =
      new LoginFixture.Runner(List.of(detector), DetectionContext.defaults(), LoginEvent::getIp);

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

  @Test
  void shouldBeKeyedBySourceIp() {
    assertThat(detector.scope()).isEqualTo(KeyScope.SOURCE_IP);
  }

  @Test
  void shouldFanOutOneFindingPerTargetedSubject() {
    // Given 14 accounts failing from one address within 7 minutes (below the threshold)
    assertThat(spray(0, 14, 30, T)).isEmpty();

    // When a fifteenth account fails from it
    List<RiskFinding> findings = spray(14, 15, 30, T.plusSeconds(420));

    // Then each of the fifteen targeted accounts gets exactly one finding
    assertThat(findings).hasSize(15);
    assertThat(findings).extracting(RiskFinding::getSubjectId).doesNotHaveDuplicates();
    assertThat(findings)
        .allSatisfy(
            f -> {
              assertThat(f.getTactic()).isEqualTo("T1110.003");
              assertThat(f.getScore()).isEqualTo(35.0);
              assertThat(f.getSummary()).startsWith("Targeted by a password spray from " + SPRAYER);
              assertThat(f.getSourceEventIds()).isNotEmpty();
            });
  }

  @Test
  void shouldReportNewlyTargetedSubjectsButNotRepeatFlaggedOnes() {
    // Given an address already found spraying 15 accounts
    spray(0, 15, 30, T);

    // When one flagged account fails again and two new accounts fail an hour later
    List<RiskFinding> again = spray(3, 4, 30, T.plusSeconds(600));
    List<RiskFinding> later = spray(15, 17, 30, T.plusSeconds(3600));

    // Then only the new accounts get findings
    assertThat(again).isEmpty();
    assertThat(later)
        .extracting(RiskFinding::getSubjectId)
        .containsExactly("user15@example.com", "user16@example.com");
  }

  @Test
  void shouldFlagSuccessFromSprayingAddressHigh() {
    // Given an address found spraying
    spray(0, 15, 30, T);

    // When one of the targeted accounts signs in successfully from it
    List<RiskFinding> findings =
        runner.run(fx.login("user7@example.com", T.plusSeconds(900)).ip(SPRAYER).build());

    // Then that account gets a high finding
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getSubjectId()).isEqualTo("user7@example.com");
              assertThat(f.getScore()).isGreaterThanOrEqualTo(85);
              assertThat(f.getSummary()).contains("after failing for this account");
            });
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
}
