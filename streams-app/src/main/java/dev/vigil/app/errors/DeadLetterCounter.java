package dev.vigil.app.errors;

/**
 * Counts dead letters; implemented by Vigil's meters, so the error handlers do not depend on the
 * metrics package (which depends on this one for the list of reasons).
 */
public interface DeadLetterCounter {

  /** Counts nothing (handlers configured without meters). */
  DeadLetterCounter NONE =
      new DeadLetterCounter() {
        @Override
        public void deadLetter(String reason, String topic) {}

        @Override
        public void deadLetterUndecoded(String reason, String topic) {}
      };

  /** A record that could be read but not processed went to the dead-letter topic. */
  void deadLetter(String reason, String topic);

  /** A record that could not be read went to the dead-letter topic. */
  void deadLetterUndecoded(String reason, String topic);
}
