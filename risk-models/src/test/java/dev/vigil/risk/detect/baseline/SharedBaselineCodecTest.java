package dev.vigil.risk.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedBaselineCodecTest {

  @Test
  void shouldRoundTripAnEwmaThroughTheBaselineCodec() {
    // Given
    Ewma e = new Ewma();
    for (double x : new double[] {3, 5, 8, 13}) {
      e.update(x, 0.2);
    }

    // When
    Ewma back = BaselineCodec.decode(BaselineCodec.encode(e), Ewma.class);

    // Then
    assertThat(back.mean).isEqualTo(e.mean);
    assertThat(back.var).isEqualTo(e.var);
    assertThat(back.n).isEqualTo(4);
  }

  @Test
  void shouldRoundTripARecencySetThroughTheBaselineCodec() {
    // Given
    RecencySet set = new RecencySet();
    set.touch(RecencySet.fingerprint("/a"), 10, 2);
    set.touch(RecencySet.fingerprint("/b"), 11, 2);
    set.touch(RecencySet.fingerprint("/c"), 12, 2);

    // When
    RecencySet back = BaselineCodec.decode(BaselineCodec.encode(set), RecencySet.class);

    // Then: the oldest was evicted, the rest kept with their minutes
    assertThat(back.size()).isEqualTo(2);
    assertThat(back.contains(RecencySet.fingerprint("/a"))).isFalse();
    assertThat(back.lastSeen(RecencySet.fingerprint("/c"))).isEqualTo(12);
  }

  @Test
  void shouldReadBaselinesEncodedBeforeTheTypesMovedPackages() {
    // Given: the field names the access and network copies were encoded with
    Map<String, Object> ewma = new LinkedHashMap<>();
    ewma.put("mean", 2.5);
    ewma.put("var", 1.25);
    ewma.put("n", 7);
    Map<String, Object> recency = new LinkedHashMap<>();
    recency.put("keys", List.of(42, 43));
    recency.put("seen", List.of(100, 101));

    // When
    Ewma e = BaselineCodec.decode(BaselineCodec.encode(ewma), Ewma.class);
    RecencySet r = BaselineCodec.decode(BaselineCodec.encode(recency), RecencySet.class);

    // Then
    assertThat(e.mean).isEqualTo(2.5);
    assertThat(e.n).isEqualTo(7);
    assertThat(r.lastSeen(43)).isEqualTo(101);
  }
}
