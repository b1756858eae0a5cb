package dev.vigil.risk.detect;

import dev.vigil.schema.RiskFinding;
import java.util.List;

/**
 * One detector over one signal family: it reads an event against a bounded baseline, updates the
 * baseline and returns zero or more findings. Implementations are deterministic functions of
 * (baseline, event, reference data): event time only, never the wall clock.
 *
 * @param <E> the event type
 * @param <S> the baseline type; a mutable class whose fields Jackson can serialise
 */
public interface Detector<E, S> {

  /** Stable id such as {@code login.impossible-travel}; also the key of its baseline. */
  String id();

  /**
   * Every detector id this detector writes on its findings (policy rules may name exactly these).
   * Most detectors emit only their own id; one that raises several kinds of finding lists them all.
   */
  default java.util.Set<String> findingIds() {
    return java.util.Set.of(id());
  }

  /** The key the baseline is kept under. */
  default KeyScope scope() {
    return KeyScope.SUBJECT;
  }

  /** The baseline class, for (de)serialisation. */
  Class<S> stateType();

  /** A baseline for a key never seen before. */
  S newState();

  /**
   * Whether {@link #observe} may do anything with this event: false only when it would return no
   * finding and leave any baseline as it was, so the engine need not decode, observe nor encode
   * this detector's baseline for it. Must depend on the event and the context only, never on the
   * baseline. The default reads every event.
   */
  default boolean reads(E event, DetectionContext context) {
    return true;
  }

  /**
   * Evaluates one event and updates the baseline in place.
   *
   * @return findings, each carrying the ids of the events behind it; empty when nothing is wrong
   */
  List<RiskFinding> observe(E event, S state, DetectionContext context);
}
