package dev.vigil.risk.detect.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.risk.detect.StateCodec;
import org.junit.jupiter.api.Test;

class LoginStateCodecTest {

  private static final long T0 = 1_763_000_000L;

  private static DecayedCounts counts() {
    DecayedCounts counts = new DecayedCounts();
    for (int i = 0; i < 30; i++) {
      counts.add("value-" + (i % 11), T0 + i * 3_600L, 8, 14 * 86_400.0);
    }
    counts.add("late", T0 - 86_400L, 8, 14 * 86_400.0);
    counts.forgetOlderThan(T0 + 30 * 3_600L, 20 * 3_600L);
    return counts;
  }

  private static SignInHistory history() {
    SignInHistory history = new SignInHistory();
    history.record(T0 * 1000 + 5_000);
    history.record(T0 * 1000);
    history.record(T0 * 1000 + 86_400_000L * 9);
    return history;
  }

  @Test
  void shouldRoundTripDecayedCountsInTheCompactFormat() {
    // Given
    DecayedCounts counts = counts();

    // When
    byte[] bytes = StateCodec.encode(counts);
    DecayedCounts back = StateCodec.decode(bytes, DecayedCounts.class);

    // Then
    assertThat(back)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(counts);
    assertThat(back.values.keySet()).containsExactlyElementsOf(counts.values.keySet());
    assertThat(back.count("value-3", T0 + 40 * 3_600L, 86_400.0))
        .isEqualTo(counts.count("value-3", T0 + 40 * 3_600L, 86_400.0));
    assertThat(bytes.length).isLessThan(BaselineCodec.encode(counts).length);
  }

  @Test
  void shouldRoundTripASignInHistoryInTheCompactFormat() {
    // Given
    SignInHistory history = history();

    // When
    SignInHistory back = StateCodec.decode(StateCodec.encode(history), SignInHistory.class);

    // Then
    assertThat(back)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(history);
    assertThat(back.days(T0 * 1000 + 86_400_000L * 10)).isEqualTo(10);
  }

  @Test
  void shouldReadDecayedCountsAndASignInHistoryStoredInCbor() {
    // Given
    DecayedCounts counts = counts();
    SignInHistory history = history();

    // When
    DecayedCounts countsBack = StateCodec.decode(BaselineCodec.encode(counts), DecayedCounts.class);
    SignInHistory historyBack =
        StateCodec.decode(BaselineCodec.encode(history), SignInHistory.class);

    // Then
    assertThat(countsBack)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(counts);
    assertThat(historyBack)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(history);
  }
}
