package dev.vigil.app.ingest;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;

/** What became of one source record: a typed signal, or a reason why not. */
public sealed interface MappingResult {

  /**
   * A record mapped to a typed signal.
   *
   * @param signal the signal type
   * @param key the record key on the signal topic (subject, device or source workload)
   * @param value the signal
   */
  record Mapped(SignalType signal, String key, SpecificRecordBase value) implements MappingResult {
    /** Validates the components. */
    public Mapped {
      Objects.requireNonNull(signal, "signal");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A record that was not mapped.
   *
   * @param reason a short code, e.g. {@code unsupported-event-id}, {@code
   *     missing-field:TargetUserName}
   * @param rejected true when the record should have been mappable (missing or malformed data);
   *     false when the mapping deliberately ignores it (a record type it does not cover)
   * @param detail one sentence for people
   */
  record Skipped(String reason, boolean rejected, String detail) implements MappingResult {
    /** Validates the components. */
    public Skipped {
      Objects.requireNonNull(reason, "reason");
      detail = detail == null ? reason : detail;
    }
  }
}
