package dev.vigil.risk.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BaselineCodecTest {

  /** A baseline with doubles. */
  static final class Doubles {
    double[] values;
    double single;
  }

  @Test
  void shouldReadBackEveryDoubleExactly() {
    // Given
    Doubles d = new Doubles();
    d.values =
        new double[] {
          0,
          -0.0,
          0.5,
          3,
          0.1,
          1e-300,
          Double.MAX_VALUE,
          Double.NaN,
          Double.NEGATIVE_INFINITY,
          Math.PI
        };
    d.single = 1.0 / 3;

    // When
    Doubles back = BaselineCodec.decode(BaselineCodec.encode(d), Doubles.class);

    // Then
    assertThat(back.values).containsExactly(d.values);
    assertThat(Double.doubleToRawLongBits(back.values[1]))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(back.single).isEqualTo(d.single);
  }

  @Test
  void shouldWriteADoubleThatAFloatHoldsInFewerBytes() {
    // Given
    Doubles exact = new Doubles();
    exact.values = new double[24];
    Doubles inexact = new Doubles();
    inexact.values = new double[24];
    java.util.Arrays.fill(inexact.values, 0.1);

    // When
    int small = BaselineCodec.encode(exact).length;
    int large = BaselineCodec.encode(inexact).length;

    // Then: 4 bytes saved per value
    assertThat(large - small).isEqualTo(24 * 4);
  }
}
