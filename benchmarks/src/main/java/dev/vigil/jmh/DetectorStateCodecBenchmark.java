package dev.vigil.jmh;

import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.StateCodec;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.schema.LoginEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding and decoding of every enabled subject-scoped login detector's state through {@link
 * BaselineCodec} (CBOR, what {@link DetectionEngine} did before) and through {@link StateCodec}
 * (the compact format it uses now), what {@link DetectionEngine} does for each detector on every
 * sign-in, for the subject with the most sign-ins in the workload after its whole history.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DetectorStateCodecBenchmark {

  private final List<Object> states = new ArrayList<>();
  private final List<byte[]> stateBytes = new ArrayList<>();
  private final List<Class<?>> stateTypes = new ArrayList<>();
  private final List<byte[]> compactBytes = new ArrayList<>();

  /** Builds the busiest subject's login detector states. */
  @Setup(Level.Trial)
  public void setUp() {
    Workload workload = Workload.get();
    Workload.Keyed<LoginEvent> subject = workload.busiestKey(SignalFamilies.LOGIN_BY_SUBJECT);
    for (Detector<LoginEvent, ?> detector :
        workload.engine(SignalFamilies.LOGIN_BY_SUBJECT).detectors()) {
      if (workload.context().settings().enabled(detector.id())) {
        Object state = warmState(detector, subject.events(), workload.context());
        byte[] bytes = BaselineCodec.encode(state);
        states.add(state);
        stateTypes.add(detector.stateType());
        stateBytes.add(bytes);
        byte[] compact = StateCodec.encode(state);
        compactBytes.add(compact);
        System.out.printf(
            "%n%s: %d bytes CBOR, %d compact", detector.id(), bytes.length, compact.length);
      }
    }
    System.out.printf(
        "%nlogin detector states of %s after %d sign-ins: %d states, %d bytes%n",
        subject.key(),
        subject.events().size(),
        states.size(),
        stateBytes.stream().mapToInt(b -> b.length).sum());
    System.out.printf("compact: %d bytes%n", compactBytes.stream().mapToInt(b -> b.length).sum());
  }

  private static <E, S> S warmState(
      Detector<E, S> detector, List<E> events, DetectionContext context) {
    S state = detector.newState();
    for (E event : events) {
      detector.observe(event, state, context);
    }
    return state;
  }

  /** Every state to bytes: the engine's encodes for one sign-in. */
  @Benchmark
  public void encodeLoginStates(Blackhole bh) {
    for (Object state : states) {
      bh.consume(BaselineCodec.encode(state));
    }
  }

  /** Every state from bytes: the engine's decodes for one sign-in. */
  @Benchmark
  public void decodeLoginStates(Blackhole bh) {
    for (int i = 0; i < stateBytes.size(); i++) {
      bh.consume(BaselineCodec.decode(stateBytes.get(i), stateTypes.get(i)));
    }
  }

  /** Every state to bytes in the compact format. */
  @Benchmark
  public void encodeLoginStatesCompact(Blackhole bh) {
    for (Object state : states) {
      bh.consume(StateCodec.encode(state));
    }
  }

  /** Every state from bytes in the compact format. */
  @Benchmark
  public void decodeLoginStatesCompact(Blackhole bh) {
    for (int i = 0; i < compactBytes.size(); i++) {
      bh.consume(StateCodec.decode(compactBytes.get(i), stateTypes.get(i)));
    }
  }
}
