package dev.vigil.risk.signal;

import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.DetectorSettings.Parameter;
import dev.vigil.risk.fusion.FusionSettings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every parameter of the built-in detectors and of fusion ({@code fusion.*}, {@code levels.*}),
 * read off the code itself: the catalog is built once with recording settings, so a parameter
 * exists exactly when a detector reads it, with the default the detector uses. Each detector also
 * has {@code <id>.enabled} (true).
 */
public final class DetectorParameters {

  private static final Map<String, Parameter> ALL = discover();

  private DetectorParameters() {}

  /** Every parameter by key, sorted by key. */
  public static Map<String, Parameter> all() {
    return ALL;
  }

  private static Map<String, Parameter> discover() {
    Map<String, Parameter> reads = new LinkedHashMap<>();
    DetectorSettings recording = DetectorSettings.recording(Map.of(), reads);
    DetectorCatalog catalog = SignalFamilies.catalog(recording);
    FusionSettings.from(recording);
    for (String id : catalog.ids()) {
      reads.putIfAbsent(id + ".enabled", new Parameter(id + ".enabled", "boolean", "true"));
    }
    return Collections.unmodifiableMap(new TreeMap<>(reads));
  }
}
