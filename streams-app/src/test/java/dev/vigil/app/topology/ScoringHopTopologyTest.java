package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectRisk;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One exactly-once hop from signal to decision: a finding is scored in the sub-topology that raised
 * it when its subject's state is on that partition, and only otherwise travels through the
 * findings-by-subject repartition topic; either way once. The findings topic still gets every
 * finding.
 */
class ScoringHopTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  private static final String SPRAYING_IP = "203.0.113.7";

  @TempDir Path stateDir;

  private TopologyFixture fixture(String dir, int partitions) {
    return TopologyFixture.builder(stateDir.resolve(dir), T0)
        // Tests stamp events ahead of the driver's wall clock, which only moves when told.
        .set("timestamp.max.future.skew", "365d")
        // No decay step between the events of a test: every score record is a finding scored.
        .set("decay.interval", "1h")
        .signalPartitions(partitions)
        .build();
  }

  @Test
  void shouldScoreInTheSubTopologyOfTheSubjectKeyedDetectorsAndNotReadTheFindingsTopicBack() {
    try (TopologyFixture vigil = fixture("describe", 6)) {
      // When the production topology is described
      TopologyDescription description = VigilTopology.build(vigil.topics, vigil.deps).describe();

      // Then scoring shares its sub-topology with the subject-keyed detectors and the sessions
      TopologyDescription.Subtopology scoring =
          description.subtopologies().stream()
              .filter(st -> names(st).contains("risk-scoring"))
              .findFirst()
              .orElseThrow();
      assertThat(names(scoring))
          .contains(
              "session-tracker",
              "login-subject-detectors",
              "access-subject-detectors",
              "network-subject-detectors",
              "external-subject-detectors");
      // And the only findings it reads from a topic come through findings-by-subject
      List<String> sourceTopics = new ArrayList<>();
      description
          .subtopologies()
          .forEach(
              st ->
                  st.nodes().stream()
                      .filter(n -> n instanceof TopologyDescription.Source)
                      .forEach(
                          n -> sourceTopics.addAll(((TopologyDescription.Source) n).topicSet())));
      assertThat(sourceTopics)
          .doesNotContain(vigil.topics.findings().name())
          .contains(VigilTopology.FINDINGS_BY_SUBJECT + "-repartition");
    }
  }

  @Test
  void shouldDecideOnASubjectsOwnFindingWithoutATripThroughATopic() {
    try (TopologyFixture vigil = fixture("own", 1)) {
      var logins = vigil.input(vigil.topics.login());
      TestOutputTopic<String, RiskFinding> findings = vigil.output(vigil.topics.findings());
      TestOutputTopic<String, RiskFinding> byTopic = remoteFindings(vigil);
      TestOutputTopic<String, SubjectRisk> scores = vigil.output(vigil.topics.scores());
      TestOutputTopic<String, RiskAlert> alerts = vigil.output(vigil.topics.alerts());
      TestOutputTopic<String, EnforcementCommand> commands = vigil.output(vigil.topics.commands());

      // When carol signs in from Berlin, then from Sydney 30 minutes later
      logins.pipeInput("carol", Signals.login("e1", "carol", T0, Signals.berlin(), "s-1"), T0);
      Instant later = T0.plusSeconds(1800);
      logins.pipeInput(
          "carol", Signals.login("e2", "carol", later, Signals.sydney(), "s-2"), later);

      // Then the impossible-travel finding is published for analysts
      List<RiskFinding> published = findings.readValuesToList();
      assertThat(published)
          .extracting(RiskFinding::getDetectorId)
          .containsExactly("login.impossible-travel");
      // And scored where it was raised: nothing went through the repartition topic
      assertThat(byTopic.isEmpty()).isTrue();
      // And scored once, into one alert and one command revoking both sessions
      assertThat(scores.readValuesToList()).hasSize(1);
      assertThat(alerts.readValuesToList()).hasSize(1);
      List<EnforcementCommand> sent = commands.readValuesToList();
      assertThat(sent)
          .extracting(EnforcementCommand::getAction)
          .containsExactly(EnforcementAction.REVOKE_SESSIONS);
      assertThat(sent.get(0).getSessionIds()).containsExactlyInAnyOrder("s-1", "s-2");
    }
  }

  @Test
  void shouldBringFindingsRaisedUnderASourceIpToTheirSubjectsThroughTheRepartitionTopic() {
    // Given four partitions, and sprayed accounts whose state is on partition 0 (where the driver
    // runs everything) and accounts whose state is elsewhere
    List<String> victims = victims();
    try (TopologyFixture vigil = fixture("spray", 4)) {
      TestOutputTopic<String, RiskFinding> findings = vigil.output(vigil.topics.findings());
      TestOutputTopic<String, RiskFinding> byTopic = remoteFindings(vigil);
      TestOutputTopic<String, SubjectRisk> scores = vigil.output(vigil.topics.scores());

      // When one address fails against all of them within minutes
      spray(vigil, victims);

      // Then every finding is published, the spraying address's and each account's
      Map<String, Long> published = countBySubject(findings.readValuesToList());
      assertThat(published).containsKeys(victims.toArray(String[]::new)).containsKey(SPRAYING_IP);
      // And exactly the findings about subjects whose state is on another partition took the topic
      Map<String, Long> travelled = countBySubject(byTopic.readValuesToList());
      for (String subject : published.keySet()) {
        if (PlacementProcessor.partition(subject, 4) == 0) {
          assertThat(travelled).as(subject).doesNotContainKey(subject);
        } else {
          assertThat(travelled).as(subject).containsEntry(subject, published.get(subject));
        }
      }
      // And each finding was scored once: one score per finding, per subject
      Map<String, Long> scored =
          scores.readRecordsToList().stream()
              .collect(Collectors.groupingBy(TestRecord::key, TreeMap::new, Collectors.counting()));
      assertThat(scored).isEqualTo(new TreeMap<>(published));
    }
  }

  @Test
  void shouldDecideTheSameWhicheverWayTheFindingsTravel() {
    List<String> victims = victims();
    // Given the same spray, once with every subject on the partition that raised its findings and
    // once with most of them elsewhere
    List<String> direct;
    List<String> mixed;
    try (TopologyFixture vigil = fixture("one", 1)) {
      direct = decisions(vigil, victims);
    }
    try (TopologyFixture vigil = fixture("four", 4)) {
      mixed = decisions(vigil, victims);
    }

    // Then the alerts and commands are the same
    assertThat(direct).isNotEmpty().isEqualTo(mixed);
  }

  private static List<String> decisions(TopologyFixture vigil, List<String> victims) {
    TestOutputTopic<String, RiskAlert> alerts = vigil.output(vigil.topics.alerts());
    TestOutputTopic<String, EnforcementCommand> audit = vigil.output(vigil.topics.audit());
    spray(vigil, victims);
    List<String> out = new ArrayList<>();
    for (RiskAlert a : alerts.readValuesToList()) {
      out.add(a.getSubjectId() + "|" + a.getLevel() + "|" + a.getAlertId() + "|" + a.getHeadline());
    }
    for (EnforcementCommand c : audit.readValuesToList()) {
      out.add(c.getSubjectId() + "|" + c.getAction() + "|" + c.getCommandId());
    }
    out.sort(null);
    return out;
  }

  /** Five accounts on partition 0 of 4 and five elsewhere. */
  private static List<String> victims() {
    Function<Boolean, List<String>> pick =
        home ->
            IntStream.range(0, 200)
                .mapToObj(i -> "user-" + i)
                .filter(u -> (PlacementProcessor.partition(u, 4) == 0) == home)
                .limit(5)
                .toList();
    List<String> victims = new ArrayList<>(pick.apply(true));
    victims.addAll(pick.apply(false));
    return victims;
  }

  private static void spray(TopologyFixture vigil, List<String> victims) {
    var logins = vigil.input(vigil.topics.login());
    for (int i = 0; i < victims.size(); i++) {
      String subject = victims.get(i);
      Instant at = T0.plusSeconds(20L * i);
      LoginEvent failed = Signals.login("spray-" + i, subject, at, Signals.berlin(), null);
      failed.setIp(SPRAYING_IP);
      failed.setOutcome(LoginOutcome.FAILURE);
      logins.pipeInput(subject, failed, at);
    }
  }

  private static TestOutputTopic<String, RiskFinding> remoteFindings(TopologyFixture vigil) {
    return vigil.driver.createOutputTopic(
        VigilTopology.findingsBySubjectTopic(vigil.config.applicationId()),
        vigil.topics.findings().keySerde().deserializer(),
        vigil.topics.findings().valueSerde().deserializer());
  }

  private static Map<String, Long> countBySubject(List<RiskFinding> findings) {
    return findings.stream()
        .collect(
            Collectors.groupingBy(RiskFinding::getSubjectId, TreeMap::new, Collectors.counting()));
  }

  private static List<String> names(TopologyDescription.Subtopology st) {
    return st.nodes().stream().map(TopologyDescription.Node::name).toList();
  }
}
