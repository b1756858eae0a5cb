package dev.vigil.risk.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.risk.detect.StateCodec;
import org.junit.jupiter.api.Test;

class BaselineStateCodecTest {

  @Test
  void shouldRoundTripAnEwmaInTheCompactFormat() {
    // Given
    Ewma e = new Ewma();
    for (double x : new double[] {3, 5, 8, 13.7}) {
      e.update(x, 0.2);
    }

    // When
    byte[] bytes = StateCodec.encode(e);
    Ewma back = StateCodec.decode(bytes, Ewma.class);

    // Then
    assertThat(bytes[0]).isEqualTo(StateCodec.FORMAT_V2);
    assertThat(back)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(e);
    assertThat(bytes.length).isLessThan(BaselineCodec.encode(e).length);
  }

  @Test
  void shouldRoundTripARecencySetInTheCompactFormat() {
    // Given
    RecencySet set = new RecencySet();
    for (int i = 0; i < 40; i++) {
      set.touch(RecencySet.fingerprint("/r/" + i), 29_000_000 + i, 32);
    }

    // When
    byte[] bytes = StateCodec.encode(set);
    RecencySet back = StateCodec.decode(bytes, RecencySet.class);

    // Then
    assertThat(back)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(set);
    assertThat(back.size()).isEqualTo(32);
    assertThat(back.lastSeen(RecencySet.fingerprint("/r/39"))).isEqualTo(29_000_039);
    assertThat(bytes.length).isLessThan(BaselineCodec.encode(set).length);
  }

  @Test
  void shouldReadAnEwmaAndARecencySetStoredInCbor() {
    // Given
    Ewma e = new Ewma();
    e.update(2.5, 0.1);
    e.update(4.25, 0.1);
    RecencySet set = new RecencySet();
    set.touch(42, 100, 4);
    set.touch(43, 101, 4);

    // When
    Ewma ewmaBack = StateCodec.decode(BaselineCodec.encode(e), Ewma.class);
    RecencySet setBack = StateCodec.decode(BaselineCodec.encode(set), RecencySet.class);

    // Then
    assertThat(ewmaBack)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(e);
    assertThat(setBack.lastSeen(43)).isEqualTo(101);
    assertThat(setBack)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(set);
  }
}
