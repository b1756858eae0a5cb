package dev.vigil.app.topics;

import dev.vigil.schemas.topic.AvroSerdeFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An {@link AvroSerdeFactory} for code that needs only topic names and specs (topic creation,
 * listing): its serdes throw if anyone tries to use them.
 */
public final class NamesOnlyAvroSerdeFactory implements AvroSerdeFactory {

  /** The shared instance. */
  public static final AvroSerdeFactory INSTANCE = new NamesOnlyAvroSerdeFactory();

  private NamesOnlyAvroSerdeFactory() {}

  @Override
  public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
    String message =
        "No Avro serde for "
            + type.getSimpleName()
            + ": this registry is for names and specs only.";
    Serializer<T> serializer =
        (topic, data) -> {
          throw new UnsupportedOperationException(message);
        };
    Deserializer<T> deserializer =
        (topic, data) -> {
          throw new UnsupportedOperationException(message);
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
