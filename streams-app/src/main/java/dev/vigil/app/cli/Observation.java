package dev.vigil.app.cli;

import org.apache.avro.specific.SpecificRecord;

/**
 * An output record the demo saw, with when it arrived.
 *
 * @param kind alert, command, audit or dead-letter
 * @param subject the record key
 * @param value the record (null for dead letters)
 * @param receivedAtMillis wall-clock arrival
 */
public record Observation(Kind kind, String subject, SpecificRecord value, long receivedAtMillis) {

  /** What the record is. */
  public enum Kind {
    ALERT,
    COMMAND,
    AUDIT,
    DEAD_LETTER
  }
}
