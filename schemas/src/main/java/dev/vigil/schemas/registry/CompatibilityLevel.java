package dev.vigil.schemas.registry;

import java.util.Locale;

/** The compatibility levels of the Confluent Schema Registry. */
public enum CompatibilityLevel {
  /** No check. */
  NONE(false, false, false),
  /** The new schema can read data written with the latest version. */
  BACKWARD(true, false, false),
  /** The new schema can read data written with every earlier version. */
  BACKWARD_TRANSITIVE(true, false, true),
  /** The latest version can read data written with the new schema. */
  FORWARD(false, true, false),
  /** Every earlier version can read data written with the new schema. */
  FORWARD_TRANSITIVE(false, true, true),
  /** Both backward and forward against the latest version. */
  FULL(true, true, false),
  /** Both backward and forward against every earlier version. */
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Whether the new schema must read data written with earlier ones. */
  public boolean backward() {
    return backward;
  }

  /** Whether earlier schemas must read data written with the new one. */
  public boolean forward() {
    return forward;
  }

  /** Whether the check covers every earlier version, not just the latest. */
  public boolean transitive() {
    return transitive;
  }

  /**
   * Parses a level name, case-insensitively.
   *
   * @throws IllegalArgumentException naming the accepted values if the name is unknown
   */
  public static CompatibilityLevel parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Compatibility level '"
              + name
              + "' is unknown: use one of "
              + java.util.Arrays.toString(values())
              + ".",
          e);
    }
  }
}
