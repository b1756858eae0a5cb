package dev.vigil.jmh;

import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Confluent-wire-format Avro serdes of the login topic and the findings topic, as the
 * application builds them ({@link Topics} over a {@link RegistryAvroSerdeFactory}), with an
 * in-memory {@code mock://} schema registry as the topology tests use; schemas are registered in
 * the setup, so the figures are the steady state's. Inputs are {@value #RECORDS} generated sign-ins
 * and findings raised on them, used in turn.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AvroSerdeBenchmark {

  /** How many distinct records of each type are used in turn. */
  public static final int RECORDS = 64;

  private Codec<LoginEvent> logins;
  private Codec<RiskFinding> findings;

  /** Builds the serdes and the records, and registers the schemas. */
  @Setup(Level.Trial)
  public void setUp() {
    Topics topics =
        Topics.create(
            Topics.DEFAULT_PREFIX,
            RegistryAvroSerdeFactory.fromConfig(
                Map.of("schema.registry.url", "mock://jmh-" + UUID.randomUUID())));
    Workload workload = Workload.get();
    List<LoginEvent> loginEvents = new ArrayList<>();
    for (Object value : workload.events()) {
      if (value instanceof LoginEvent login && loginEvents.size() < RECORDS) {
        loginEvents.add(login);
      }
    }
    logins = new Codec<>(topics.login(), loginEvents);
    List<RiskFinding> raised = workload.findings(SignalFamilies.LOGIN_BY_SUBJECT);
    findings = new Codec<>(topics.findings(), raised.subList(0, Math.min(RECORDS, raised.size())));
    System.out.printf(
        "%n%d sign-ins, %d bytes on average; %d findings, %d bytes on average%n",
        logins.records.size(),
        logins.averageBytes(),
        findings.records.size(),
        findings.averageBytes());
  }

  /** One sign-in to bytes. */
  @Benchmark
  public byte[] serializeLogin() {
    return logins.serializeNext();
  }

  /** One sign-in from bytes. */
  @Benchmark
  public LoginEvent deserializeLogin() {
    return logins.deserializeNext();
  }

  /** One finding to bytes. */
  @Benchmark
  public byte[] serializeFinding() {
    return findings.serializeNext();
  }

  /** One finding from bytes. */
  @Benchmark
  public RiskFinding deserializeFinding() {
    return findings.deserializeNext();
  }

  /** A topic's value serde and records to use in turn, with their serialized forms. */
  private static final class Codec<V> {
    private final String topic;
    private final Serializer<V> serializer;
    private final Deserializer<V> deserializer;
    private final List<V> records;
    private final List<byte[]> bytes = new ArrayList<>();
    private int nextRecord;
    private int nextBytes;

    Codec(Topic<String, V> topic, List<V> records) {
      if (records.isEmpty()) {
        throw new IllegalStateException("No record for " + topic.name());
      }
      this.topic = topic.name();
      this.serializer = topic.valueSerde().serializer();
      this.deserializer = topic.valueSerde().deserializer();
      this.records = List.copyOf(records);
      for (V record : records) {
        bytes.add(serializer.serialize(this.topic, record));
      }
    }

    int averageBytes() {
      return (int) bytes.stream().mapToInt(b -> b.length).average().orElse(0);
    }

    byte[] serializeNext() {
      V record = records.get(nextRecord);
      nextRecord = nextRecord + 1 == records.size() ? 0 : nextRecord + 1;
      return serializer.serialize(topic, record);
    }

    V deserializeNext() {
      byte[] next = bytes.get(nextBytes);
      nextBytes = nextBytes + 1 == bytes.size() ? 0 : nextBytes + 1;
      return deserializer.deserialize(topic, next);
    }
  }
}
