package dev.vigil.jmh;

import dev.vigil.app.serde.BaselineBundleSerde;
import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.BaselineBundleCodec;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.signal.DetectorGroup;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One event through one detector group as its processor in the topology handles it: the key's
 * {@link BaselineBundle} read from its stored bytes ({@link BaselineBundleSerde}, as in the
 * topology), {@link DetectionEngine#observe}, the bundle written back to bytes. The key is the
 * group's busiest in the workload, its baselines warmed by all but its last {@value #LIVE_EVENTS}
 * events; each invocation starts from those warm bytes and observes the next of the last events in
 * turn, so the state does not drift between invocations.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DetectionBenchmark {

  /** Events held back from the warm-up and observed by the benchmark, in turn. */
  public static final int LIVE_EVENTS = 16;

  /** The detector group (see {@link Workload#group}). */
  @Param({
    "login-subject",
    "login-source-ip",
    "access-subject",
    "device-device",
    "network-subject",
    "external-subject"
  })
  public String group;

  private Cycle<?> cycle;

  /** Warms the busiest key's baselines. */
  @Setup(Level.Trial)
  public void setUp() {
    cycle = Cycle.of(Workload.get(), Workload.group(group));
    System.out.printf(
        "%n%s: key %s, %d events to warm up, %d observed in turn, bundle %d bytes%n",
        group, cycle.key, cycle.warmEvents, cycle.events.size(), cycle.warmBytes.length);
  }

  /** Decode, observe, encode. */
  @Benchmark
  public void observe(Blackhole bh) {
    cycle.next(bh);
  }

  /** The per-key loop of one group, typed. */
  private static final class Cycle<S> {
    private final DetectionEngine<S> engine;
    private final DetectionContext context;
    private final Serializer<BaselineBundle> serializer;
    private final Deserializer<BaselineBundle> deserializer;
    private final String store;
    private final String key;
    private final int warmEvents;
    private final List<S> events;
    private final byte[] warmBytes;
    private int next;

    private Cycle(Workload workload, DetectorGroup<S> group) {
      engine = workload.engine(group);
      context = workload.context();
      BaselineBundleSerde serde =
          new BaselineBundleSerde(BaselineBundleCodec.forDetectors(engine.detectors()));
      serializer = serde.serializer();
      deserializer = serde.deserializer();
      store = Workload.name(group) + "-baselines";
      Workload.Keyed<S> busiest = workload.busiestKey(group);
      key = busiest.key();
      List<S> all = busiest.events();
      int live = Math.max(1, Math.min(LIVE_EVENTS, all.size() / 2));
      warmEvents = all.size() - live;
      events = all.subList(warmEvents, all.size());
      BaselineBundle bundle = new BaselineBundle();
      for (S event : all.subList(0, warmEvents)) {
        engine.observe(event, bundle, context);
      }
      warmBytes = serializer.serialize(store, bundle);
    }

    static <S> Cycle<S> of(Workload workload, DetectorGroup<S> group) {
      return new Cycle<>(workload, group);
    }

    void next(Blackhole bh) {
      S event = events.get(next);
      next = next + 1 == events.size() ? 0 : next + 1;
      BaselineBundle bundle = deserializer.deserialize(store, warmBytes);
      bh.consume(engine.observe(event, bundle, context));
      bh.consume(serializer.serialize(store, bundle));
    }
  }
}
