package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.Findings;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectRisk;
import dev.vigil.schema.SubjectType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scoring on event time, and decisions that follow the subject's new sessions. */
class ScoringTimeTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");

  @TempDir Path stateDir;

  private TopologyFixture fixture(String dir) {
    return TopologyFixture.builder(stateDir.resolve(dir), T0)
        // Tests stamp events ahead of the driver's wall clock, which only moves when told.
        .set("timestamp.max.future.skew", "365d")
        .build();
  }

  @Test
  void shouldRevokeEachNewSessionOnceWhileTheLevelStillRevokes() {
    try (TopologyFixture vigil = fixture("a")) {
      var logins = vigil.input(vigil.topics.login());
      TestOutputTopic<String, EnforcementCommand> commands = vigil.output(vigil.topics.commands());
      // Given carol's account taken over from Sydney: her sessions are revoked at the level change
      logins.pipeInput("carol", Signals.login("e1", "carol", T0, Signals.berlin(), "s-1"), T0);
      Instant takeover = T0.plusSeconds(1800);
      logins.pipeInput(
          "carol", Signals.login("e2", "carol", takeover, Signals.sydney(), "s-2"), takeover);
      List<EnforcementCommand> first = commands.readValuesToList();
      assertThat(first)
          .extracting(EnforcementCommand::getAction)
          .containsExactly(EnforcementAction.REVOKE_SESSIONS);

      // When the attacker opens two more sessions while carol's risk is still high
      LoginEvent third =
          Signals.login("e3", "carol", takeover.plusSeconds(600), Signals.sydney(), "s-3");
      logins.pipeInput("carol", third, takeover.plusSeconds(600));
      logins.pipeInput(
          "carol",
          Signals.login("e4", "carol", takeover.plusSeconds(900), Signals.sydney(), "s-4"),
          takeover.plusSeconds(900));
      // and the third sign-in is delivered twice
      logins.pipeInput("carol", third, takeover.plusSeconds(600));

      // Then each new session is revoked once, by its own command; the duplicate adds nothing
      List<EnforcementCommand> later = commands.readValuesToList();
      assertThat(later)
          .extracting(EnforcementCommand::getAction)
          .containsOnly(EnforcementAction.REVOKE_SESSIONS);
      assertThat(later).extracting(c -> c.getSessionIds().get(0)).containsExactly("s-3", "s-4");
      assertThat(later.get(0).getCommandId()).isNotEqualTo(later.get(1).getCommandId());
      assertThat(later.get(0).getReason()).contains("New session s-3").contains("high");
      assertThat(later.get(0).getFindingIds()).isNotEmpty();
    }
  }

  @Test
  void shouldNotRevokeANewSessionOnceRiskHasFallen() {
    try (TopologyFixture vigil = fixture("b")) {
      var logins = vigil.input(vigil.topics.login());
      TestOutputTopic<String, EnforcementCommand> commands = vigil.output(vigil.topics.commands());
      // Given carol was revoked, then a day passed and access was restored
      logins.pipeInput("carol", Signals.login("e1", "carol", T0, Signals.berlin(), "s-1"), T0);
      Instant takeover = T0.plusSeconds(1800);
      logins.pipeInput(
          "carol", Signals.login("e2", "carol", takeover, Signals.sydney(), "s-2"), takeover);
      vigil.driver.advanceWallClockTime(Duration.ofHours(30));
      assertThat(commands.readValuesToList())
          .extracting(EnforcementCommand::getAction)
          .containsExactly(EnforcementAction.REVOKE_SESSIONS, EnforcementAction.RESTORE);

      // When she signs in again from Sydney the next day
      Instant next = T0.plus(Duration.ofHours(30));
      logins.pipeInput("carol", Signals.login("e3", "carol", next, Signals.sydney(), "s-3"), next);

      // Then the new session is left alone
      assertThat(commands.isEmpty()).isTrue();
    }
  }

  @Test
  void shouldGiveTheSameScoresAlertsAndCommandsInAReplayAsLive() {
    // Given a sequence of findings about two people over three hours
    List<RiskFinding> history =
        List.of(
            finding("login.impossible-travel", "carol", 80, T0, Duration.ofHours(1), "a"),
            finding("login.new-device", "dave", 30, T0.plusSeconds(60), Duration.ofHours(6), "b"),
            finding(
                "login.new-country", "carol", 45, T0.plusSeconds(5400), Duration.ofHours(2), "c"),
            finding(
                "access.first-resource", "dave", 25, T0.plusSeconds(7200), Duration.ofDays(1), "d"),
            finding(
                "access.first-resource",
                "dave",
                25,
                T0.plusSeconds(10800 + 600),
                Duration.ofDays(1),
                "e"));

    // When it is scored live (the wall clock follows the events, ticking in between)
    Run live;
    try (TopologyFixture vigil = fixture("live")) {
      live = new Run(vigil);
      Instant wall = T0;
      for (RiskFinding f : history) {
        Duration gap = Duration.between(wall, f.getTimestamp());
        for (long s = 0; s < gap.toSeconds(); s += 300) {
          vigil.driver.advanceWallClockTime(Duration.ofSeconds(Math.min(300, gap.toSeconds() - s)));
        }
        wall = f.getTimestamp();
        live.findings.pipeInput(f.getSubjectId(), f, f.getTimestamp());
      }
      vigil.driver.advanceWallClockTime(Duration.ofDays(12));
      live.collect();
    }
    // and replayed ten days later, fast, with the wall clock ticking while records arrive
    Run replay;
    Instant tenDaysLater = T0.plus(Duration.ofDays(10));
    try (TopologyFixture vigil =
        TopologyFixture.builder(stateDir.resolve("replay"), tenDaysLater)
            .set("timestamp.max.future.skew", "365d")
            .build()) {
      replay = new Run(vigil);
      for (RiskFinding f : history) {
        replay.findings.pipeInput(f.getSubjectId(), f, f.getTimestamp());
        vigil.driver.advanceWallClockTime(Duration.ofSeconds(5));
      }
      vigil.driver.advanceWallClockTime(Duration.ofDays(12));
      replay.collect();
    }

    // Then both runs published the same scores, alerts and commands, at the same event times
    assertThat(live.alerts).isNotEmpty();
    assertThat(replay.alerts).isEqualTo(live.alerts);
    assertThat(replay.scores).isEqualTo(live.scores);
    assertThat(replay.commands).isEqualTo(live.commands);
    // And carol's first alert carries the finding's full weight, not one decayed to the wall clock
    assertThat(replay.alerts.get(0)).contains("carol|HIGH|80|" + T0.toEpochMilli());
  }

  @Test
  void shouldNotMoveAReplayToTheWallClockWhileItPausesBetweenTwoOfItsEvents() {
    // Given carol's impossible travel and, 90 minutes later, a new country; dave in between
    List<RiskFinding> history =
        List.of(
            finding("login.impossible-travel", "carol", 80, T0, Duration.ofHours(1), "a"),
            finding("login.new-device", "dave", 30, T0.plusSeconds(60), Duration.ofHours(6), "b"),
            finding(
                "login.new-country", "carol", 45, T0.plusSeconds(5400), Duration.ofHours(2), "c"));
    Run live;
    try (TopologyFixture vigil = fixture("live-p")) {
      live = new Run(vigil);
      Instant wall = T0;
      for (RiskFinding f : history) {
        vigil.driver.advanceWallClockTime(Duration.between(wall, f.getTimestamp()));
        wall = f.getTimestamp();
        live.findings.pipeInput(f.getSubjectId(), f, f.getTimestamp());
      }
      vigil.driver.advanceWallClockTime(Duration.ofHours(1));
      live.collect();
    }

    // When the same findings are replayed ten days later, and the replay pauses for two minutes
    // (twelve decay intervals, nothing arriving) after dave's finding; both runs then receive
    // nothing for an hour
    Run replay;
    Instant tenDaysLater = T0.plus(Duration.ofDays(10));
    try (TopologyFixture vigil =
        TopologyFixture.builder(stateDir.resolve("replay-p"), tenDaysLater)
            .set("timestamp.max.future.skew", "365d")
            .build()) {
      replay = new Run(vigil);
      for (RiskFinding f : history) {
        vigil.driver.advanceWallClockTime(Duration.ofSeconds(5));
        replay.findings.pipeInput(f.getSubjectId(), f, f.getTimestamp());
        if (f.getSubjectId().equals("dave")) {
          for (int i = 0; i < 12; i++) {
            vigil.driver.advanceWallClockTime(Duration.ofSeconds(10));
          }
        }
      }
      vigil.driver.advanceWallClockTime(Duration.ofHours(1));
      replay.collect();
    }

    // Then the pause moved nobody past the replay's own time: carol's second finding is scored at
    // its event time on top of her decayed first one, exactly as live
    assertThat(live.alerts).isNotEmpty();
    assertThat(replay.alerts).isEqualTo(live.alerts);
    assertThat(replay.scores).isEqualTo(live.scores);
    assertThat(replay.commands).isEqualTo(live.commands);
    assertThat(replay.lastScoreTime)
        .as("no score is stamped after the replay's last event plus the hour that passed")
        .isBeforeOrEqualTo(T0.plusSeconds(5400).plus(Duration.ofHours(1)));
  }

  @Test
  void shouldMoveAnIdleReplayOnAtTheWallClocksPaceNotToTheWallClock() {
    Instant tenDaysLater = T0.plus(Duration.ofDays(10));
    try (TopologyFixture vigil =
        TopologyFixture.builder(stateDir.resolve("idle"), tenDaysLater)
            .set("timestamp.max.future.skew", "365d")
            .build()) {
      Run replay = new Run(vigil);
      // Given carol's impossible travel replayed ten days after it happened
      replay.findings.pipeInput(
          "carol",
          finding("login.impossible-travel", "carol", 80, T0, Duration.ofHours(1), "a"),
          T0);
      replay.collect();
      assertThat(replay.alerts).singleElement().asString().contains("carol|HIGH|80");

      // When nothing arrives for two hours of wall-clock time
      for (int i = 0; i < 12; i++) {
        vigil.driver.advanceWallClockTime(Duration.ofMinutes(10));
      }
      replay.collect();

      // Then her risk decayed by those two hours (less the allowed lateness) of event time, as it
      // would have live: two half-lives take 80 under medium, nothing fell to none, and no score
      // is stamped beyond the time that has passed
      assertThat(replay.alerts)
          .extracting(a -> a.split("\\|")[1])
          .containsExactly("HIGH", "MEDIUM", "LOW");
      assertThat(replay.lastScoreTime).isBeforeOrEqualTo(T0.plus(Duration.ofHours(2)));
      assertThat(replay.lastScoreTime).isAfter(T0.plus(Duration.ofMinutes(90)));
    }
  }

  @Test
  void shouldScoreAFutureStampedFindingNoLaterThanTheWallClockPlusSkew() {
    try (TopologyFixture vigil = fixture("f")) {
      Run run = new Run(vigil);
      // Given a finding stamped two days ahead of the wall clock (a producer's clock is wrong)
      Instant future = T0.plus(Duration.ofDays(2));
      run.findings.pipeInput(
          "erin", finding("login.new-device", "erin", 50, future, Duration.ofHours(1), "x"), T0);
      // When a true finding follows a minute later
      Instant now = T0.plusSeconds(60);
      run.findings.pipeInput(
          "erin", finding("login.new-country", "erin", 40, now, Duration.ofHours(1), "y"), now);

      // Then erin's clock went no further than the wall clock plus five minutes: neither finding
      // lost weight to a clock two days ahead
      List<TestRecord<String, SubjectRisk>> scores = run.scoreTopic.readRecordsToList();
      assertThat(scores)
          .allSatisfy(
              r -> assertThat(r.getRecordTime()).isBeforeOrEqualTo(T0.plus(Duration.ofMinutes(5))));
      SubjectRisk last = scores.get(scores.size() - 1).value();
      assertThat(last.getLevel()).isEqualTo(RiskLevel.MEDIUM);
      assertThat(last.getContributions()).hasSize(2);
    }
  }

  @Test
  void shouldLoadCorporateVpnRangesFromTheNetworksTopicSoVpnUsersAreNotImpossibleTravellers() {
    try (TopologyFixture vigil = fixture("n")) {
      var logins = vigil.input(vigil.topics.login());
      TestOutputTopic<String, RiskAlert> alerts = vigil.output(vigil.topics.alerts());
      // Given the corporate VPN's Sydney egress published on the networks reference topic
      vigil
          .input(vigil.topics.networks())
          .pipeInput(
              "198.51.100.0/24",
              dev.vigil.schema.NetworkRange.newBuilder()
                  .setCidr("198.51.100.0/24")
                  .setKind(dev.vigil.schema.NetworkKind.CORPORATE_VPN)
                  .setName("GlobalProtect ap-southeast")
                  .build());
      // When carol signs in at home in Berlin, then through the VPN 30 minutes later
      LoginEvent home = Signals.login("e1", "carol", T0, Signals.berlin(), "s-1");
      home.setIp("192.0.2.10");
      logins.pipeInput("carol", home, T0);
      Instant later = T0.plusSeconds(1800);
      logins.pipeInput(
          "carol", Signals.login("e2", "carol", later, Signals.sydney(), "s-2"), later);

      // Then no alert is raised
      assertThat(alerts.isEmpty()).isTrue();
    }
  }

  private static RiskFinding finding(
      String detector, String subject, double score, Instant at, Duration halfLife, String event) {
    return Findings.finding(detector, subject, SubjectType.HUMAN, at)
        .score(score)
        .confidence(1)
        .halfLife(halfLife)
        .summary(detector + " about " + subject + ".")
        .sourceEvents(event)
        .build();
  }

  /** The outputs of one run, reduced to what must match between runs. */
  private static final class Run {
    final org.apache.kafka.streams.TestInputTopic<String, RiskFinding> findings;
    final TestOutputTopic<String, SubjectRisk> scoreTopic;
    final TestOutputTopic<String, RiskAlert> alertTopic;
    final TestOutputTopic<String, EnforcementCommand> commandTopic;
    // Kafka orders records per key: each subject's sequence must match, not their interleaving.
    final List<String> alerts = new ArrayList<>();
    final java.util.Map<String, List<String>> scores = new java.util.TreeMap<>();
    final java.util.Map<String, List<String>> commands = new java.util.TreeMap<>();
    Instant lastScoreTime = Instant.MIN;

    Run(TopologyFixture vigil) {
      findings = vigil.remoteFindings();
      scoreTopic = vigil.output(vigil.topics.scores());
      alertTopic = vigil.output(vigil.topics.alerts());
      commandTopic = vigil.output(vigil.topics.commands());
    }

    void collect() {
      List<TestRecord<String, RiskAlert>> all = new ArrayList<>(alertTopic.readRecordsToList());
      all.sort(java.util.Comparator.comparing(TestRecord::key));
      for (var r : all) {
        RiskAlert a = r.value();
        alerts.add(
            String.join(
                "|",
                a.getSubjectId(),
                a.getLevel().name(),
                String.valueOf(Math.round(a.getScore())),
                String.valueOf(r.getRecordTime().toEpochMilli()),
                a.getAlertId(),
                a.getHeadline()));
      }
      for (var r : scoreTopic.readRecordsToList()) {
        if (r.getRecordTime().isAfter(lastScoreTime)) {
          lastScoreTime = r.getRecordTime();
        }
        scores
            .computeIfAbsent(r.key(), k -> new ArrayList<>())
            .add(r.value().getScore() + "|" + r.getRecordTime().toEpochMilli());
      }
      for (var r : commandTopic.readRecordsToList()) {
        EnforcementCommand c = r.value();
        commands
            .computeIfAbsent(r.key(), k -> new ArrayList<>())
            .add(
                c.getCommandId()
                    + "|"
                    + c.getAction()
                    + "|"
                    + c.getIssuedAt()
                    + "|"
                    + c.getReason());
      }
    }
  }
}
