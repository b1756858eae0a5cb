package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import dev.vigil.schema.SubjectType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Accesses tell the device detectors who uses a device through the access-by-device repartition
 * topic, one per subject and device per {@link SignalFamilies#DEVICE_USAGE_SAMPLING}: a burst of
 * accesses crosses it once, and the device's users are still known when its posture fails.
 */
class DeviceUsageSamplingTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  private static final String LAPTOP = "laptop-7";

  @TempDir Path stateDir;

  @Test
  void shouldSendOneAccessPerSubjectAndDevicePerIntervalAndStillTellTheDevicesUsers() {
    try (TopologyFixture vigil =
        TopologyFixture.builder(stateDir, T0).set("timestamp.max.future.skew", "365d").build()) {
      TestInputTopic<String, AccessEvent> accesses = vigil.input(vigil.topics.access());
      TestOutputTopic<String, AccessEvent> byDevice =
          vigil.driver.createOutputTopic(
              vigil.config.applicationId() + "-access-by-device-repartition",
              vigil.topics.access().keySerde().deserializer(),
              vigil.topics.access().valueSerde().deserializer());
      TestOutputTopic<String, RiskFinding> findings = vigil.output(vigil.topics.findings());
      Duration every = SignalFamilies.DEVICE_USAGE_SAMPLING;

      // When alice makes a burst of accesses from her laptop, one after the interval, one earlier
      // than all of them (arriving last), and bob one access from the same laptop
      pipe(accesses, "a1", "alice", T0);
      pipe(accesses, "a2", "alice", T0.plusSeconds(60));
      pipe(accesses, "a3", "alice", T0.plus(every).minusSeconds(1));
      pipe(accesses, "b1", "bob", T0.plusSeconds(90));
      pipe(accesses, "a4", "alice", T0.plus(every));
      pipe(accesses, "a5", "alice", T0.plus(every).plusSeconds(30));
      pipe(accesses, "a0", "alice", T0.minusSeconds(600));

      // Then the first of each interval crosses to the device, and the earlier one too
      assertThat(byDevice.readValuesToList())
          .extracting(a -> a.getEventId().toString())
          .containsExactly("a1", "b1", "a4", "a0");

      // And when the laptop reports its disk unencrypted, both users hear of it
      TestInputTopic<String, DevicePosture> posture = vigil.input(vigil.topics.devicePosture());
      Instant reported = T0.plus(every.multipliedBy(2));
      posture.pipeInput(LAPTOP, unencrypted(reported), reported);
      assertThat(findings.readValuesToList())
          .filteredOn(f -> f.getDetectorId().equals("device.non-compliant"))
          .extracting(RiskFinding::getSubjectId)
          .containsExactlyInAnyOrder("alice", "bob");
    }
  }

  private static void pipe(
      TestInputTopic<String, AccessEvent> topic, String id, String subject, Instant at) {
    topic.pipeInput(
        subject,
        AccessEvent.newBuilder()
            .setEventId(id)
            .setTimestamp(at)
            .setSubjectId(subject)
            .setSubjectType(SubjectType.HUMAN)
            .setDeviceId(LAPTOP)
            .setResource("wiki")
            .setAction("read")
            .setSensitivity(Sensitivity.INTERNAL)
            .setDecision(AccessDecision.ALLOWED)
            .setAttributes(Map.of())
            .build(),
        at);
  }

  private static DevicePosture unencrypted(Instant at) {
    return DevicePosture.newBuilder()
        .setEventId("posture-1")
        .setTimestamp(at)
        .setDeviceId(LAPTOP)
        .setPlatform("macos")
        .setManaged(true)
        .setDiskEncrypted(false)
        .setEdrRunning(true)
        .setFirewallEnabled(true)
        .setJailbroken(false)
        .setOsPatchAgeDays(5)
        .setSource("jamf")
        .setAttributes(Map.of())
        .build();
  }
}
