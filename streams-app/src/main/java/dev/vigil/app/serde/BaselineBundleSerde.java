package dev.vigil.app.serde;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.BaselineBundleCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for a baseline store's values: the binary bundle format of {@link BaselineBundleCodec}. It
 * also reads values an earlier version wrote as CBOR ({@link CborSerde}), so existing stores and
 * changelogs need no migration.
 */
public final class BaselineBundleSerde implements Serde<BaselineBundle> {

  private final BaselineBundleCodec codec;

  /** A serde for bundles encoded by the given codec. */
  public BaselineBundleSerde(BaselineBundleCodec codec) {
    this.codec = codec;
  }

  @Override
  public Serializer<BaselineBundle> serializer() {
    return (topic, value) -> value == null ? null : codec.encode(value);
  }

  @Override
  public Deserializer<BaselineBundle> deserializer() {
    return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
  }
}
