package dev.vigil.risk.signal;

import dev.vigil.risk.detect.KeyScope;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * Detectors that share one event type and one key scope, and so one baseline store: what they read
 * (inputs from one or more signal families, each adapted to the group's event type and keyed by the
 * group's scope) and when they run without input (a wall-clock tick).
 *
 * @param store store family name; the baseline store is {@code <store>-<scope>-baselines}
 * @param type the event type the detectors read
 * @param scope the key the baselines live under
 * @param eventId the event's id, for de-duplication
 * @param inputs the signal families that feed the group
 * @param tick a signal made for every key on a wall-clock schedule, or null
 * @param <S> the event type
 */
public record DetectorGroup<S>(
    String store,
    Class<S> type,
    KeyScope scope,
    Function<S, String> eventId,
    List<Input<?, S>> inputs,
    BiFunction<String, Instant, S> tick) {

  /** Validates the components. */
  public DetectorGroup {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(eventId, "eventId");
    inputs = List.copyOf(inputs);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("Detector group '" + store + "' has no input.");
    }
  }

  /**
   * One family feeding a group.
   *
   * @param family the family
   * @param adapt the family's record as the group's event type, or empty to skip it
   * @param rekey the key under the group's scope, or null when it is the family's own key; records
   *     with no such key are skipped
   * @param <E> the family's value type
   * @param <S> the group's event type
   */
  public record Input<E extends SpecificRecord, S>(
      SignalFamily<E> family, Function<E, Optional<S>> adapt, Function<E, String> rekey) {

    /** Validates the components. */
    public Input {
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(adapt, "adapt");
    }
  }

  /** A family read as it is, under its own key. */
  public static <E extends SpecificRecord> Input<E, E> same(SignalFamily<E> family) {
    return new Input<>(family, Optional::of, null);
  }

  /** A family adapted to the group's type, under its own key. */
  public static <E extends SpecificRecord, S> Input<E, S> adapted(
      SignalFamily<E> family, Function<E, Optional<S>> adapt) {
    return new Input<>(family, adapt, null);
  }

  /** A family adapted to the group's type and re-keyed by the group's scope. */
  public static <E extends SpecificRecord, S> Input<E, S> rekeyed(
      SignalFamily<E> family, Function<E, Optional<S>> adapt, Function<E, String> rekey) {
    return new Input<>(family, adapt, Objects.requireNonNull(rekey, "rekey"));
  }
}
