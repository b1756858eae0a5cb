package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.serde.SubjectRiskStateSerde;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectRisk;
import dev.vigil.schema.SubjectType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The due index of the subject-risk store, on the production topology: the decay timer moves only
 * the subjects whose risk is active and due, and the index comes back from its changelog.
 */
class ScoringDueIndexTopologyTest {

  /** The driver's wall clock at start; findings are stamped before it. */
  private static final Instant WALL = Instant.parse("2026-11-02T09:00:00Z");

  private static final Duration DECAY = Duration.ofSeconds(10);
  private static final String APPLICATION_ID = "topology-test";

  @TempDir Path stateDir;

  @Test
  void shouldDecayOnlyTheSubjectsWhoseRiskIsActiveAndDue() {
    try (TopologyFixture vigil = TopologyFixture.create(stateDir.resolve("a"), WALL)) {
      TestOutputTopic<String, SubjectRisk> scores = vigil.output(vigil.topics.scores());
      // Given carol's finding an hour ago, erin's a minute ago, and dave who only signed in
      var findings = vigil.remoteFindings();
      Instant carolAt = WALL.minus(Duration.ofHours(1));
      Instant erinAt = WALL.minus(Duration.ofMinutes(1));
      findings.pipeInput("carol", finding("carol", carolAt, "c1"), carolAt);
      findings.pipeInput("erin", finding("erin", erinAt, "e1"), erinAt);
      vigil
          .input(vigil.topics.login())
          .pipeInput("dave", Signals.login("d1", "dave", erinAt, Signals.berlin(), "s-1"), erinAt);
      scores.readRecordsToList();
      KeyValueStore<String, SubjectRiskState> states =
          vigil.driver.getKeyValueStore(StoreNames.SUBJECT_RISK);
      SubjectRiskState erinBefore = states.get("erin");
      SubjectRiskState daveBefore = states.get("dave");
      assertThat(dueSubjects(vigil)).containsExactly("carol", "erin");

      // When the decay timer fires once, moving subjects to the wall clock less the lateness
      // (five minutes): past carol's next grid instant, not yet erin's
      vigil.driver.advanceWallClockTime(DECAY);

      // Then only carol decayed, and her entry moved to her next grid instant
      List<TestRecord<String, SubjectRisk>> decayed = scores.readRecordsToList();
      assertThat(decayed).isNotEmpty().allSatisfy(r -> assertThat(r.key()).isEqualTo("carol"));
      assertThat(decayed.get(decayed.size() - 1).value().getScore())
          .isLessThan(decayed.get(0).value().getScore());
      SubjectRiskState carol = states.get("carol");
      assertThat(carol.updatedAtMillis).isGreaterThan(carolAt.toEpochMilli());
      assertThat(dueEntries(vigil))
          .contains(KeyValue.pair("carol", dueAt(carol)))
          .contains(KeyValue.pair("erin", dueAt(erinBefore)));
      // And erin (not due) and dave (no active risk, no entry) were not moved
      assertThat(states.get("erin").updatedAtMillis).isEqualTo(erinBefore.updatedAtMillis);
      assertThat(states.get("dave").updatedAtMillis).isEqualTo(daveBefore.updatedAtMillis);
      assertThat(daveBefore.findings).isEmpty();
    }
  }

  @Test
  void shouldDropASubjectFromTheIndexOnceItsRiskHasDecayedAway() {
    try (TopologyFixture vigil = TopologyFixture.create(stateDir.resolve("b"), WALL)) {
      // Given carol's finding a minute ago
      Instant at = WALL.minus(Duration.ofMinutes(1));
      vigil.remoteFindings().pipeInput("carol", finding("carol", at, "c1"), at);
      assertThat(dueSubjects(vigil)).containsExactly("carol");

      // When two days pass (the finding's half-life is an hour), ticking the timer
      for (int i = 0; i < 48; i++) {
        vigil.driver.advanceWallClockTime(Duration.ofHours(1));
      }

      // Then her risk is gone and so is her index entry
      SubjectRiskState carol =
          vigil
              .driver
              .<String, SubjectRiskState>getKeyValueStore(StoreNames.SUBJECT_RISK)
              .get("carol");
      assertThat(carol.findings).isEmpty();
      assertThat(dueSubjects(vigil)).isEmpty();
    }
  }

  @Test
  void shouldRestoreTheIndexFromItsChangelogSoARestartedInstanceKeepsDecaying() {
    // Given carol scored on one instance, with the changelogs it wrote
    Instant at = WALL.minus(Duration.ofMinutes(1));
    List<TestRecord<String, byte[]>> riskLog;
    List<TestRecord<byte[], byte[]>> dueLog;
    try (TopologyFixture first = TopologyFixture.create(stateDir.resolve("first"), WALL)) {
      first.remoteFindings().pipeInput("carol", finding("carol", at, "c1"), at);
      first.driver.advanceWallClockTime(DECAY);
      riskLog = changelog(first, StoreNames.SUBJECT_RISK).readRecordsToList();
      dueLog =
          first
              .driver
              .createOutputTopic(
                  changelogTopic(StoreNames.SUBJECT_RISK_DUE),
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer())
              .readRecordsToList();
    }
    assertThat(dueLog)
        .as("the index is changelogged, with the entry that marks it as built")
        .extracting(r -> Bytes.wrap(r.key()))
        .contains(SubjectRiskStore.BUILT);

    // When a new instance without local state restores both stores from those changelogs
    Instant later = WALL.plus(Duration.ofMinutes(30));
    try (TopologyFixture second = TopologyFixture.create(stateDir.resolve("second"), later)) {
      SubjectRiskStateSerde serde = new SubjectRiskStateSerde();
      KeyValueStore<String, SubjectRiskState> states =
          second.driver.getKeyValueStore(StoreNames.SUBJECT_RISK);
      KeyValueStore<Bytes, byte[]> due =
          second.driver.getKeyValueStore(StoreNames.SUBJECT_RISK_DUE);
      for (TestRecord<String, byte[]> r : riskLog) {
        states.put(r.key(), serde.deserializer().deserialize("", r.value()));
      }
      for (TestRecord<byte[], byte[]> r : dueLog) {
        due.put(Bytes.wrap(r.key()), r.value());
      }
      TestOutputTopic<String, SubjectRisk> scores = second.output(second.topics.scores());
      assertThat(dueSubjects(second)).containsExactly("carol");

      // and its decay timer fires
      second.driver.advanceWallClockTime(DECAY);

      // Then carol's risk decays on the new instance
      List<TestRecord<String, SubjectRisk>> decayed = scores.readRecordsToList();
      assertThat(decayed).isNotEmpty().allSatisfy(r -> assertThat(r.key()).isEqualTo("carol"));
      assertThat(states.get("carol").updatedAtMillis).isGreaterThan(at.toEpochMilli());
    }
  }

  @Test
  void shouldIndexOnceTheStateWrittenBeforeTheIndexExisted() {
    try (TopologyFixture vigil = TopologyFixture.create(stateDir.resolve("c"), WALL)) {
      // Given carol's risk as an earlier version stored it: in the risk store, with no index
      Instant at = WALL.minus(Duration.ofHours(1));
      SubjectRiskState carol = new SubjectRiskState();
      carol.subjectId = "carol";
      new dev.vigil.risk.fusion.RiskFusion(dev.vigil.risk.fusion.FusionSettings.defaults())
          .add(carol, finding("carol", at, "c1"));
      carol.updatedAtMillis = at.toEpochMilli();
      vigil
          .driver
          .<String, SubjectRiskState>getKeyValueStore(StoreNames.SUBJECT_RISK)
          .put("carol", carol);
      TestOutputTopic<String, SubjectRisk> scores = vigil.output(vigil.topics.scores());
      assertThat(dueSubjects(vigil)).isEmpty();

      // When the decay timer first fires
      vigil.driver.advanceWallClockTime(DECAY);

      // Then it indexed the store once and moved carol
      assertThat(scores.readRecordsToList())
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r.key()).isEqualTo("carol"));
      assertThat(dueSubjects(vigil)).containsExactly("carol");
      KeyValueStore<Bytes, byte[]> due = vigil.driver.getKeyValueStore(StoreNames.SUBJECT_RISK_DUE);
      assertThat(due.get(SubjectRiskStore.BUILT)).isNotNull();
    }
  }

  private static RiskFinding finding(String subject, Instant at, String event) {
    return Findings.finding("login.impossible-travel", subject, SubjectType.HUMAN, at)
        .score(80)
        .confidence(1)
        .halfLife(Duration.ofHours(1))
        .summary("Impossible travel by " + subject + ".")
        .sourceEvents(event)
        .build();
  }

  private static long dueAt(SubjectRiskState state) {
    return Math.floorDiv(state.updatedAtMillis, DECAY.toMillis()) * DECAY.toMillis()
        + DECAY.toMillis();
  }

  private static String changelogTopic(String store) {
    return APPLICATION_ID + "-" + store + "-changelog";
  }

  private static TestOutputTopic<String, byte[]> changelog(TopologyFixture vigil, String store) {
    return vigil.driver.createOutputTopic(
        changelogTopic(store),
        org.apache.kafka.common.serialization.Serdes.String().deserializer(),
        new ByteArrayDeserializer());
  }

  /** The index, in its order: subject id and due instant. */
  private static List<KeyValue<String, Long>> dueEntries(TopologyFixture vigil) {
    KeyValueStore<Bytes, byte[]> due = vigil.driver.getKeyValueStore(StoreNames.SUBJECT_RISK_DUE);
    List<KeyValue<String, Long>> entries = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = due.all()) {
      while (it.hasNext()) {
        Bytes next = it.next().key;
        if (next.equals(SubjectRiskStore.BUILT)) {
          continue;
        }
        byte[] key = next.get();
        long at = java.nio.ByteBuffer.wrap(key).getLong() ^ Long.MIN_VALUE;
        entries.add(
            KeyValue.pair(
                new String(key, 8, key.length - 8, java.nio.charset.StandardCharsets.UTF_8), at));
      }
    }
    return entries;
  }

  private static List<String> dueSubjects(TopologyFixture vigil) {
    return dueEntries(vigil).stream().map(kv -> kv.key).toList();
  }
}
