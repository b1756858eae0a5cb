package dev.vigil.risk.detect;

import dev.vigil.risk.detect.access.AccessDetectors;
import dev.vigil.risk.detect.device.DeviceDetectors;
import dev.vigil.risk.detect.external.ExternalDetectors;
import dev.vigil.risk.detect.login.LoginDetectors;
import dev.vigil.risk.detect.network.NetworkDetectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every detector, registered under the event class it reads. Adding a detector to a signal family
 * is one {@link #register} call here (or on a catalog passed to the topology); the topology wires
 * each (event class, key scope) group to one named processor and one baseline store.
 */
public final class DetectorCatalog {

  private final Map<Class<?>, List<Detector<?, ?>>> byEventType = new LinkedHashMap<>();

  /** An empty catalog. */
  public static DetectorCatalog empty() {
    return new DetectorCatalog();
  }

  /** The built-in detectors with parameters from settings. */
  public static DetectorCatalog defaults(DetectorSettings settings) {
    DetectorCatalog catalog = new DetectorCatalog();
    LoginDetectors.registerDefaults(catalog, settings);
    AccessDetectors.registerDefaults(catalog, settings);
    DeviceDetectors.registerDefaults(catalog, settings);
    NetworkDetectors.registerDefaults(catalog, settings);
    ExternalDetectors.registerDefaults(catalog, settings);
    return catalog;
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
