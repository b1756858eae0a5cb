package dev.vigil.risk.signal;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * One kind of signal Vigil consumes, declared once: its topic, Avro type, the key its records
 * belong under, how to read its event id and validate it. The topic registry, the topology, topic
 * creation, the demo and the benchmark iterate over {@link SignalFamilies#ALL}.
 *
 * @param name short name, used in processor, store and repartition names (e.g. {@code login})
 * @param topic topic base name without prefix and version (e.g. {@code signals.login})
 * @param type the Avro-generated value class
 * @param keyedBy what the key is, for people (e.g. {@code subject}, {@code device})
 * @param key the key a record belongs under; the topology re-keys by it so that results do not
 *     depend on the producer's partitioner
 * @param eventId the event's id, for de-duplication and evidence links
 * @param eventTime when the event happened (event time), checked against the accepted bounds
 * @param validation the first problem with a record, if any (it then goes to the dead-letter topic)
 * @param <E> the value type
 */
public record SignalFamily<E extends SpecificRecord>(
    String name,
    String topic,
    Class<E> type,
    String keyedBy,
    Function<E, String> key,
    Function<E, String> eventId,
    Function<E, Instant> eventTime,
    Function<E, Optional<String>> validation) {

  /** Validates the components. */
  public SignalFamily {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(keyedBy, "keyedBy");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(eventTime, "eventTime");
    Objects.requireNonNull(validation, "validation");
  }
}
