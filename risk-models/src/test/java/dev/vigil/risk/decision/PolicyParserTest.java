package dev.vigil.risk.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskLevel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

  @Test
  void shouldParseTheShippedDefaultPolicy() {
    Policy p = PolicyParser.defaultPolicy();
    assertThat(p.policyId()).isEqualTo("vigil-default");
    assertThat(p.version()).isEqualTo(1);
    assertThat(p.rules()).extracting(PolicyRule::action).contains(EnforcementAction.RESTORE);
  }

  @Test
  void shouldApplyDefaultsAndReadEveryField() {
    Policy p =
        PolicyParser.parse(
            """
            policyId: p
            version: 3
            defaults: {mode: audit, cooldown: 5m, ttl: 2h}
            rules:
              - id: r1
                when: {minLevel: high, subjectTypes: [human], detectorsAny: [login.mfa-fatigue]}
                action: revoke_sessions
                mode: enforce
            """);
    PolicyRule r = p.rules().get(0);
    assertThat(r.minLevel()).isEqualTo(RiskLevel.HIGH);
    assertThat(r.mode()).isEqualTo(DecisionMode.ENFORCE);
    assertThat(r.cooldown()).isEqualTo(Duration.ofMinutes(5));
    assertThat(r.ttl()).isEqualTo(Duration.ofHours(2));
    assertThat(r.detectorsAny()).containsExactly("login.mfa-fatigue");
  }

  @Test
  void shouldNameAnUnknownKeyInOneSentence() {
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "policyId: p\nversion: 1\nrules:\n  - id: r1\n    action: step_up\n"
                        + "    when: {minlevel: high}\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessage(
            "Rule 'r1''s 'when' has an unknown key 'minlevel'; allowed: afterActions, criticality,"
                + " detectorsAny, maxLevel, minLevel, subjectTypes.");
  }

  @Test
  void shouldRejectAnUnknownActionListingTheAllowedOnes() {
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "policyId: p\nversion: 1\nrules:\n  - id: r1\n    action: nuke\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("'nuke'")
        .hasMessageContaining("revoke_sessions");
  }

  @Test
  void shouldRejectDuplicateRuleIdsAndBadVersions() {
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "policyId: p\nversion: 1\nrules:\n  - {id: a, action: step_up}\n"
                        + "  - {id: a, action: restore}\n"))
        .hasMessageContaining("defined twice");
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    "policyId: p\nversion: 0\nrules:\n  - {id: a, action: step_up}\n"))
        .hasMessageContaining("version");
    assertThatThrownBy(() -> PolicyParser.parse("policyId: [unclosed"))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("The policy is not valid YAML");
  }

  @Test
  void shouldReadCriticalityConditions() {
    Policy policy =
        PolicyParser.parse(
            """
            policyId: p
            version: 3
            rules:
              - id: crown-jewels
                when:
                  criticality: [high, critical]
                action: step_up
            """);
    assertThat(policy.rules().get(0).criticalities())
        .containsExactlyInAnyOrder(
            dev.vigil.schema.Criticality.HIGH, dev.vigil.schema.Criticality.CRITICAL);
  }

  @Test
  void shouldRefuseARiskConditionOnAGrantExpiryRuleInOneSentence() {
    assertThatThrownBy(
            () ->
                PolicyParser.parse(
                    """
                    policyId: p
                    version: 1
                    rules:
                      - id: grants
                        when:
                          minLevel: high
                        action: revoke_grant
                    """))
        .isInstanceOf(PolicyException.class)
        .hasMessage(
            "Rule 'grants' revokes grants when they expire, so it can only have subjectTypes and"
                + " criticality conditions.");
  }
}
