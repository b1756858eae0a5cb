package dev.vigil.app.serde;

import dev.vigil.risk.detect.BaselineCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for state-store values (baselines, risk state): compact CBOR via {@link BaselineCodec}.
 *
 * @param <T> the value class
 */
public final class CborSerde<T> implements Serde<T> {

  private final Class<T> type;

  /** A serde for the given class. */
  public CborSerde(Class<T> type) {
    this.type = type;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : BaselineCodec.encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> bytes == null ? null : BaselineCodec.decode(bytes, type);
  }
}
