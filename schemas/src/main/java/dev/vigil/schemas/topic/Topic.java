package dev.vigil.schemas.topic;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A typed topic: its full name, the serdes of its keys and values, and its layout. Topologies and
 * clients take topics from {@link Topics} and never spell a topic name themselves.
 *
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, TopicSpec spec) {

  /** Validates the components. */
  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    Objects.requireNonNull(spec, "spec");
  }

  @Override
  public String toString() {
    return name;
  }
}
