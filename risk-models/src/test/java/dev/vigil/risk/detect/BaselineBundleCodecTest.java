package dev.vigil.risk.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.risk.signal.SignalFamilies;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BaselineBundleCodecTest {

  private static final List<String> IDS = List.of("login.new-device", "login.unusual-hour");
  private final BaselineBundleCodec codec = new BaselineBundleCodec(IDS);

  @Test
  void shouldRoundTripBaselinesAndRecentEventIds() {
    // Given
    BaselineBundle bundle = new BaselineBundle();
    bundle.baselines.put("login.new-device", bytes("device state"));
    bundle.baselines.put("login.unusual-hour", new byte[300]);
    for (int i = 0; i < 40; i++) {
      bundle.markSeen("evt-" + i);
    }

    // When
    byte[] encoded = codec.encode(bundle);
    BaselineBundle back = codec.decode(encoded);

    // Then
    assertThat(encoded[0]).isEqualTo(BaselineBundleCodec.FORMAT_V1);
    assertThat(back.baselines.keySet()).containsExactlyElementsOf(bundle.baselines.keySet());
    assertThat(back.baselines.get("login.new-device")).isEqualTo(bytes("device state"));
    assertThat(back.baselines.get("login.unusual-hour")).isEqualTo(new byte[300]);
    assertThat(back.recentEventIds).containsExactly(bundle.recentEventIds);
    assertThat(back.markSeen("evt-39")).as("a remembered id is a duplicate").isFalse();
    assertThat(back.markSeen("evt-0")).as("only the last 32 ids are remembered").isTrue();
  }

  @Test
  void shouldReadABundleThatAnEarlierVersionWroteAsCbor() {
    // Given the value as BaselineCodec wrote a whole bundle before the binary format
    Map<String, Object> old = new LinkedHashMap<>();
    old.put("baselines", Map.of("login.new-device", bytes("device state")));
    old.put("recentEventIds", List.of("0f8fad5b-d9cb-469f-a165-70867728950e", "evt-2"));
    byte[] cbor = BaselineCodec.encode(old);

    // When
    BaselineBundle bundle = codec.decode(cbor);

    // Then
    assertThat(cbor[0] & 0xff).as("a CBOR map header").isBetween(0xa0, 0xbf);
    assertThat(bundle.baselines).containsOnlyKeys("login.new-device");
    assertThat(bundle.baselines.get("login.new-device")).isEqualTo(bytes("device state"));
    assertThat(bundle.markSeen("0f8fad5b-d9cb-469f-a165-70867728950e")).isFalse();
    assertThat(bundle.markSeen("evt-2")).isFalse();
    assertThat(bundle.markSeen("evt-3")).isTrue();
    assertThat(codec.decode(codec.encode(bundle)).recentEventIds)
        .containsExactly(bundle.recentEventIds);
  }

  @Test
  void shouldReadABundleThatJacksonWroteWithHashedEventIds() {
    // Given
    BaselineBundle bundle = new BaselineBundle();
    bundle.baselines.put("login.unusual-hour", bytes("hours"));
    bundle.markSeen("evt-1");

    // When
    BaselineBundle back = codec.decode(BaselineCodec.encode(bundle));

    // Then
    assertThat(back.baselines.get("login.unusual-hour")).isEqualTo(bytes("hours"));
    assertThat(back.markSeen("evt-1")).isFalse();
  }

  @Test
  void shouldKeepTheBaselineOfADetectorItDoesNotKnow() {
    // Given a bundle written by a codec that knew one more detector
    BaselineBundleCodec wider =
        new BaselineBundleCodec(List.of("login.new-device", "login.retired-detector"));
    BaselineBundle bundle = new BaselineBundle();
    bundle.baselines.put("login.retired-detector", bytes("old"));
    bundle.baselines.put("login.new-device", bytes("new"));

    // When it goes through a codec that does not know it, and back
    BaselineBundle narrow = codec.decode(wider.encode(bundle));
    BaselineBundle back = wider.decode(codec.encode(narrow));

    // Then
    assertThat(narrow.baselines).containsKey("login.new-device").hasSize(2);
    assertThat(back.baselines.get("login.retired-detector")).isEqualTo(bytes("old"));
    assertThat(back.baselines.get("login.new-device")).isEqualTo(bytes("new"));
  }

  @Test
  void shouldGiveEveryBuiltInDetectorItsOwnHash() {
    // Given
    List<String> ids = SignalFamilies.catalog(DetectorSettings.defaults()).ids();

    // When / Then: the constructor refuses ids that share a hash
    assertThat(new BaselineBundleCodec(ids)).isNotNull();
    assertThat(ids.stream().map(BaselineBundleCodec::idHash).distinct()).hasSameSizeAs(ids);
  }

  @Test
  void shouldRejectATruncatedValue() {
    // Given
    BaselineBundle bundle = new BaselineBundle();
    bundle.baselines.put("login.new-device", new byte[50]);
    byte[] encoded = codec.encode(bundle);

    // When / Then
    assertThatThrownBy(() -> codec.decode(Arrays.copyOf(encoded, 20)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldTakeLessSpaceThanTheCborBundle() {
    // Given
    BaselineBundle bundle = new BaselineBundle();
    bundle.baselines.put("login.new-device", new byte[100]);
    bundle.baselines.put("login.unusual-hour", new byte[100]);
    Map<String, Object> old = new LinkedHashMap<>();
    old.put("baselines", bundle.baselines);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < BaselineBundle.RECENT_EVENT_IDS; i++) {
      String id = java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i}).toString();
      ids.add(id);
      bundle.markSeen(id);
    }
    old.put("recentEventIds", ids);

    // When
    int binary = codec.encode(bundle).length;
    int cbor = BaselineCodec.encode(old).length;

    // Then: 8 bytes per remembered id instead of ~37, 4 per detector id instead of ~20
    assertThat(binary).isEqualTo(1 + 1 + 2 * (4 + 1 + 100) + 1 + 32 * 8);
    assertThat(cbor).isGreaterThan(binary + 32 * 25);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
