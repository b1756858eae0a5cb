package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.serde.SubjectRiskStateSerde;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.LoginEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil's stores are cached: writes to one key between two commits reach the changelog (and
 * RocksDB) once, with the last value. The test driver commits after every input record, so here a
 * key written twice while one record is processed is logged once; under load, with a commit every
 * {@code commit.interval.ms}, the same holds for all writes to a key within the interval.
 */
class StoreCachingTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  private static final String RISK_CHANGELOG =
      "topology-test-" + StoreNames.SUBJECT_RISK + "-changelog";

  @TempDir Path stateDir;

  @Test
  void shouldLogASubjectsStateOncePerCommitWhenASignInAndItsFindingBothWriteIt() {
    try (TopologyFixture vigil =
        TopologyFixture.builder(stateDir, T0)
            .set("timestamp.max.future.skew", "365d")
            .set("decay.interval", "1h")
            .build()) {
      TestInputTopic<String, LoginEvent> logins = vigil.input(vigil.topics.login());
      TestOutputTopic<String, byte[]> riskLog =
          vigil.driver.createOutputTopic(
              RISK_CHANGELOG, new StringDeserializer(), new ByteArrayDeserializer());

      // Given carol signed in from Berlin
      logins.pipeInput("carol", Signals.login("e1", "carol", T0, Signals.berlin(), "s-1"), T0);
      assertThat(riskLog.readRecordsToList()).as("the first sign-in opens a session").hasSize(1);

      // When she signs in from Sydney 30 minutes later: the session tracker records the new
      // session, then the impossible-travel finding it raises is scored in the same pass, two
      // writes of her state while one record is processed
      Instant later = T0.plusSeconds(1800);
      logins.pipeInput(
          "carol", Signals.login("e2", "carol", later, Signals.sydney(), "s-2"), later);

      // Then her state is logged once, with the last value: the finding scored and both sessions
      // revoked by the command it led to
      List<TestRecord<String, byte[]>> logged = riskLog.readRecordsToList();
      assertThat(logged).hasSize(1);
      SubjectRiskState state =
          new SubjectRiskStateSerde()
              .deserializer()
              .deserialize(RISK_CHANGELOG, logged.get(0).value());
      assertThat(state.findings).hasSize(1);
      assertThat(state.sessions).isEmpty();
      assertThat(state.endedSessions).containsKeys("s-1", "s-2");
    }
  }
}
