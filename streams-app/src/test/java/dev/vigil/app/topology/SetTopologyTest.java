package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.enforcement.CaepEventType;
import dev.vigil.enforcement.SecurityEventTokens;
import dev.vigil.enforcement.SetIssuer;
import dev.vigil.enforcement.SetSigner;
import dev.vigil.enforcement.SetVerifier;
import dev.vigil.enforcement.VerifiedSet;
import dev.vigil.risk.decision.Policy;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  private static final String ISSUER = "https://vigil.test";
  private static final String AUDIENCE = "https://proxy.test";
  private static SetSigner signer;

  @TempDir Path stateDir;
  private Topics topics;
  private VigilMetrics metrics;
  private TopologyTestDriver driver;
  private TestInputTopic<String, LoginEvent> logins;
  private TestOutputTopic<String, String> sets;
  private TestOutputTopic<String, EnforcementCommand> commands;
  private TestOutputTopic<String, EnforcementCommand> audit;

  @BeforeAll
  static void createSigner() {
    signer = SetSigner.generate();
  }

  private void start(Policy policy) {
    TopologyFixture fixture =
        TopologyFixture.builder(stateDir, T0)
            .set("timestamp.max.future.skew", "365d")
            .policy(policy)
            .sets(new SetIssuer(new SecurityEventTokens(ISSUER, List.of(AUDIENCE)), signer))
            .build();
    topics = fixture.topics;
    metrics = fixture.metrics;
    driver = fixture.driver;
    logins =
        driver.createInputTopic(
            topics.login().name(),
            topics.login().keySerde().serializer(),
            topics.login().valueSerde().serializer());
    sets =
        driver.createOutputTopic(
            topics.sets().name(),
            topics.sets().keySerde().deserializer(),
            topics.sets().valueSerde().deserializer());
    commands =
        driver.createOutputTopic(
            topics.commands().name(),
            topics.commands().keySerde().deserializer(),
            topics.commands().valueSerde().deserializer());
    audit =
        driver.createOutputTopic(
            topics.audit().name(),
            topics.audit().keySerde().deserializer(),
            topics.audit().valueSerde().deserializer());
  }

  @AfterEach
  void tearDown() {
    if (driver != null) {
      driver.close();
    }
  }

  private void takeover(String subject) {
    for (LoginEvent e :
        List.of(
            Signals.login("e1", subject, T0, Signals.berlin(), "s-1"),
            Signals.login("e2", subject, T0.plusSeconds(40 * 60), Signals.sydney(), "s-2"))) {
      logins.pipeInput(e.getSubjectId(), e, e.getTimestamp());
    }
  }

  @Test
  void shouldPublishASessionRevokedSetThatVerifiesWithTheAppsJwks() throws Exception {
    // Given the default policy, which enforces session revocation for high risk
    start(PolicyParser.defaultPolicy());

    // When an account is taken over
    takeover("alice");

    // Then the enforced command also goes out as a SET that verifies against the published JWKS
    EnforcementCommand command = commands.readValuesToList().get(0);
    SetVerifier verifier = SetVerifier.fromJwksJson(signer.jwksJson(), ISSUER, AUDIENCE);
    List<KeyValue<String, VerifiedSet>> verified = new ArrayList<>();
    for (KeyValue<String, String> kv : sets.readKeyValuesToList()) {
      verified.add(KeyValue.pair(kv.key, verifier.verify(kv.value)));
    }
    assertThat(verified).allSatisfy(kv -> assertThat(kv.key).isEqualTo("alice"));
    VerifiedSet revoked =
        verified.stream()
            .map(kv -> kv.value)
            .filter(s -> s.caepType().orElseThrow() == CaepEventType.SESSION_REVOKED)
            .findFirst()
            .orElseThrow();
    assertThat(revoked.subject()).contains("alice");
    assertThat(revoked.txn()).isEqualTo(command.getCommandId());
    assertThat(revoked.jti())
        .isEqualTo(SecurityEventTokens.jti("command:" + command.getCommandId()));
    // reason_admin is the reason's first sentence (the CAEP profile keeps it short)
    assertThat(revoked.reasonAdmin()).hasValueSatisfying(r -> assertThat(r).isNotBlank());
    assertThat(command.getReason()).startsWith(revoked.reasonAdmin().orElseThrow());
    assertThat(revoked.vigil().orElseThrow())
        .containsEntry("commandId", command.getCommandId())
        .containsEntry("action", "REVOKE_SESSIONS");
    // And the alert that announced it is a risk-level-change in the same transaction
    assertThat(verified)
        .extracting(kv -> kv.value.caepType().orElseThrow())
        .containsExactlyInAnyOrder(CaepEventType.SESSION_REVOKED, CaepEventType.RISK_LEVEL_CHANGE);
    assertThat(verified).extracting(kv -> kv.value.txn()).containsOnly(command.getCommandId());
    assertThat(metrics.total("vigil.sets.issued")).isEqualTo(2);
  }

  @Test
  void shouldPublishNoSetForAnAuditModeDecision() {
    // Given a policy that only audits
    Policy auditOnly =
        PolicyParser.parse(
            PolicyParser.defaultPolicyText().replace("  mode: enforce", "  mode: audit"));
    start(auditOnly);

    // When an account is taken over
    takeover("bob");

    // Then the decision is audited, and nothing reaches enforcement points
    assertThat(audit.readValuesToList())
        .extracting(EnforcementCommand::getMode)
        .containsOnly(DecisionMode.AUDIT)
        .isNotEmpty();
    assertThat(commands.isEmpty()).isTrue();
    assertThat(sets.isEmpty()).isTrue();
  }

  @Test
  void shouldNameEveryProcessorOfTheSetStage() {
    start(PolicyParser.defaultPolicy());
    List<String> names = new ArrayList<>();
    TopologyDescription description =
        VigilTopology.build(
                topics,
                new TopologyDependencies(
                        SignalFamilies.catalog(DetectorSettings.defaults()),
                        DetectionContext.defaults(),
                        FusionSettings.defaults(),
                        new PolicyHolder(
                            "vigil-default", PolicyParser.defaultPolicy(), VigilMetrics.inMemory()),
                        Duration.ofSeconds(10),
                        VigilMetrics.inMemory())
                    .withSets(new SetIssuer(new SecurityEventTokens(ISSUER, List.of()), signer)))
            .describe();
    description.subtopologies().forEach(st -> st.nodes().forEach(n -> names.add(n.name())));

    assertThat(names)
        .contains(
            "sets-commands-source",
            "sets-enforced-commands",
            "sets-sign-commands",
            "sets-alerts-source",
            "sets-sign-alerts",
            "sets-device-findings",
            "sets-sign-findings",
            "sets-sink")
        .noneMatch(n -> n.startsWith("KSTREAM-") || n.startsWith("KTABLE-"));
  }
}
