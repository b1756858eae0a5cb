package dev.vigil.app.ssf;

import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A small replicated key/value table of JSON texts: SSF stream configurations and poll positions.
 * The Kafka implementation keeps it in a compacted topic so every instance sees every stream and
 * nothing is lost on restart.
 */
public interface JsonTable extends AutoCloseable {

  /** The value of a key, if any. */
  Optional<String> get(String key);

  /** A snapshot of every entry. */
  Map<String, String> all();

  /** Writes a value durably; visible to this instance on return. */
  void put(String key, String value);

  /** Deletes a key durably (a tombstone). */
  void delete(String key);

  /** Calls {@code listener(key, valueOrNull)} on every change, local or from another instance. */
  void onChange(BiConsumer<String, String> listener);

  @Override
  default void close() {}
}
