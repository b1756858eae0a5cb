package dev.vigil.app.topology;

import dev.vigil.app.errors.InvalidSignalException;
import dev.vigil.app.errors.TimestampOutOfRangeException;
import dev.vigil.app.metrics.VigilMetrics;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Passes on signals whose values are in range; rejects the others with an {@link
 * InvalidSignalException}, which the processing-exception handler sends to the dead-letter topic
 * with the original bytes. An event time outside {@link TimestampBounds} is rejected with a {@link
 * TimestampOutOfRangeException} before it can reach a baseline.
 *
 * @param <V> the signal type
 */
final class ValidationProcessor<V> implements FixedKeyProcessor<String, V, V> {

  private final String signal;
  private final Function<V, Optional<String>> check;
  private final Function<V, Instant> eventTime;
  private final VigilMetrics metrics;
  private FixedKeyProcessorContext<String, V> context;
  private TimestampBounds bounds;

  ValidationProcessor(
      String signal,
      Function<V, Optional<String>> check,
      Function<V, Instant> eventTime,
      VigilMetrics metrics) {
    this.signal = signal;
    this.check = check;
    this.eventTime = eventTime;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, V> context) {
    this.context = context;
    this.bounds = TimestampBounds.from(context.appConfigs());
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
    Optional<String> time =
        bounds.problem(
            "event time", eventTime.apply(record.value()), context.currentSystemTimeMs());
    if (time.isPresent()) {
      metrics.event(signal, VigilMetrics.INVALID);
      throw new TimestampOutOfRangeException(
          "Rejected " + signal + " signal with key '" + record.key() + "': " + time.get() + ".");
    }
    metrics.event(signal, VigilMetrics.ACCEPTED);
    context.forward(record);
  }
}
