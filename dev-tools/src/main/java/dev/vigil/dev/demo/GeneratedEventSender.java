package dev.vigil.dev.demo;

import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.risk.signal.SignalFamily;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends generated events to their topics, stamped with their own event time. */
public final class GeneratedEventSender {

  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, Topic<String, ?>> byStream = new HashMap<>();

  /** A sender over a byte-array producer, serialising with the topics' own serdes. */
  public GeneratedEventSender(KafkaProducer<byte[], byte[]> producer, Topics topics) {
    this.producer = producer;
    this.byStream.putAll(topicsByStream(topics));
  }

  /**
   * The topic of each generated stream: a signal family's stream is named after the family, and
   * reference data has its own topics.
   */
  public static Map<String, Topic<String, ?>> topicsByStream(Topics topics) {
    Map<String, Topic<String, ?>> byStream = new HashMap<>();
    for (SignalFamily<?> family : SignalFamilies.ALL) {
      byStream.put(family.name(), signalTopic(topics, family));
    }
    byStream.put(GeneratedEvent.THREAT_INTEL, topics.threatIntel());
    byStream.put(GeneratedEvent.SERVICE_EDGE, topics.serviceEdges());
    byStream.put(GeneratedEvent.NETWORK, topics.networks());
    return byStream;
  }

  private static <E extends SpecificRecord> Topic<String, E> signalTopic(
      Topics topics, SignalFamily<E> family) {
    return topics.signal(family.topic(), family.type());
  }

  /** Sends the events (asynchronously) and returns how many were sent. */
  public long send(Stream<GeneratedEvent> events) {
    long[] n = {0};
    events.forEach(
        e -> {
          Topic<String, ?> topic = byStream.get(e.stream());
          producer.send(
              new ProducerRecord<>(
                  topic.name(),
                  null,
                  e.timestamp().toEpochMilli(),
                  topic.keySerde().serializer().serialize(topic.name(), e.key()),
                  serializeValue(topic, e.value())));
          n[0]++;
        });
    return n[0];
  }

  @SuppressWarnings("unchecked")
  private static <V> byte[] serializeValue(Topic<String, V> topic, SpecificRecord value) {
    return topic.valueSerde().serializer().serialize(topic.name(), (V) value);
  }
}
