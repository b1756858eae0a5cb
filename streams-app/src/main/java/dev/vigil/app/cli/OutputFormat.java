package dev.vigil.app.cli;

/** Output format of commands that print records: lines for people, or one JSON object per line. */
public enum OutputFormat {
  /** Lines for people. */
  TEXT,
  /** One JSON object per line. */
  JSON
}
