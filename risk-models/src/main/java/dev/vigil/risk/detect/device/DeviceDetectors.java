package dev.vigil.risk.detect.device;

import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;

/** Registration of the device-family detectors, all over {@link DeviceSignal}, keyed by device. */
public final class DeviceDetectors {

  private DeviceDetectors() {}

  /** Registers every device detector with parameters from settings. */
  public static void registerDefaults(DetectorCatalog catalog, DetectorSettings settings) {
    catalog.register(DeviceSignal.class, new NonCompliantDetector(settings));
    catalog.register(DeviceSignal.class, new ComplianceDriftDetector(settings));
    catalog.register(DeviceSignal.class, new StalePostureDetector(settings));
  }
}
