package dev.vigil.risk.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Detectors registered under the event class they read; the topology wires each (event class, key
 * scope) group to one named processor and one baseline store. The built-in catalog is {@code
 * SignalFamilies.catalog(settings)}.
 */
public final class DetectorCatalog {

  private final Map<Class<?>, List<Detector<?, ?>>> byEventType = new LinkedHashMap<>();

  /** An empty catalog. */
  public static DetectorCatalog empty() {
    return new DetectorCatalog();
  }

  /**
   * Registers a detector for events of the given class.
   *
   * @throws IllegalArgumentException if a detector with the same id is already registered
   */
  public <E> DetectorCatalog register(Class<E> eventType, Detector<E, ?> detector) {
    for (List<Detector<?, ?>> list : byEventType.values()) {
      for (Detector<?, ?> d : list) {
        if (d.id().equals(detector.id())) {
          throw new IllegalArgumentException(
              "A detector with id '" + detector.id() + "' is already registered.");
        }
      }
    }
    byEventType.computeIfAbsent(eventType, k -> new ArrayList<>()).add(detector);
    return this;
  }

  /** The detectors reading the given event class whose baseline lives under the given scope. */
  @SuppressWarnings("unchecked")
  public <E> List<Detector<E, ?>> detectors(Class<E> eventType, KeyScope scope) {
    List<Detector<E, ?>> out = new ArrayList<>();
    for (Detector<?, ?> d : byEventType.getOrDefault(eventType, List.of())) {
      if (d.scope() == scope) {
        out.add((Detector<E, ?>) d);
      }
    }
    return out;
  }

  /** Every detector id a registered detector writes on its findings, in registration order. */
  public List<String> findingIds() {
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    byEventType.values().forEach(list -> list.forEach(d -> ids.addAll(d.findingIds())));
    return List.copyOf(ids);
  }

  /** Every registered detector id, in registration order. */
  public List<String> ids() {
    List<String> ids = new ArrayList<>();
    byEventType.values().forEach(list -> list.forEach(d -> ids.add(d.id())));
    return ids;
  }
}
