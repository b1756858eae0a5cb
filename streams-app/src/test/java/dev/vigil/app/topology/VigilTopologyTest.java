package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.errors.DeadLetters;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectRisk;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VigilTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  private TopologyFixture fixture;

  @TempDir Path stateDir;
  private Topics topics;
  private VigilMetrics metrics;
  private TopologyTestDriver driver;
  private TestInputTopic<String, LoginEvent> logins;
  private TestOutputTopic<String, RiskAlert> alerts;
  private TestOutputTopic<String, EnforcementCommand> commands;
  private TestOutputTopic<String, EnforcementCommand> audit;
  private TestOutputTopic<String, SubjectRisk> scores;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void setUp() {
    fixture =
        TopologyFixture.builder(stateDir, T0)
            .set("decay.interval", "10s")
            // Tests stamp events ahead of the driver's wall clock, which only moves when told.
            .set("timestamp.max.future.skew", "365d")
            .build();
    topics = fixture.topics;
    metrics = fixture.metrics;
    driver = fixture.driver;
    logins =
        driver.createInputTopic(
            topics.login().name(),
            topics.login().keySerde().serializer(),
            topics.login().valueSerde().serializer());
    alerts =
        driver.createOutputTopic(
            topics.alerts().name(),
            topics.alerts().keySerde().deserializer(),
            topics.alerts().valueSerde().deserializer());
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
    scores =
        driver.createOutputTopic(
            topics.scores().name(),
            topics.scores().keySerde().deserializer(),
            topics.scores().valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            topics.deadLetters().keySerde().deserializer(),
            topics.deadLetters().valueSerde().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private void login(LoginEvent e) {
    logins.pipeInput(e.getSubjectId(), e, e.getTimestamp());
  }

  @Test
  void shouldRevokeSessionsWhenASubjectSignsInFromTheOtherSideOfTheWorld() {
    // Given a sign-in from Berlin
    login(Signals.login("e1", "alice", T0, Signals.berlin(), "s-1"));
    // When 40 minutes later the same account signs in from Sydney
    login(Signals.login("e2", "alice", T0.plusSeconds(40 * 60), Signals.sydney(), "s-2"));

    // Then one alert explains the jump with the evidence behind it
    List<RiskAlert> raised = alerts.readValuesToList();
    assertThat(raised).hasSize(1);
    RiskAlert alert = raised.get(0);
    assertThat(alert.getSubjectId()).isEqualTo("alice");
    assertThat(alert.getPreviousLevel()).isEqualTo(RiskLevel.NONE);
    assertThat(alert.getLevel()).isIn(RiskLevel.HIGH, RiskLevel.CRITICAL);
    assertThat(alert.getContributions()).hasSize(1);
    assertThat(alert.getContributions().get(0).getDetectorId())
        .isEqualTo("login.impossible-travel");
    assertThat(alert.getContributions().get(0).getSummary()).contains("Sydney", "Berlin");
    assertThat(alert.getSourceEventIds()).containsExactly("e1", "e2");
    assertThat(alert.getAction()).isEqualTo(EnforcementAction.REVOKE_SESSIONS);

    // And one enforced command names both open sessions and the policy behind it
    List<EnforcementCommand> sent = commands.readValuesToList();
    assertThat(sent).hasSize(1);
    EnforcementCommand command = sent.get(0);
    assertThat(command.getAction()).isEqualTo(EnforcementAction.REVOKE_SESSIONS);
    assertThat(command.getSessionIds()).containsExactlyInAnyOrder("s-1", "s-2");
    assertThat(command.getPolicyId()).isEqualTo("vigil-default");
    assertThat(command.getPolicyVersion()).isEqualTo(1);
    assertThat(command.getCommandId()).isEqualTo(alert.getCommandId());
    assertThat(audit.readValuesToList())
        .extracting(EnforcementCommand::getCommandId)
        .containsExactly(command.getCommandId());
  }

  @Test
  void shouldStayQuietForAUserWhoStaysAtHome() {
    // Given a week of sign-ins from Berlin
    for (int day = 0; day < 7; day++) {
      Instant at = T0.plus(Duration.ofDays(day));
      login(Signals.login("h" + day, "bob", at, Signals.berlin(), "s" + day));
    }
    // Then nothing is alerted and nothing is enforced
    assertThat(alerts.isEmpty()).isTrue();
    assertThat(commands.isEmpty()).isTrue();
  }

  @Test
  void shouldLowerRiskAndRestoreAccessAsTimePasses() {
    // Given a subject whose sessions were revoked
    login(Signals.login("e1", "carol", T0, Signals.berlin(), "s-1"));
    login(Signals.login("e2", "carol", T0.plusSeconds(1800), Signals.sydney(), "s-2"));
    assertThat(commands.readValuesToList())
        .extracting(EnforcementCommand::getAction)
        .containsExactly(EnforcementAction.REVOKE_SESSIONS);
    alerts.readValuesToList();

    // When a day passes on the wall clock with no new findings
    driver.advanceWallClockTime(Duration.ofHours(30));

    // Then risk has fallen and access is restored
    List<RiskAlert> later = alerts.readValuesToList();
    assertThat(later).isNotEmpty();
    assertThat(later.get(later.size() - 1).getLevel()).isEqualTo(RiskLevel.NONE);
    assertThat(commands.readValuesToList())
        .extracting(EnforcementCommand::getAction)
        .containsExactly(EnforcementAction.RESTORE);
    List<SubjectRisk> risks = scores.readValuesToList();
    assertThat(risks.get(risks.size() - 1).getScore()).isLessThan(20);
  }

  @Test
  void shouldSendOutOfRangeSignalsToTheDeadLetterTopicAndCarryOn() {
    // Given a sign-in with an impossible latitude
    LoginEvent bad = Signals.login("bad-1", "dave", T0, Signals.berlin(), "s-1");
    bad.getGeo().setLatitude(200.0);
    login(bad);
    // When valid events follow
    login(Signals.login("e1", "erin", T0, Signals.berlin(), "s-1"));
    login(Signals.login("e2", "erin", T0.plusSeconds(1800), Signals.sydney(), "s-2"));

    // Then the bad one is in the dead-letter topic, with what and why, and the rest was scored
    var dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0).headers().lastHeader(DeadLetters.HEADER_REASON)))
        .isEqualTo("OUT_OF_RANGE");
    assertThat(header(dead.get(0).headers().lastHeader(DeadLetters.HEADER_DETAIL)))
        .contains("latitude");
    assertThat(header(dead.get(0).headers().lastHeader(DeadLetters.HEADER_TOPIC)))
        .isEqualTo(topics.login().name());
    assertThat(metrics.total("vigil.dlq.records")).isEqualTo(1);
    assertThat(alerts.readValuesToList())
        .extracting(RiskAlert::getSubjectId)
        .containsExactly("erin");
    // And the signals are counted by outcome, and the alert's detection latency is measured
    assertThat(loginEvents(VigilMetrics.INVALID)).isEqualTo(1);
    assertThat(loginEvents(VigilMetrics.ACCEPTED)).isEqualTo(2);
    assertThat(loginEvents(VigilMetrics.DEAD_LETTERED)).isZero();
    assertThat(
            metrics
                .registry()
                .get(VigilMetrics.DETECTION_LATENCY)
                .tag("output", VigilMetrics.OUTPUT_ALERT)
                .timer()
                .count())
        .isEqualTo(1);
  }

  private double loginEvents(String outcome) {
    return metrics
        .registry()
        .get(VigilMetrics.EVENTS)
        .tags("source", "login", "outcome", outcome)
        .counter()
        .count();
  }

  @Test
  void shouldSendUndecodableRecordsToTheDeadLetterTopicWithTheirOriginalBytes() {
    // Given bytes that are not in the wire format
    byte[] garbage = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);
    // The test driver drops what a deserialization handler sends under exactly-once (no
    // transaction is open while records are read), so this one case runs at-least-once; the
    // real-broker poison-pill test covers exactly-once.
    fixture.close();
    fixture =
        TopologyFixture.builder(stateDir.resolve("alos"), T0)
            .set("processing.guarantee", "at_least_once")
            .set("timestamp.max.future.skew", "365d")
            .build();
    driver = fixture.driver;
    topics = fixture.topics;
    metrics = fixture.metrics;
    deadLetters = fixture.output(topics.deadLetters());
    var raw =
        driver.createInputTopic(
            topics.login().name(), new StringSerializer(), new ByteArraySerializer());
    raw.pipeInput("mallory", garbage);

    // Then they are dead-lettered unchanged, with the reason
    var dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(garbage);
    assertThat(header(dead.get(0).headers().lastHeader(DeadLetters.HEADER_REASON)))
        .isEqualTo("MALFORMED");
    assertThat(metrics.total("vigil.dlq.records")).isEqualTo(1);
    assertThat(loginEvents(VigilMetrics.DEAD_LETTERED)).isEqualTo(1);
    assertThat(loginEvents(VigilMetrics.ACCEPTED)).isZero();
  }

  private static String header(Header h) {
    assertThat(h).isNotNull();
    return new String(h.value(), StandardCharsets.UTF_8);
  }
}
