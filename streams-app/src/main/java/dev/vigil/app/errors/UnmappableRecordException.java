package dev.vigil.app.errors;

/**
 * A raw source record that its ingest mapping rejects (missing field, bad time stamp, not JSON); it
 * goes to the dead-letter topic with the mapping's reason in the {@link
 * DeadLetters#HEADER_INGEST_REASON} header.
 */
public final class UnmappableRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String format;
  private final String ingestReason;

  /**
   * Creates the exception.
   *
   * @param format the ingest format or mapping name
   * @param ingestReason the mapping's reason code, e.g. {@code missing-field:TargetUserName}
   * @param detail one sentence for people
   */
  public UnmappableRecordException(String format, String ingestReason, String detail) {
    super(
        "Record not mapped by " + format + " (" + ingestReason + "): " + detail,
        null,
        false,
        false);
    this.format = format;
    this.ingestReason = ingestReason;
  }

  /** The ingest format or mapping name. */
  public String format() {
    return format;
  }

  /** The mapping's reason code. */
  public String ingestReason() {
    return ingestReason;
  }
}
