package dev.vigil.risk.detect;

import dev.vigil.risk.reference.ReferenceData;

/**
 * What a detector may consult beyond its own baseline.
 *
 * @param reference threat intelligence, trusted networks and allowed service edges
 * @param settings detector parameters
 */
public record DetectionContext(ReferenceData reference, DetectorSettings settings) {

  /** A context with empty reference data and default settings, for tests and tools. */
  public static DetectionContext defaults() {
    return new DetectionContext(new ReferenceData(), DetectorSettings.defaults());
  }
}
