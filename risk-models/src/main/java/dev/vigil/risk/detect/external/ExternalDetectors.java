package dev.vigil.risk.detect.external;

import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.ExternalSignal;

/** Registration of the external-signal detector, over {@link ExternalSignal}, keyed by subject. */
public final class ExternalDetectors {

  private ExternalDetectors() {}

  /** Registers the external-signal detector with parameters from settings. */
  public static void registerDefaults(DetectorCatalog catalog, DetectorSettings settings) {
    catalog.register(ExternalSignal.class, new ExternalSignalDetector(settings));
  }
}
