package dev.vigil.risk.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectRiskStateCodecTest {

  private static final long T0 = 1_793_606_400_000L; // 2026-11-02T08:00:00Z

  /** A busy subject: many findings of few detectors, shared event ids, sessions of every kind. */
  private static SubjectRiskState busy() {
    SubjectRiskState s = new SubjectRiskState();
    s.subjectId = "svc-nightly-etl@corp.example";
    s.subjectType = SubjectType.WORKLOAD;
    s.criticality = Criticality.HIGH;
    s.level = RiskLevel.HIGH;
    s.score = 72.3;
    s.publishedScore = 71.9;
    s.updatedAtMillis = T0;
    s.lastAction = EnforcementAction.REVOKE_SESSIONS;
    s.lastRuleId = "revoke-on-high";
    s.lastActionAtMillis = T0 - 5_000;
    s.lastCommandId = "0f8fad5b-d9cb-469f-a165-70867728950e";
    for (int i = 0; i < 32; i++) {
      ActiveFinding f = new ActiveFinding();
      f.findingId = String.format("276557f6-4cc3-34ee-b0cf-%012x", i);
      f.detectorId = i % 2 == 0 ? "access.bulk-sensitive" : "access.first-resource";
      f.summary =
          "Accessed confidential resource https://dwh.corp.example/marts/sales/part-"
              + i
              + " for the first time (usual: 108-128 new resources a day).";
      f.score = 40 + i / 10.0;
      f.confidence = i % 3 == 0 ? 0.85 : 1.0 / 3; // the last one has no short decimal form
      f.halfLifeSeconds = 21_600;
      f.observedAtMillis = T0 - 60_000L * i;
      f.sourceEventIds = new ArrayList<>(List.of("EVT-" + i, "evt-shared"));
      f.targets = new ArrayList<>(List.of("https://dwh.corp.example/marts/sales/part-" + i));
      s.findings.add(f);
    }
    s.sessions.put("sess-1", T0 + 3_600_000);
    s.sessions.put("sess-2", T0 + 7_200_000);
    s.sessionsOpenedAt.put("sess-1", T0 - 1_000);
    s.sessionsOpenedAt.put("sess-2", T0 - 500);
    s.endedSessions.put("sess-0", T0 - 10_000);
    s.levelChanged(T0 - 20_000, RiskLevel.NONE, RiskLevel.MEDIUM);
    s.levelChanged(T0 - 10_000, RiskLevel.MEDIUM, RiskLevel.HIGH);
    return s;
  }

  @Test
  void shouldRoundTripEveryFieldOfABusySubject() {
    // Given
    SubjectRiskState state = busy();

    // When
    byte[] encoded = SubjectRiskStateCodec.encode(state);
    SubjectRiskState back = SubjectRiskStateCodec.decode(encoded);

    // Then
    assertThat(encoded[0]).isEqualTo(SubjectRiskStateCodec.FORMAT_V1);
    assertThat(back).usingRecursiveComparison().isEqualTo(state);
    assertThat(back.sessions.keySet()).containsExactly("sess-1", "sess-2");
    assertThat(encoded.length)
        .as("binary, with shared strings, is far smaller than CBOR")
        .isLessThan(BaselineCodec.encode(state).length / 3);
  }

  @Test
  void shouldRoundTripNullsEmptyStateAndAwkwardValues() {
    // Given a new subject, and one with odd strings and numbers
    SubjectRiskState empty = new SubjectRiskState();
    empty.subjectId = "new";
    SubjectRiskState odd = busy();
    odd.subjectType = null;
    odd.lastAction = null;
    odd.lastRuleId = null;
    odd.score = -0.0;
    odd.publishedScore = 1e-9;
    odd.updatedAtMillis = Long.MIN_VALUE + 1;
    odd.findings.get(0).findingId = "276557F6-4CC3-34EE-B0CF-48845D6BCDE4"; // upper case
    odd.findings.get(0).summary = "Signed in from 東京 \uD83D\uDE00 twice";
    odd.findings.get(1).summary = "Signed in from 東京 \uD83D\uDE01 again";
    odd.findings.get(2).summary = null;
    odd.findings.get(3).score = 1e300;

    // When
    SubjectRiskState emptyBack = SubjectRiskStateCodec.decode(SubjectRiskStateCodec.encode(empty));
    SubjectRiskState oddBack = SubjectRiskStateCodec.decode(SubjectRiskStateCodec.encode(odd));

    // Then
    assertThat(emptyBack).usingRecursiveComparison().isEqualTo(empty);
    assertThat(oddBack).usingRecursiveComparison().isEqualTo(odd);
    assertThat(Double.doubleToRawLongBits(oddBack.score))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    SubjectRiskState nan = new SubjectRiskState();
    nan.score = Double.NaN;
    assertThat(SubjectRiskStateCodec.decode(SubjectRiskStateCodec.encode(nan)).score).isNaN();
  }

  @Test
  void shouldReadAStateThatAnEarlierVersionWroteAsCbor() {
    // Given the value as CborSerde wrote it before the binary format
    SubjectRiskState state = busy();
    byte[] cbor = BaselineCodec.encode(state);

    // When
    SubjectRiskState back = SubjectRiskStateCodec.decode(cbor);

    // Then
    assertThat(cbor[0] & 0xff).as("a CBOR map header").isBetween(0xa0, 0xbf);
    assertThat(back).usingRecursiveComparison().isEqualTo(state);
    assertThat(SubjectRiskStateCodec.encode(back)[0])
        .as("the next write stores the new format")
        .isEqualTo(SubjectRiskStateCodec.FORMAT_V1);
  }

  @Test
  void shouldReadAStateWrittenBeforeLevelChangesWereKept() {
    // Given a state's bytes without the level changes at their end, as written before
    SubjectRiskState state = busy();
    state.levelChanges.clear();
    byte[] encoded = SubjectRiskStateCodec.encode(state);
    byte[] earlier = Arrays.copyOf(encoded, encoded.length - 1);

    // When
    SubjectRiskState back = SubjectRiskStateCodec.decode(earlier);

    // Then
    assertThat(encoded[encoded.length - 1]).as("no level changes").isZero();
    assertThat(back).usingRecursiveComparison().isEqualTo(state);
  }

  @Test
  void shouldRejectTruncatedOrTrailingBytes() {
    // Given
    byte[] encoded = SubjectRiskStateCodec.encode(busy());
    byte[] truncated = Arrays.copyOf(encoded, encoded.length / 2);
    byte[] trailing = Arrays.copyOf(encoded, encoded.length + 1);

    // Then
    assertThatThrownBy(() -> SubjectRiskStateCodec.decode(truncated))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubjectRiskStateCodec.decode(trailing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("left over");
    assertThatThrownBy(() -> SubjectRiskStateCodec.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
