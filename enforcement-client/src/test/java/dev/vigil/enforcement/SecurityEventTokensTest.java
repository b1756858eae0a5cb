package dev.vigil.enforcement;

import static dev.vigil.enforcement.Fixtures.AUDIENCE;
import static dev.vigil.enforcement.Fixtures.ISSUER;
import static dev.vigil.enforcement.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityEventTokensTest {

  private final SecurityEventTokens tokens = new SecurityEventTokens(ISSUER, List.of(AUDIENCE));

  @Test
  void shouldMapRevokeSessionsToSessionRevokedWithTheRequiredClaims() throws Exception {
    JWTClaimsSet claims = tokens.fromCommand(Fixtures.revoke("c-1", "alice", "s-1")).orElseThrow();

    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getAudience()).containsExactly(AUDIENCE);
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(T0);
    assertThat(claims.getClaim("txn")).isEqualTo("c-1");
    assertThat(claims.getSubject()).isNull();
    assertThat(claims.getExpirationTime()).isNull();
    assertThat(claims.getJSONObjectClaim("sub_id"))
        .isEqualTo(
            Map.of(
                "format", "complex",
                "user", Map.of("format", "iss_sub", "iss", ISSUER, "sub", "alice"),
                "session", Map.of("format", "iss_sub", "iss", ISSUER, "sub", "s-1")));
    Map<String, Object> events = claims.getJSONObjectClaim("events");
    assertThat(events).containsOnlyKeys(CaepEventType.SESSION_REVOKED.uri());
    assertThat(event(claims))
        .containsEntry("event_timestamp", T0.getEpochSecond())
        .containsEntry("initiating_entity", "policy")
        .containsEntry(
            "reason_admin", Map.of("en", "Sign-in from Sydney 40 minutes after Berlin."));
  }

  @Test
  void shouldGiveTheSameJtiAndTheSameTokenWhenADecisionIsReplayed() {
    SetSigner signer = SetSigner.generate();
    JWTClaimsSet first = tokens.fromCommand(Fixtures.revoke("c-7", "alice")).orElseThrow();
    JWTClaimsSet replay = tokens.fromCommand(Fixtures.revoke("c-7", "alice")).orElseThrow();
    JWTClaimsSet other = tokens.fromCommand(Fixtures.revoke("c-8", "alice")).orElseThrow();

    assertThat(replay.getJWTID()).isEqualTo(first.getJWTID()).hasSize(32);
    assertThat(other.getJWTID()).isNotEqualTo(first.getJWTID());
    // RS256 (PKCS #1 v1.5) is deterministic, so a replayed decision is byte-identical.
    assertThat(signer.sign(replay)).isEqualTo(signer.sign(first));
  }

  @Test
  void shouldMapStepUpToAnIncreaseOfTheRequiredAuthenticatorAssurance() throws Exception {
    JWTClaimsSet claims =
        tokens
            .fromCommand(Fixtures.command("c-2", "bob", EnforcementAction.STEP_UP).build())
            .orElseThrow();

    assertThat(claims.getJSONObjectClaim("events"))
        .containsOnlyKeys(CaepEventType.ASSURANCE_LEVEL_CHANGE.uri());
    assertThat(event(claims))
        .containsEntry("namespace", "NIST-AAL")
        .containsEntry("current_level", "nist-aal2")
        .containsEntry("previous_level", "nist-aal1")
        .containsEntry("change_direction", "increase");
    assertThat(claims.getJSONObjectClaim("vigil"))
        .containsEntry("action", "STEP_UP")
        .containsEntry("expiresAt", T0.plusSeconds(3600).getEpochSecond());
  }

  @Test
  void shouldMapDeviceQuarantineToNonCompliance() throws Exception {
    JWTClaimsSet claims =
        tokens
            .fromCommand(
                Fixtures.command("c-3", "carol", EnforcementAction.QUARANTINE_DEVICE)
                    .setDeviceId("laptop-7")
                    .build())
            .orElseThrow();

    assertThat(event(claims))
        .containsEntry("previous_status", "compliant")
        .containsEntry("current_status", "not-compliant");
    assertThat(claims.getJSONObjectClaim("sub_id"))
        .containsEntry("format", "complex")
        .containsEntry("device", Map.of("format", "iss_sub", "iss", ISSUER, "sub", "laptop-7"));
  }

  @Test
  void shouldNeverIssueASetForAnAuditDecision() {
    assertThat(
            tokens.fromCommand(
                Fixtures.command("c-4", "alice", EnforcementAction.REVOKE_SESSIONS)
                    .setMode(DecisionMode.AUDIT)
                    .build()))
        .isEmpty();
    assertThat(tokens.fromAlert(alert(RiskLevel.HIGH).setMode(DecisionMode.AUDIT).build()))
        .isEmpty();
  }

  @Test
  void shouldChooseTheSubjectIdentifierFormatFromTheSubject() {
    assertThat(SubjectIds.of("alice@example.com"))
        .isEqualTo(Map.of("format", "email", "email", "alice@example.com"));
    assertThat(SubjectIds.of("spiffe://prod.example/ns/pay/sa/api"))
        .isEqualTo(Map.of("format", "uri", "uri", "spiffe://prod.example/ns/pay/sa/api"));
    assertThat(SubjectIds.of("u-123")).isEqualTo(Map.of("format", "opaque", "id", "u-123"));
  }

  @Test
  void shouldUseOnlyEmailOrIssSubForPrincipalsAsTheInteroperabilityProfileRequires() {
    // Given Vigil subjects of every kind, When they are identified with the issuer
    // Then only email and iss_sub appear, never opaque
    assertThat(SubjectIds.of("alice@example.com", ISSUER))
        .isEqualTo(Map.of("format", "email", "email", "alice@example.com"));
    assertThat(SubjectIds.of("spiffe://prod.example/ns/pay/sa/api", ISSUER))
        .isEqualTo(
            Map.of(
                "format", "iss_sub", "iss", ISSUER, "sub", "spiffe://prod.example/ns/pay/sa/api"));
    assertThat(SubjectIds.of("u-123", ISSUER))
        .isEqualTo(Map.of("format", "iss_sub", "iss", ISSUER, "sub", "u-123"));
  }

  @Test
  void shouldKeepReasonAdminShortAndNeverEmpty() {
    // Given a long multi-sentence text, When shortened, Then the first sentence within the limit
    String longText = "First sentence here. " + "x".repeat(300);
    assertThat(SecurityEventTokens.shortReason(longText, "fb")).isEqualTo("First sentence here.");
    assertThat(SecurityEventTokens.shortReason("y".repeat(300), "fb"))
        .hasSize(SecurityEventTokens.MAX_REASON_CHARS);
    assertThat(SecurityEventTokens.shortReason("  ", "fallback")).isEqualTo("fallback");
  }

  @Test
  void shouldMapARiskAlertToARiskLevelChange() throws Exception {
    JWTClaimsSet claims = tokens.fromAlert(alert(RiskLevel.CRITICAL).build()).orElseThrow();

    assertThat(claims.getJSONObjectClaim("events"))
        .containsOnlyKeys(CaepEventType.RISK_LEVEL_CHANGE.uri());
    assertThat(event(claims))
        .containsEntry("principal", "USER")
        .containsEntry("current_level", "HIGH")
        .containsEntry("previous_level", "LOW")
        .containsEntry("risk_reason", "login.impossible-travel")
        .containsEntry("reason_admin", Map.of("en", "Risk LOW to HIGH (login.impossible-travel)"));
    assertThat(claims.getClaim("txn")).isEqualTo("c-1");
    assertThat(claims.getJSONObjectClaim("sub_id"))
        .isEqualTo(Map.of("format", "email", "email", "alice@example.com"));
  }

  @Test
  void shouldMapDeviceNonComplianceFindingsAndNoOtherFindings() throws Exception {
    RiskFinding.Builder finding =
        RiskFinding.newBuilder()
            .setFindingId("f-1")
            .setDetectorId(SecurityEventTokens.DEVICE_NON_COMPLIANT_DETECTOR)
            .setSubjectId("dave")
            .setSubjectType(SubjectType.HUMAN)
            .setTimestamp(T0)
            .setScore(60)
            .setConfidence(0.9)
            .setHalfLifeSeconds(3600)
            .setSummary("Used device d-1, which fails compliance: disk not encrypted.")
            .setEvidence(Map.of("deviceId", "d-1"));

    JWTClaimsSet claims = tokens.fromFinding(finding.build()).orElseThrow();

    assertThat(event(claims)).containsEntry("current_status", "not-compliant");
    assertThat(SubjectIds.member(claims.getJSONObjectClaim("sub_id"), "device")).contains("d-1");
    assertThat(tokens.fromFinding(finding.setDetectorId("login.new-device").build())).isEmpty();
  }

  private static RiskAlert.Builder alert(RiskLevel level) {
    return RiskAlert.newBuilder()
        .setAlertId("a-1")
        .setSubjectId("alice@example.com")
        .setSubjectType(SubjectType.HUMAN)
        .setTimestamp(T0)
        .setScore(92)
        .setLevel(level)
        .setPreviousLevel(RiskLevel.NONE)
        .setHeadline("Risk rose to critical: impossible travel.")
        .setContributions(
            List.of(
                dev.vigil.schema.Contribution.newBuilder()
                    .setFindingId("f-9")
                    .setDetectorId("login.impossible-travel")
                    .setSummary("Signed in from Sydney 35 minutes after Berlin.")
                    .setBaseScore(90)
                    .setCurrentScore(88)
                    .setObservedAt(T0)
                    .build()))
        .setSourceEventIds(List.of())
        .setAction(EnforcementAction.REVOKE_SESSIONS)
        .setMode(DecisionMode.ENFORCE)
        .setCommandId("c-1");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> event(JWTClaimsSet claims) throws Exception {
    return (Map<String, Object>) claims.getJSONObjectClaim("events").values().iterator().next();
  }
}
