package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.GrantStatus;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.PolicyDocument;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.SubjectProfile;
import dev.vigil.schema.SubjectRisk;
import dev.vigil.schema.SubjectType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decisions beyond the risk level: JIT grant expiry, live policy changes and criticality. */
class DecisionTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");

  @TempDir Path stateDir;
  private TopologyFixture vigil;
  private TestInputTopic<String, LoginEvent> logins;
  private TestInputTopic<String, AccessGrant> grants;
  private TestOutputTopic<String, EnforcementCommand> commands;
  private TestOutputTopic<String, EnforcementCommand> audit;
  private TestOutputTopic<String, RiskAlert> alerts;

  @BeforeEach
  void setUp() {
    vigil =
        TopologyFixture.builder(stateDir, T0)
            // Tests stamp events ahead of the driver's wall clock, which only moves when told.
            .set("timestamp.max.future.skew", "365d")
            .build();
    logins = vigil.input(vigil.topics.login());
    grants = vigil.input(vigil.topics.grants());
    commands = vigil.output(vigil.topics.commands());
    audit = vigil.output(vigil.topics.audit());
    alerts = vigil.output(vigil.topics.alerts());
  }

  @AfterEach
  void tearDown() {
    vigil.close();
  }

  @Test
  void shouldRevokeAJitGrantWhenItExpiresEvenIfNothingElseHappens() {
    // Given a 30-minute admin grant on the payments database
    grants.pipeInput("erin", grant("g-1", "erin", T0, T0.plus(Duration.ofMinutes(30))), T0);

    // When 20 minutes pass, nothing is revoked yet
    vigil.driver.advanceWallClockTime(Duration.ofMinutes(20));
    assertThat(commands.isEmpty()).isTrue();

    // Then once it has expired, one REVOKE_GRANT names it, under the policy in force
    vigil.driver.advanceWallClockTime(Duration.ofMinutes(11));
    List<EnforcementCommand> sent = commands.readValuesToList();
    assertThat(sent).hasSize(1);
    EnforcementCommand revoke = sent.get(0);
    assertThat(revoke.getAction()).isEqualTo(EnforcementAction.REVOKE_GRANT);
    assertThat(revoke.getGrantId()).isEqualTo("g-1");
    assertThat(revoke.getSubjectId()).isEqualTo("erin");
    assertThat(revoke.getRuleId()).isEqualTo("revoke-expired-grants");
    assertThat(revoke.getSourceEventIds()).containsExactly("ev-g-1");
    assertThat(audit.readValuesToList())
        .extracting(EnforcementCommand::getCommandId)
        .containsExactly(revoke.getCommandId());

    // And it is never sent again
    vigil.driver.advanceWallClockTime(Duration.ofHours(2));
    assertThat(commands.isEmpty()).isTrue();
  }

  @Test
  void shouldFollowAGrantThatIsExtendedOrRevokedUpstream() {
    // Given two grants: one extended by an hour, one revoked by its approver before expiry
    grants.pipeInput("erin", grant("g-ext", "erin", T0, T0.plus(Duration.ofMinutes(10))), T0);
    grants.pipeInput(
        "erin", grant("g-ext", "erin", T0, T0.plus(Duration.ofMinutes(70))), T0.plusSeconds(60));
    grants.pipeInput("frank", grant("g-rev", "frank", T0, T0.plus(Duration.ofMinutes(10))), T0);
    AccessGrant revoked = grant("g-rev", "frank", T0, T0.plus(Duration.ofMinutes(10)));
    revoked.setStatus(GrantStatus.REVOKED);
    grants.pipeInput("frank", revoked, T0.plusSeconds(120));

    // When the original expiry passes
    vigil.driver.advanceWallClockTime(Duration.ofMinutes(15));

    // Then neither is revoked; the extended one is revoked at its new expiry
    assertThat(commands.isEmpty()).isTrue();
    vigil.driver.advanceWallClockTime(Duration.ofMinutes(60));
    assertThat(commands.readValuesToList())
        .extracting(EnforcementCommand::getGrantId)
        .containsExactly("g-ext");
  }

  @Test
  void shouldApplyAPolicyPublishedWhileRunningToTheNextDecisionAndRecordIt() {
    // Given the default policy first revokes a takeover
    takeover("alice", "a");
    assertThat(commands.readValuesToList())
        .extracting(EnforcementCommand::getPolicyVersion)
        .containsExactly(1);
    alerts.readValuesToList();

    // When version 2 is published, putting session revocation in audit mode
    String v2 =
        PolicyParser.defaultPolicyText()
            .replace("version: 1", "version: 2")
            .replace(
                "    action: revoke_sessions\n  - id: step-up",
                "    action: revoke_sessions\n    mode: audit\n  - id: step-up");
    vigil
        .input(vigil.topics.policy())
        .pipeInput(
            "vigil-default",
            PolicyDocument.newBuilder()
                .setPolicyId("vigil-default")
                .setVersion(2)
                .setDocument(v2)
                .setSha256("test")
                .setPublishedAt(T0)
                .build());
    takeover("bob", "b");

    // Then the next decision follows version 2: recorded in audit, never sent to enforcement
    assertThat(vigil.policy.current().version()).isEqualTo(2);
    assertThat(commands.isEmpty()).isTrue();
    List<EnforcementCommand> audited = audit.readValuesToList();
    EnforcementCommand last = audited.get(audited.size() - 1);
    assertThat(last.getSubjectId()).isEqualTo("bob");
    assertThat(last.getPolicyVersion()).isEqualTo(2);
    assertThat(last.getMode()).isEqualTo(DecisionMode.AUDIT);
    assertThat(alerts.readValuesToList())
        .extracting(RiskAlert::getHeadline)
        .anySatisfy(h -> assertThat(h).contains("Would have revoked"));
  }

  @Test
  void shouldWeighTheSameEvidenceMoreOnACriticalSubject() {
    // Given alice is a domain administrator (critical) and bob has no profile
    vigil
        .input(vigil.topics.subjects())
        .pipeInput(
            "alice",
            SubjectProfile.newBuilder()
                .setSubjectId("alice")
                .setSubjectType(SubjectType.HUMAN)
                .setCriticality(Criticality.CRITICAL)
                .setTags(List.of("privileged"))
                .setUpdatedAt(T0)
                .build());
    TestOutputTopic<String, SubjectRisk> scores = vigil.output(vigil.topics.scores());

    // When both show the same impossible travel
    takeover("alice", "a");
    takeover("bob", "b");

    // Then alice's score is higher and says why
    var latest = scores.readKeyValuesToMap();
    assertThat(latest.get("alice").getCriticality()).isEqualTo(Criticality.CRITICAL);
    assertThat(latest.get("bob").getCriticality()).isEqualTo(Criticality.MEDIUM);
    assertThat(latest.get("alice").getScore()).isGreaterThan(latest.get("bob").getScore());
  }

  private void takeover(String subject, String prefix) {
    logins.pipeInput(
        subject, Signals.login(prefix + "1", subject, T0, Signals.berlin(), prefix + "-s1"), T0);
    Instant later = T0.plusSeconds(1800);
    logins.pipeInput(
        subject,
        Signals.login(prefix + "2", subject, later, Signals.sydney(), prefix + "-s2"),
        later);
  }

  private static AccessGrant grant(String id, String subject, Instant at, Instant expires) {
    return AccessGrant.newBuilder()
        .setGrantId(id)
        .setEventId("ev-" + id)
        .setSubjectId(subject)
        .setSubjectType(SubjectType.HUMAN)
        .setResource("db/payments")
        .setPrivilege("admin")
        .setGrantedAt(at)
        .setExpiresAt(expires)
        .setGrantedBy("approver@corp.example")
        .build();
  }
}
