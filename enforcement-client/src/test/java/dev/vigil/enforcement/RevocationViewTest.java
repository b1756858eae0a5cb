package dev.vigil.enforcement;

import static dev.vigil.enforcement.Fixtures.ISSUER;
import static dev.vigil.enforcement.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.SubjectType;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevocationViewTest {

  private final RevocationView view = new RevocationView(Clock.fixed(T0, ZoneOffset.UTC));

  @Test
  void shouldApplyTheSameCommandOnlyOnce() {
    // Given a revoke command applied once
    assertThat(view.apply(Fixtures.revoke("c-1", "alice", "s-1", "s-2"))).isTrue();

    // When it is redelivered
    boolean again = view.apply(Fixtures.revoke("c-1", "alice", "s-1", "s-2"));

    // Then nothing changes and the duplicate is counted
    assertThat(again).isFalse();
    assertThat(view.applied()).isEqualTo(1);
    assertThat(view.duplicates()).isEqualTo(1);
    assertThat(view.isSessionRevoked("alice", "s-1")).isTrue();
    assertThat(view.isSessionRevoked("alice", "s-3")).isFalse();
    assertThat(view.isSessionRevoked("bob", "s-1")).isFalse();
  }

  @Test
  void shouldLiftStepUpAndQuarantineOnRestore() {
    view.apply(Fixtures.command("c-1", "bob", EnforcementAction.STEP_UP).build());
    view.apply(
        Fixtures.command("c-2", "spiffe://prod/api", EnforcementAction.QUARANTINE_WORKLOAD)
            .setSubjectType(SubjectType.WORKLOAD)
            .build());
    view.apply(
        Fixtures.command("c-3", "carol", EnforcementAction.REVOKE_GRANT).setGrantId("g-1").build());
    assertThat(view.requiresStepUp("bob")).isTrue();
    assertThat(view.isQuarantined("spiffe://prod/api")).isTrue();
    assertThat(view.isGrantRevoked("g-1")).isTrue();

    view.apply(Fixtures.command("c-4", "bob", EnforcementAction.RESTORE).build());
    view.apply(Fixtures.command("c-5", "spiffe://prod/api", EnforcementAction.RESTORE).build());

    assertThat(view.requiresStepUp("bob")).isFalse();
    assertThat(view.isQuarantined("spiffe://prod/api")).isFalse();
    assertThat(view.isGrantRevoked("g-1")).as("a revoked grant never comes back").isTrue();
  }

  @Test
  void shouldLetAStepUpLapseWhenTheCommandExpires() {
    view.apply(Fixtures.command("c-1", "bob", EnforcementAction.STEP_UP).build());

    assertThat(view.requiresStepUp("bob", T0.plusSeconds(3599))).isTrue();
    assertThat(view.requiresStepUp("bob", T0.plusSeconds(3600))).isFalse();
  }

  @Test
  void shouldIgnoreAuditModeCommands() {
    boolean applied =
        view.apply(
            Fixtures.command("c-1", "alice", EnforcementAction.REVOKE_SESSIONS)
                .setMode(DecisionMode.AUDIT)
                .setSessionIds(List.of("s-1"))
                .build());

    assertThat(applied).isFalse();
    assertThat(view.isSessionRevoked("alice", "s-1")).isFalse();
    assertThat(view.ignored()).isEqualTo(1);
  }

  @Test
  void shouldTreatTheSetAndTheCommandOfOneDecisionAsOne() throws Exception {
    // Given an enforcement point reading both topics
    SetSigner signer = SetSigner.generate();
    SetVerifier verifier = SetVerifier.fromJwksJson(signer.jwksJson(), ISSUER, null);
    SecurityEventTokens tokens = new SecurityEventTokens(ISSUER, List.of());
    var command = Fixtures.command("c-1", "bob", EnforcementAction.STEP_UP).build();
    VerifiedSet set = verifier.verify(signer.sign(tokens.fromCommand(command).orElseThrow()));

    // When the SET arrives first, then the command
    assertThat(view.apply(set)).isTrue();
    assertThat(view.apply(command)).isFalse();

    // Then the step-up is in force once, until the command's expiry
    assertThat(view.requiresStepUp("bob", T0.plusSeconds(60))).isTrue();
    assertThat(view.requiresStepUp("bob", T0.plusSeconds(3600))).isFalse();
    assertThat(view.duplicates()).isEqualTo(1);
  }

  @Test
  void shouldQuarantineTheDeviceOfAnotherTransmittersComplianceEvent() throws Exception {
    // Given a device-compliance-change from another CAEP transmitter (no Vigil claim)
    SetSigner signer = SetSigner.generate();
    SetVerifier verifier = SetVerifier.fromJwksJson(signer.jwksJson(), null, null);
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer("https://mdm.example")
            .issueTime(Date.from(T0))
            .jwtID("mdm-1")
            .claim("sub_id", SubjectIds.userDevice("dave", "d-1"));

    // When it says not-compliant, then compliant again
    view.apply(
        verifier.verify(signer.sign(claims.claim("events", compliance("not-compliant")).build())));
    boolean quarantined = view.isQuarantined("d-1");
    view.apply(
        verifier.verify(
            signer.sign(claims.jwtID("mdm-2").claim("events", compliance("compliant")).build())));

    // Then the device, not its user, was quarantined until it complied
    assertThat(quarantined).isTrue();
    assertThat(view.isQuarantined("dave")).isFalse();
    assertThat(view.isQuarantined("d-1")).isFalse();
  }

  @Test
  void shouldTreatVigilAlertAndFindingSetsAsInformation() throws Exception {
    SetSigner signer = SetSigner.generate();
    SetVerifier verifier = SetVerifier.fromJwksJson(signer.jwksJson(), null, null);
    SecurityEventTokens tokens = new SecurityEventTokens(ISSUER, List.of());
    var finding =
        dev.vigil.schema.RiskFinding.newBuilder()
            .setFindingId("f-1")
            .setDetectorId(SecurityEventTokens.DEVICE_NON_COMPLIANT_DETECTOR)
            .setSubjectId("dave")
            .setTimestamp(T0)
            .setScore(60)
            .setConfidence(0.9)
            .setHalfLifeSeconds(3600)
            .setSummary("Used device d-1, which fails compliance.")
            .setEvidence(Map.of("deviceId", "d-1"))
            .build();

    boolean applied =
        view.apply(verifier.verify(signer.sign(tokens.fromFinding(finding).orElseThrow())));

    assertThat(applied).isFalse();
    assertThat(view.isQuarantined("d-1")).isFalse();
    assertThat(view.ignored()).isEqualTo(1);
  }

  private static Map<String, Object> compliance(String status) {
    return Map.of(
        CaepEventType.DEVICE_COMPLIANCE_CHANGE.uri(),
        Map.of(
            "previous_status",
            status.equals("compliant") ? "not-compliant" : "compliant",
            "current_status",
            status));
  }
}
