package dev.vigil.risk.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schema.SubjectType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StateCodecTest {

  /** A nested value. */
  static final class Item {
    String name;
    long at;
    Long optional;
    Boolean flag;
  }

  /** A baseline with one field of every kind the codec lays out. */
  static final class Everything {
    boolean b;
    int i = -3;
    long l = Long.MIN_VALUE;
    short s;
    byte by;
    char c;
    float f;
    double d;
    Integer boxed;
    Double boxedDouble;
    String text;
    SubjectType type;
    int[] ints = new int[0];
    long[] longs;
    double[] doubles;
    float[] floats;
    byte[] bytes;
    List<String> strings = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    ArrayList<Item> items = new ArrayList<>();
    LinkedHashMap<String, Long> byName = new LinkedHashMap<>();
    LinkedHashMap<Integer, Integer> byNumber = new LinkedHashMap<>();
    TreeMap<String, Item> sorted = new TreeMap<>();
    Item nested = new Item();
  }

  /** An earlier version of {@link Grown}. */
  static final class Original {
    int a;
    String b;
  }

  /** {@link Original} with a field appended. */
  static final class Grown {
    int a;
    String b;
    long added = 7;
  }

  /** A baseline the compact format has no layout for. */
  static final class WithSet {
    Set<String> names = new HashSet<>();
  }

  @Test
  void shouldRoundTripEveryKindOfField() {
    // Given
    Everything e = new Everything();
    e.b = true;
    e.i = Integer.MIN_VALUE;
    e.l = Long.MAX_VALUE;
    e.s = -2;
    e.by = 9;
    e.c = 'é';
    e.f = 0.1f;
    e.d = Math.PI;
    e.boxed = 42;
    e.boxedDouble = -0.0;
    e.text = "Zoë ☃";
    e.type = SubjectType.values()[SubjectType.values().length - 1];
    e.ints = new int[] {1, -1, Integer.MAX_VALUE};
    e.longs = new long[] {0, 1_700_000_000_000L};
    e.doubles = new double[] {0.5, 1e300, Double.NaN, -0.0};
    e.floats = new float[] {1.5f};
    e.bytes = new byte[] {0, -1, 127};
    e.strings.addAll(Arrays.asList("a", null, ""));
    e.times.addAll(Arrays.asList(5L, null));
    Item item = new Item();
    item.name = "x";
    item.at = -5;
    item.optional = 3L;
    item.flag = false;
    e.items.add(item);
    e.items.add(null);
    e.byName.put("z", 1L);
    e.byName.put("a", 2L);
    e.byNumber.put(-1, 7);
    e.sorted.put("k", item);
    e.nested.name = "n";

    // When
    Everything back = roundTrip(e);

    // Then
    assertThat(back)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(e);
    assertThat(back.byName.keySet()).containsExactly("z", "a");
    assertThat(Double.doubleToRawLongBits(back.boxedDouble))
        .isEqualTo(Double.doubleToRawLongBits(-0.0));
  }

  @Test
  void shouldLeaveAFieldThatWasNullAtItsInitialValueAsTheCborCodecDid() {
    // Given
    Everything e = new Everything();
    e.nested = null;
    e.ints = null;
    e.text = null;

    // When
    Everything compact = roundTrip(e);
    Everything cbor = BaselineCodec.decode(BaselineCodec.encode(e), Everything.class);

    // Then
    assertThat(compact)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(cbor);
    assertThat(compact.nested).isNotNull();
    assertThat(compact.ints).isEmpty();
  }

  @Test
  void shouldReadTheCborOfEarlierVersions() {
    // Given
    Everything e = new Everything();
    e.text = "old";
    e.byNumber.put(3, 4);
    e.nested.optional = 9L;
    byte[] cbor = BaselineCodec.encode(e);

    // When
    Everything back = StateCodec.decode(cbor, Everything.class);

    // Then
    assertThat(cbor[0] & 0xff).isBetween(0xa0, 0xbf);
    assertThat(back)
        .usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class)
        .withComparatorForType(Float::compare, Float.class)
        .isEqualTo(e);
  }

  @Test
  void shouldReadAFieldAppendedSinceTheBytesWereWrittenAsItsInitialValue() {
    // Given
    Original original = new Original();
    original.a = 5;
    original.b = "b";

    // When
    Grown grown = StateCodec.decode(StateCodec.encode(original), Grown.class);

    // Then
    assertThat(grown.a).isEqualTo(5);
    assertThat(grown.b).isEqualTo("b");
    assertThat(grown.added).isEqualTo(7);
  }

  @Test
  void shouldRefuseBytesWithMoreFieldsThanTheClassHas() {
    // Given
    byte[] newer = StateCodec.encode(new Grown());

    // When / Then
    assertThatThrownBy(() -> StateCodec.decode(newer, Original.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 fields");
  }

  @Test
  void shouldRefuseTruncatedBytes() {
    // Given
    Everything e = new Everything();
    e.text = "a longer text";
    byte[] bytes = StateCodec.encode(e);

    // When / Then
    assertThatThrownBy(
            () -> StateCodec.decode(Arrays.copyOf(bytes, bytes.length - 3), Everything.class))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldEncodeAClassItCannotLayOutInCbor() {
    // Given
    WithSet w = new WithSet();
    w.names.add("a");

    // When
    byte[] bytes = StateCodec.encode(w);

    // Then
    assertThat(StateCodec.supports(WithSet.class)).isFalse();
    assertThat(bytes[0]).isNotEqualTo(StateCodec.FORMAT_V2);
    assertThat(StateCodec.decode(bytes, WithSet.class).names).containsExactly("a");
  }

  @Test
  void shouldWriteDoublesAFloatHoldsInFiveBytesAndZeroInOne() {
    // Given
    Everything exact = new Everything();
    exact.d = 0.5;
    Everything zero = new Everything();
    Everything inexact = new Everything();
    inexact.d = 0.1;

    // When
    int exactSize = StateCodec.encode(exact).length;
    int zeroSize = StateCodec.encode(zero).length;
    int inexactSize = StateCodec.encode(inexact).length;

    // Then
    assertThat(exactSize - zeroSize).isEqualTo(4);
    assertThat(inexactSize - zeroSize).isEqualTo(8);
  }

  private static <T> T roundTrip(T value) {
    byte[] bytes = StateCodec.encode(value);
    assertThat(bytes[0]).isEqualTo(StateCodec.FORMAT_V2);
    @SuppressWarnings("unchecked")
    T back = (T) StateCodec.decode(bytes, value.getClass());
    return back;
  }
}
