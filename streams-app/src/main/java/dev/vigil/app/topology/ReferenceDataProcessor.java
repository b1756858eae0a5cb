package dev.vigil.app.topology;

import java.util.function.BiConsumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintains a global reference store and mirrors it into an in-memory index that detectors can
 * query (CIDR and ASN matching need more than key look-ups). On start it reloads the index from the
 * restored store; a record that cannot be indexed is logged and skipped.
 *
 * @param <V> the reference record type
 */
final class ReferenceDataProcessor<V> implements Processor<String, V, Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(ReferenceDataProcessor.class);

  private final String storeName;
  private final BiConsumer<String, V> index;
  private KeyValueStore<String, V> store;

  ReferenceDataProcessor(String storeName, BiConsumer<String, V> index) {
    this.storeName = storeName;
    this.index = index;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(kv -> apply(kv.key, kv.value));
    }
  }

  @Override
  public void process(Record<String, V> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
    apply(record.key(), record.value());
  }

  private void apply(String key, V value) {
    try {
      index.accept(key, value);
    } catch (RuntimeException e) {
      LOG.warn("Skipped reference record '{}' in {}: {}", key, storeName, e.getMessage());
    }
  }
}
