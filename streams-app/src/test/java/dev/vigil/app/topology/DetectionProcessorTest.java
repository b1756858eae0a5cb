package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.serde.BaselineBundleSerde;
import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.BaselineBundleCodec;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.StateCodec;
import dev.vigil.schema.RiskFinding;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class DetectionProcessorTest {

  private static final String STORE = "test-subject-baselines";

  /** Counts events that start with "learn"; other events leave the baseline alone. */
  static final class Counting implements Detector<String, Counting.State> {
    /** The baseline. */
    static final class State {
      int learned;
    }

    @Override
    public String id() {
      return "test.counting";
    }

    @Override
    public Class<State> stateType() {
      return State.class;
    }

    @Override
    public State newState() {
      return new State();
    }

    @Override
    public List<RiskFinding> observe(String event, State state, DetectionContext context) {
      if (event.startsWith("learn")) {
        state.learned++;
      }
      return List.of();
    }
  }

  private final DetectionEngine<String> engine =
      new DetectionEngine<>(List.of(new Counting()), e -> e);
  private final AtomicInteger puts = new AtomicInteger();
  private final MockProcessorContext<String, RiskFinding> context = new MockProcessorContext<>();
  private final KeyValueStore<String, BaselineBundle> store = countingStore();
  private final DetectionProcessor<String> processor =
      new DetectionProcessor<>(
          STORE, engine, DetectionContext.defaults(), VigilMetrics.inMemory(), null);

  @Test
  void shouldStoreTheBundleOnlyWhenSomethingChanged() {
    // Given
    processor.init(context);

    // When
    processor.process(new Record<>("alice", "learn-1", 0L));
    processor.process(new Record<>("alice", "learn-2", 1L));
    int afterLearning = puts.get();
    processor.process(new Record<>("alice", "learn-2", 2L));

    // Then
    assertThat(afterLearning).isEqualTo(2);
    assertThat(puts.get()).as("a duplicate stores nothing").isEqualTo(2);
    assertThat(learned(store.get("alice"))).isEqualTo(2);
  }

  @Test
  void shouldLearnFromTheStoredBaselineWhenTheStoreNoLongerHoldsWhatTheProcessorWrote() {
    // Given a processor that wrote a baseline, then a store rolled back to an older value
    processor.init(context);
    processor.process(new Record<>("alice", "learn-1", 0L));
    BaselineBundle older = store.get("alice");
    processor.process(new Record<>("alice", "learn-2", 1L));
    store.put("alice", older);

    // When
    processor.process(new Record<>("alice", "learn-3", 2L));

    // Then: 1 (restored) + 1, not 2 (cached) + 1
    assertThat(learned(store.get("alice"))).isEqualTo(2);
  }

  private static int learned(BaselineBundle bundle) {
    return StateCodec.decode(bundle.baselines.get("test.counting"), Counting.State.class).learned;
  }

  @SuppressWarnings("unchecked")
  private KeyValueStore<String, BaselineBundle> countingStore() {
    KeyValueStore<String, BaselineBundle> real =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(STORE),
                Serdes.String(),
                new BaselineBundleSerde(BaselineBundleCodec.forDetectors(engine.detectors())))
            .withLoggingDisabled()
            .build();
    real.init(context.getStateStoreContext(), real);
    KeyValueStore<String, BaselineBundle> counting =
        (KeyValueStore<String, BaselineBundle>)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {KeyValueStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("put")) {
                    puts.incrementAndGet();
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    context.addStateStore(counting);
    return counting;
  }
}
