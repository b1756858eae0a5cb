package dev.vigil.risk.detect.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.risk.detect.StateCodec;
import org.junit.jupiter.api.Test;

class WindowStateCodecTest {

  private static AttemptLog log() {
    AttemptLog log = new AttemptLog();
    long t0 = 1_763_000_000_000L;
    for (int i = 0; i < 20; i++) {
      long t = t0 + i * 7_000L;
      log.admit(t, 60_000);
      AttemptLog.Entry e = new AttemptLog.Entry();
      e.t = t;
      e.id = "evt-" + i;
      e.who = "user" + (i % 3) + "@corp.example";
      e.kind = i % 2;
      e.flags = i % 5;
      e.what = i % 4 == 0 ? null : "HOST-" + i;
      e.via = i == 3 ? "10.0.0." + i : null;
      e.ep = log.episodeOf(t, 30_000);
      log.add(e, 600_000, 16);
      log.markEmitted("finding-" + (i % 6), AttemptLog.revision(i), 4);
    }
    return log;
  }

  @Test
  void shouldRoundTripAnAttemptLogInTheCompactFormat() {
    // Given
    AttemptLog log = log();

    // When
    byte[] bytes = StateCodec.encode(log);
    AttemptLog back = StateCodec.decode(bytes, AttemptLog.class);

    // Then
    assertThat(back)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(log);
    assertThat(back.entries).hasSize(16);
    assertThat(back.emitted.keySet()).containsExactlyElementsOf(log.emitted.keySet());
    assertThat(bytes.length).isLessThan(BaselineCodec.encode(log).length);
  }

  @Test
  void shouldRoundTripADistinctCountInTheCompactFormat() {
    // Given
    DistinctCount count = new DistinctCount();
    for (int i = 0; i < 12; i++) {
      count.add("account-" + i, 10);
    }

    // When
    DistinctCount back = StateCodec.decode(StateCodec.encode(count), DistinctCount.class);

    // Then
    assertThat(back)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(count);
    assertThat(back.describe()).isEqualTo("more than 10");
    assertThat(back.contains("account-4")).isTrue();
  }

  @Test
  void shouldReadAnAttemptLogAndADistinctCountStoredInCbor() {
    // Given
    AttemptLog log = log();
    DistinctCount count = new DistinctCount();
    count.add("a", 4);
    count.add("b", 4);

    // When
    AttemptLog logBack = StateCodec.decode(BaselineCodec.encode(log), AttemptLog.class);
    DistinctCount countBack = StateCodec.decode(BaselineCodec.encode(count), DistinctCount.class);

    // Then
    assertThat(logBack)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(log);
    assertThat(countBack)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(count);
  }
}
