package dev.vigil.risk.signal;

import dev.vigil.risk.detect.KeyScope;
import java.time.Duration;
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
   * @param sampling which re-keyed records carry nothing new for the group and need not travel, or
   *     null to send every one
   * @param <E> the family's value type
   * @param <S> the group's event type
   */
  public record Input<E extends SpecificRecord, S>(
      SignalFamily<E> family,
      Function<E, Optional<S>> adapt,
      Function<E, String> rekey,
      Sampling<E> sampling) {

    /** Validates the components. */
    public Input {
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(adapt, "adapt");
      if (sampling != null && rekey == null) {
        throw new IllegalArgumentException("Only a re-keyed input is sampled.");
      }
    }

    /**
     * This input, sending one record per origin and group key per interval (see {@link Sampling}).
     */
    public Input<E, S> sampled(
        Function<E, String> origin, Function<E, Instant> time, Duration every) {
      return new Input<>(family, adapt, rekey, new Sampling<>(origin, time, every));
    }
  }

  /**
   * Re-keyed records that only repeat what the group was told moments ago, so need not cross a
   * repartition topic: a record is sent unless one of the same origin under the same group key was
   * sent at or before its time and less than {@code every} before it. What the group learns from
   * the records is then as of the last record sent, so at most {@code every} behind: records
   * earlier than the one sent are always sent, so the earliest time seen stays exact.
   *
   * @param origin who the record is about under its own key (a subject for an access re-keyed by
   *     device)
   * @param time the record's event time
   * @param every the interval
   * @param <E> the family's value type
   */
  public record Sampling<E>(Function<E, String> origin, Function<E, Instant> time, Duration every) {

    /** Validates the components. */
    public Sampling {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(time, "time");
      if (every == null || every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("A sampling interval must be positive.");
      }
    }
  }

  /** A family read as it is, under its own key. */
  public static <E extends SpecificRecord> Input<E, E> same(SignalFamily<E> family) {
    return new Input<>(family, Optional::of, null, null);
  }

  /** A family adapted to the group's type, under its own key. */
  public static <E extends SpecificRecord, S> Input<E, S> adapted(
      SignalFamily<E> family, Function<E, Optional<S>> adapt) {
    return new Input<>(family, adapt, null, null);
  }

  /** A family adapted to the group's type and re-keyed by the group's scope. */
  public static <E extends SpecificRecord, S> Input<E, S> rekeyed(
      SignalFamily<E> family, Function<E, Optional<S>> adapt, Function<E, String> rekey) {
    return new Input<>(family, adapt, Objects.requireNonNull(rekey, "rekey"), null);
  }
}
