package dev.vigil.schemas.topic;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Makes value serdes for generated Avro records, bound to one schema registry. */
@FunctionalInterface
public interface AvroSerdeFactory {

  /** A value serde for records of the given generated class, subject {@code <topic>-value}. */
  <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type);
}
