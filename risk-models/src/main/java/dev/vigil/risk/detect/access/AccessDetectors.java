package dev.vigil.risk.detect.access;

import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;

/** Registration of the access-family detectors, all over {@link AccessSignal}, keyed by subject. */
public final class AccessDetectors {

  private AccessDetectors() {}

  /** Registers every access detector with parameters from settings. */
  public static void registerDefaults(DetectorCatalog catalog, DetectorSettings settings) {
    catalog.register(AccessSignal.class, new FirstResourceDetector(settings));
    catalog.register(AccessSignal.class, new RateAnomalyDetector(settings));
    catalog.register(AccessSignal.class, new SensitiveFromRiskyDeviceDetector(settings));
    catalog.register(AccessSignal.class, new DeniedBurstDetector(settings));
    catalog.register(AccessSignal.class, new ExpiredGrantDetector(settings));
    catalog.register(AccessSignal.class, new ShareEnumerationDetector(settings));
  }
}
