package dev.vigil.app.topology;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.schema.RiskFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Thin adapter from a {@link DetectionEngine} to Kafka Streams: loads the key's baselines, lets the
 * detectors observe the event, stores the baselines (only when something changed: not for a
 * duplicate, nor for an event no baseline learned from) and forwards findings keyed by subject.
 *
 * @param <E> the event type
 */
final class DetectionProcessor<E> implements Processor<String, E, String, RiskFinding> {

  /** How many keys' decoded baselines each processor keeps in memory. */
  static final int DECODED_KEYS = 1024;

  private final String storeName;
  private final DetectionEngine<E> engine;
  private final DetectionContext detection;
  private final VigilMetrics metrics;
  private final Tick<E> tick;
  private ProcessorContext<String, RiskFinding> context;
  private KeyValueStore<String, BaselineBundle> store;

  /**
   * The bundles of the keys seen last, with their decoded baselines: the next event of the same key
   * reuses a decoded baseline wherever the store still holds the same bytes (always, unless the
   * store was restored or a transaction aborted in between), instead of decoding it again.
   */
  private final Map<String, BaselineBundle> recent = new RecentlyUsed<>(DECODED_KEYS);

  /**
   * A signal made for every key on a wall-clock schedule, for what must be noticed when nothing
   * arrives (stale device posture).
   *
   * @param <E> the event type
   * @param interval how often
   * @param signal the signal for a key at a time
   */
  record Tick<E>(Duration interval, BiFunction<String, Instant, E> signal) {}

  DetectionProcessor(
      String storeName,
      DetectionEngine<E> engine,
      DetectionContext detection,
      VigilMetrics metrics,
      Tick<E> tick) {
    this.storeName = storeName;
    this.engine = engine;
    this.detection = detection;
    this.metrics = metrics;
    this.tick = tick;
  }

  @Override
  public void init(ProcessorContext<String, RiskFinding> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    recent.clear();
    if (tick != null) {
      context.schedule(tick.interval(), PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }
  }

  private void onTick(long wallClockMillis) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, BaselineBundle> it = store.all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    Instant now = Instant.ofEpochMilli(wallClockMillis);
    for (String key : keys) {
      observe(key, tick.signal().apply(key, now), wallClockMillis);
    }
  }

  @Override
  public void process(Record<String, E> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    observe(record.key(), record.value(), record.timestamp());
  }

  private void observe(String key, E event, long timestamp) {
    BaselineBundle bundle = store.get(key);
    // Taken out while the detectors run: if one fails half-way, no half-updated object stays.
    BaselineBundle earlier = recent.remove(key);
    if (bundle == null) {
      bundle = new BaselineBundle();
    } else {
      bundle.adoptDecodedStates(earlier);
    }
    var findings = engine.observe(event, bundle, detection);
    if (bundle.changed()) {
      store.put(key, bundle);
    }
    recent.put(key, bundle);
    for (RiskFinding finding : findings) {
      metrics.finding(finding.getDetectorId());
      context.forward(new Record<>(finding.getSubjectId(), finding, timestamp));
    }
  }
}
