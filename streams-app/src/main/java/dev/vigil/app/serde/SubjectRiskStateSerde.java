package dev.vigil.app.serde;

import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.risk.fusion.SubjectRiskStateCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde for the subject-risk store's values: the binary format of {@link SubjectRiskStateCodec}. It
 * also reads values an earlier version wrote as CBOR ({@link CborSerde}), so existing stores and
 * changelogs need no migration.
 */
public final class SubjectRiskStateSerde implements Serde<SubjectRiskState> {

  @Override
  public Serializer<SubjectRiskState> serializer() {
    return (topic, value) -> value == null ? null : SubjectRiskStateCodec.encode(value);
  }

  @Override
  public Deserializer<SubjectRiskState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : SubjectRiskStateCodec.decode(bytes);
  }
}
