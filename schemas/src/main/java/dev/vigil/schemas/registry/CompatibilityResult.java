package dev.vigil.schemas.registry;

import java.util.List;

/**
 * The answer to a compatibility check.
 *
 * @param compatible whether the schema may be registered
 * @param messages the reasons in plain words when it may not; may be empty
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {

  /** Copies the messages. */
  public CompatibilityResult {
    messages = List.copyOf(messages);
  }

  /** A compatible result with no messages. */
  public static CompatibilityResult ok() {
    return new CompatibilityResult(true, List.of());
  }
}
