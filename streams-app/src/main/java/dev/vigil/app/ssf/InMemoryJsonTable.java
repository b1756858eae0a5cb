package dev.vigil.app.ssf;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** A {@link JsonTable} in memory only: for tests and single-process tools; a restart loses it. */
public final class InMemoryJsonTable implements JsonTable {

  private final Map<String, String> map = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(map.get(key));
  }

  @Override
  public Map<String, String> all() {
    return Map.copyOf(map);
  }

  @Override
  public void put(String key, String value) {
    map.put(key, value);
    listeners.forEach(l -> l.accept(key, value));
  }

  @Override
  public void delete(String key) {
    map.remove(key);
    listeners.forEach(l -> l.accept(key, null));
  }

  @Override
  public void onChange(BiConsumer<String, String> listener) {
    listeners.add(listener);
  }
}
