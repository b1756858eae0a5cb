package dev.vigil.jmh;

import dev.vigil.app.serde.CborSerde;
import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.signal.DetectorGroup;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding and decoding of a whole {@link BaselineBundle} through the store serde ({@link
 * CborSerde}), what every detector processor does once each per event, for the busiest key of a
 * detector group after the workload's whole history.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BaselineCodecBenchmark {

  /** The detector group whose busiest key's bundle is coded (see {@link Workload#group}). */
  @Param({
    "login-subject",
    "login-source-ip",
    "access-subject",
    "device-device",
    "network-subject",
    "external-subject"
  })
  public String group;

  private Serializer<BaselineBundle> serializer;
  private Deserializer<BaselineBundle> deserializer;
  private String store;
  private BaselineBundle bundle;
  private byte[] bundleBytes;

  /** Builds the busiest key's bundle. */
  @Setup(Level.Trial)
  public void setUp() {
    Workload workload = Workload.get();
    CborSerde<BaselineBundle> serde = new CborSerde<>(BaselineBundle.class);
    serializer = serde.serializer();
    deserializer = serde.deserializer();
    DetectorGroup<?> detectorGroup = Workload.group(group);
    store = Workload.name(detectorGroup) + "-baselines";
    bundle = warmBundle(workload, detectorGroup);
    bundleBytes = serializer.serialize(store, bundle);
    System.out.printf("%n%s: bundle of the busiest key %d bytes%n", group, bundleBytes.length);
  }

  private static <S> BaselineBundle warmBundle(Workload workload, DetectorGroup<S> group) {
    Workload.Keyed<S> key = workload.busiestKey(group);
    DetectionEngine<S> engine = workload.engine(group);
    BaselineBundle bundle = new BaselineBundle();
    for (S event : key.events()) {
      engine.observe(event, bundle, workload.context());
    }
    return bundle;
  }

  /** Store serde: bundle to bytes (every detector processor, once per event). */
  @Benchmark
  public byte[] encodeBundle() {
    return serializer.serialize(store, bundle);
  }

  /** Store serde: bytes to bundle (every detector processor, once per event). */
  @Benchmark
  public BaselineBundle decodeBundle() {
    return deserializer.deserialize(store, bundleBytes);
  }
}
