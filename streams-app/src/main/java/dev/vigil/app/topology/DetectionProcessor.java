package dev.vigil.app.topology;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.schema.RiskFinding;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Thin adapter from a {@link DetectionEngine} to Kafka Streams: loads the key's baselines, lets the
 * detectors observe the event, stores the baselines and forwards findings keyed by subject.
 *
 * @param <E> the event type
 */
final class DetectionProcessor<E> implements Processor<String, E, String, RiskFinding> {

  private final String storeName;
  private final DetectionEngine<E> engine;
  private final DetectionContext detection;
  private final VigilMetrics metrics;
  private ProcessorContext<String, RiskFinding> context;
  private KeyValueStore<String, BaselineBundle> store;

  DetectionProcessor(
      String storeName,
      DetectionEngine<E> engine,
      DetectionContext detection,
      VigilMetrics metrics) {
    this.storeName = storeName;
    this.engine = engine;
    this.detection = detection;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, RiskFinding> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, E> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    BaselineBundle bundle = store.get(record.key());
    if (bundle == null) {
      bundle = new BaselineBundle();
    }
    var findings = engine.observe(record.value(), bundle, detection);
    store.put(record.key(), bundle);
    for (RiskFinding finding : findings) {
      metrics.finding(finding.getDetectorId());
      context.forward(record.withKey(finding.getSubjectId()).withValue(finding));
    }
  }
}
