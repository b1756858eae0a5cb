package dev.vigil.it;

/** A real Kafka broker for integration tests, however it is provided. */
interface KafkaBroker extends AutoCloseable {

  /** Bootstrap servers of the broker. */
  String bootstrapServers();

  /** What provides it, for test output. */
  String description();

  @Override
  void close();
}
