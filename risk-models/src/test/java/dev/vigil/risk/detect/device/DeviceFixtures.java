package dev.vigil.risk.detect.device;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders for device-family sequences, and a one-device engine to feed them to. */
final class DeviceFixtures {

  static final Instant MONDAY = Instant.parse("2025-03-03T00:00:00Z");
  static final String LAPTOP = "dev-laptop-42";

  private static int counter;

  private DeviceFixtures() {}

  /** A healthy, managed laptop's report. */
  static DevicePosture.Builder compliant(Instant at) {
    return DevicePosture.newBuilder()
        .setEventId("posture-" + (++counter))
        .setTimestamp(at)
        .setDeviceId(LAPTOP)
        .setPlatform("macos")
        .setManaged(true)
        .setDiskEncrypted(true)
        .setEdrRunning(true)
        .setFirewallEnabled(true)
        .setJailbroken(false)
        .setOsPatchAgeDays(5)
        .setSource("jamf")
        .setAttributes(Map.of());
  }

  static DeviceSignal usedBy(String subject, Instant at) {
    return DeviceSignal.ofUsage(
        LAPTOP, new DeviceUsage(subject, SubjectType.HUMAN, "use-" + (++counter), at));
  }

  /** Feeds signals for one device through the given detectors. */
  static final class Device {
    final DetectionEngine<DeviceSignal> engine;
    final BaselineBundle bundle = new BaselineBundle();
    final DetectionContext context = DetectionContext.defaults();
    final List<RiskFinding> findings = new ArrayList<>();

    Device(List<? extends Detector<DeviceSignal, ?>> detectors) {
      this.engine = new DetectionEngine<>(detectors, DeviceSignal::eventId);
    }

    static Device allDefaults() {
      DetectorCatalog catalog = DetectorCatalog.empty();
      DeviceDetectors.registerDefaults(catalog, DetectorSettings.defaults());
      return new Device(catalog.detectors(DeviceSignal.class, KeyScope.DEVICE));
    }

    List<RiskFinding> feed(DeviceSignal signal) {
      List<RiskFinding> out = engine.observe(signal, bundle, context);
      findings.addAll(out);
      return out;
    }

    List<RiskFinding> feed(DevicePosture.Builder posture) {
      return feed(DeviceSignal.ofPosture(posture.build()));
    }
  }
}
