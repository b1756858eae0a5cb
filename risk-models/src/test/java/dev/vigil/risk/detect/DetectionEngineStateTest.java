package dev.vigil.risk.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.RiskFinding;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionEngineStateTest {

  /** Counts events that start with "learn"; other events leave the baseline alone. */
  static final class Counting implements Detector<String, Counting.State> {
    /** The baseline. */
    static final class State {
      int learned;
    }

    @Override
    public String id() {
      return "test.counting";
    }

    @Override
    public Class<State> stateType() {
      return State.class;
    }

    @Override
    public State newState() {
      return new State();
    }

    @Override
    public boolean reads(String event, DetectionContext context) {
      return !event.startsWith("ignored");
    }

    @Override
    public List<RiskFinding> observe(String event, State state, DetectionContext context) {
      if (event.startsWith("learn")) {
        state.learned++;
      }
      return List.of();
    }
  }

  private final DetectionEngine<String> engine =
      new DetectionEngine<>(List.of(new Counting()), e -> e.endsWith("!") ? null : e);
  private final BaselineBundleCodec codec = BaselineBundleCodec.forDetectors(engine.detectors());
  private final DetectionContext context = DetectionContext.defaults();

  @Test
  void shouldReportAChangeWhenABaselineLearns() {
    // Given
    BaselineBundle stored = stored("learn-1");

    // When
    BaselineBundle bundle = codec.decode(codec.encode(stored));
    engine.observe("learn-2!", bundle, context);

    // Then
    assertThat(bundle.changed()).isTrue();
    assertThat(learned(bundle)).isEqualTo(2);
  }

  @Test
  void shouldReportNoChangeForADuplicateOrAnEventNothingLearnsFrom() {
    // Given
    BaselineBundle stored = stored("learn-1");

    // When
    BaselineBundle duplicate = codec.decode(codec.encode(stored));
    engine.observe("learn-1", duplicate, context);
    BaselineBundle noop = codec.decode(codec.encode(stored));
    engine.observe("noop!", noop, context);

    // Then
    assertThat(duplicate.changed()).isFalse();
    assertThat(noop.changed()).isFalse();
    assertThat(learned(noop)).isEqualTo(1);
  }

  @Test
  void shouldReuseADecodedBaselineOnlyWhileTheStoredBytesMatch() {
    // Given a bundle observed in memory, and the same key read back from the store
    BaselineBundle earlier = stored("learn-1");
    Object decoded = earlier.decodedState("test.counting");
    BaselineBundle same = codec.decode(codec.encode(earlier));
    BaselineBundle older = codec.decode(codec.encode(stored("noop")));

    // When
    same.adoptDecodedStates(earlier);
    older.adoptDecodedStates(earlier);
    engine.observe("learn-2", older, context);

    // Then
    assertThat(same.decodedState("test.counting")).isSameAs(decoded);
    assertThat(older.decodedState("test.counting")).isNotSameAs(decoded);
    assertThat(learned(older))
        .as("counted from the stored bytes, not the cached object")
        .isEqualTo(1);
  }

  @Test
  void shouldReadABaselineStoredInCborAndRewriteItCompactly() {
    // Given: a bundle in the current bundle format whose baseline an earlier version wrote in CBOR
    Counting.State old = new Counting.State();
    old.learned = 41;
    BaselineBundle before = new BaselineBundle();
    before.baselines.put("test.counting", BaselineCodec.encode(old));
    byte[] stored = codec.encode(before);

    // When
    BaselineBundle bundle = codec.decode(stored);
    engine.observe("learn-42", bundle, context);

    // Then
    byte[] rewritten = bundle.baselines.get("test.counting");
    assertThat(bundle.changed()).isTrue();
    assertThat(rewritten[0]).isEqualTo(StateCodec.FORMAT_V2);
    assertThat(learned(codec.decode(codec.encode(bundle)))).isEqualTo(42);
  }

  @Test
  void shouldNeitherDecodeNorRewriteTheBaselineOfADetectorThatDoesNotReadTheEvent() {
    // Given: stored bytes that would fail to decode
    BaselineBundle bundle = new BaselineBundle();
    byte[] unreadable = {StateCodec.FORMAT_V2, 99};
    bundle.baselines.put("test.counting", unreadable);

    // When
    List<RiskFinding> findings = engine.observe("ignored-1", bundle, context);

    // Then
    assertThat(findings).isEmpty();
    assertThat(bundle.baselines.get("test.counting")).isSameAs(unreadable);
    assertThat(bundle.decodedState("test.counting")).isNull();
  }

  private BaselineBundle stored(String event) {
    BaselineBundle bundle = new BaselineBundle();
    engine.observe(event, bundle, context);
    return bundle;
  }

  private static int learned(BaselineBundle bundle) {
    return StateCodec.decode(bundle.baselines.get("test.counting"), Counting.State.class).learned;
  }
}
