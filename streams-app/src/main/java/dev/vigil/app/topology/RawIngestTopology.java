package dev.vigil.app.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.app.errors.UnmappableRecordException;
import dev.vigil.app.ingest.Mapping;
import dev.vigil.app.ingest.MappingResult;
import dev.vigil.app.ingest.MappingResult.Mapped;
import dev.vigil.app.ingest.MappingResult.Skipped;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.risk.signal.SignalFamily;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The streaming ingest path: raw JSON records that shippers write to {@code
 * <prefix>.raw.<format>.v1} are mapped with the same mappings as {@code vigil ingest} and written
 * to the typed signal topics, keyed by subject (or device, or source workload) with Kafka's default
 * partitioner. A record the mapping rejects goes to the dead-letter topic through the processing
 * exception handler, with the mapping's reason in the {@code vigil.dlq.ingest-reason} header;
 * records the mapping deliberately ignores (event types it does not cover) are dropped.
 */
public final class RawIngestTopology {

  private RawIngestTopology() {}

  /**
   * Adds one mapping stage per mapping, reading its raw topic, and one sink per signal type.
   *
   * @param builder the builder to add to
   * @param topics the typed topics
   * @param mappings the mappings; each reads {@code topics.raw(mapping.name())}
   */
  public static void add(StreamsBuilder builder, Topics topics, List<Mapping> mappings) {
    if (mappings.isEmpty()) {
      return;
    }
    KStream<String, SpecificRecordBase> mapped = null;
    for (Mapping mapping : mappings) {
      Topic<byte[], byte[]> raw = topics.raw(mapping.name());
      String name = "raw-" + mapping.name();
      KStream<String, SpecificRecordBase> signals =
          builder.stream(
                  raw.name(),
                  Consumed.with(raw.keySerde(), raw.valueSerde()).withName(name + "-source"))
              .process(() -> new MappingProcessor(mapping), Named.as(name + "-map"));
      mapped = mapped == null ? signals : mapped.merge(signals, Named.as(name + "-merge"));
    }
    // One sink per signal family, each to the family's typed topic.
    var branches = mapped.split(Named.as("raw-signal-"));
    for (SignalFamily<?> family : SignalFamilies.ALL) {
      branches.branch(
          (k, v) -> family.type().isInstance(v),
          Branched.withConsumer(s -> sink(s, topics, family), family.name()));
    }
  }

  private static <V extends SpecificRecord> void sink(
      KStream<String, SpecificRecordBase> stream, Topics topics, SignalFamily<V> family) {
    Topic<String, V> topic = topics.signal(family.topic(), family.type());
    stream
        .mapValues(v -> family.type().cast(v), Named.as("raw-as-" + family.name()))
        .to(
            topic.name(),
            Produced.with(topic.keySerde(), topic.valueSerde())
                .withName("raw-" + family.name() + "-sink"));
  }

  /** Maps one raw record to zero or more signals; throws for a rejected record. */
  static final class MappingProcessor
      implements Processor<byte[], byte[], String, SpecificRecordBase> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Mapping mapping;
    private ProcessorContext<String, SpecificRecordBase> context;

    MappingProcessor(Mapping mapping) {
      this.mapping = mapping;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecordBase> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      if (record.value() == null) {
        return;
      }
      String text = new String(record.value(), StandardCharsets.UTF_8);
      JsonNode json;
      try {
        json = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        throw new UnmappableRecordException(
            mapping.name(), Mapping.BAD_JSON, "Not valid JSON: " + e.getOriginalMessage());
      }
      if (json == null) {
        throw new UnmappableRecordException(mapping.name(), Mapping.BAD_JSON, "Empty record.");
      }
      List<MappingResult> results = mapping.mapDocument(json, text);
      List<Skipped> rejected = new ArrayList<>();
      for (MappingResult r : results) {
        if (r instanceof Mapped m) {
          long time = ((java.time.Instant) m.value().get("timestamp")).toEpochMilli();
          context.forward(
              new Record<String, SpecificRecordBase>(m.key(), m.value(), time, record.headers()));
        } else if (r instanceof Skipped s && s.rejected()) {
          rejected.add(s);
        }
      }
      if (!rejected.isEmpty()) {
        // The whole raw record goes to the dead-letter topic, named by its first rejection.
        Skipped first = rejected.get(0);
        throw new UnmappableRecordException(mapping.name(), first.reason(), first.detail());
      }
    }
  }
}
