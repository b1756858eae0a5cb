package dev.vigil.app.topology;

import dev.vigil.app.errors.InvalidSignalException;
import dev.vigil.app.metrics.VigilMetrics;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Passes on signals whose values are in range; rejects the others with an {@link
 * InvalidSignalException}, which the processing-exception handler sends to the dead-letter topic
 * with the original bytes.
 *
 * @param <V> the signal type
 */
final class ValidationProcessor<V> implements FixedKeyProcessor<String, V, V> {

  private final String signal;
  private final Function<V, Optional<String>> check;
  private final VigilMetrics metrics;
  private FixedKeyProcessorContext<String, V> context;

  ValidationProcessor(String signal, Function<V, Optional<String>> check, VigilMetrics metrics) {
    this.signal = signal;
    this.check = check;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, V> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, V> record) {
    if (record.value() == null) {
      return; // A tombstone on a signal topic carries nothing to score.
    }
    Optional<String> problem = check.apply(record.value());
    if (problem.isPresent()) {
      metrics.event(signal, VigilMetrics.INVALID);
      throw new InvalidSignalException(
          "Rejected " + signal + " signal with key '" + record.key() + "': " + problem.get() + ".");
    }
    metrics.event(signal, VigilMetrics.ACCEPTED);
    context.forward(record);
  }
}
