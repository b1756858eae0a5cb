package dev.vigil.risk.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.signal.SignalFamilies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the compact layout ({@link StateCodec}) of every built-in detector's baseline. Stored
 * baselines are positional: a field renamed, removed, reordered or retyped would make stored bytes
 * read as something else. When this test fails, either move the change to the end of the class (an
 * appended field reads as its initial value from older bytes, then update {@code
 * state-layouts.txt}), or keep the old class as it was and migrate.
 */
class StateLayoutTest {

  @Test
  void shouldKeepTheLayoutOfEveryBuiltInBaseline() throws IOException {
    // Given
    String pinned;
    try (InputStream in = getClass().getResourceAsStream("state-layouts.txt")) {
      pinned = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    // When
    String actual = layouts();

    // Then
    assertThat(actual)
        .as("baseline layouts (see StateLayoutTest's Javadoc before updating state-layouts.txt)")
        .isEqualTo(pinned);
  }

  @Test
  void shouldLayOutEveryBuiltInBaselineCompactly() {
    // Given
    Set<Class<?>> types = stateTypes();

    // Then
    assertThat(types).isNotEmpty().allSatisfy(t -> assertThat(StateCodec.supports(t)).isTrue());
  }

  /** Every built-in baseline's layout, in catalog order. */
  static String layouts() {
    StringBuilder sb = new StringBuilder();
    for (Class<?> type : stateTypes()) {
      sb.append(StateCodec.describe(type));
    }
    return sb.toString();
  }

  private static Set<Class<?>> stateTypes() {
    Set<Class<?>> types = new LinkedHashSet<>();
    DetectorCatalog catalog = SignalFamilies.catalog(DetectorSettings.defaults());
    for (var group : SignalFamilies.GROUPS) {
      for (Detector<?, ?> d : catalog.detectors(group.type(), group.scope())) {
        types.add(d.stateType());
      }
    }
    return types;
  }
}
