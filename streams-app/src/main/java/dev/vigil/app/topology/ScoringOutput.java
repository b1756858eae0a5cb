package dev.vigil.app.topology;

import org.apache.avro.specific.SpecificRecord;

/**
 * One record produced by the scoring stage, tagged with where it goes.
 *
 * @param kind the destination
 * @param value the record
 */
record ScoringOutput(Kind kind, SpecificRecord value) {

  /** Destinations of the scoring stage. */
  enum Kind {
    SCORE,
    ALERT,
    COMMAND,
    AUDIT
  }
}
