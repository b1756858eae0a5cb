package dev.vigil.risk.detect.device;

import static dev.vigil.risk.detect.device.DeviceFixtures.LAPTOP;
import static dev.vigil.risk.detect.device.DeviceFixtures.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class DeviceFamilyTest {

  /** A shared kiosk: ever-new users, flapping posture, hourly checks, some late events. */
  private static List<DeviceSignal> history(int n, long seed) {
    Random random = new Random(seed);
    List<DeviceSignal> out = new ArrayList<>(n);
    Instant at = MONDAY;
    for (int i = 0; i < n; i++) {
      at = at.plusMillis(random.nextInt(120_000));
      Instant t = random.nextInt(20) == 0 ? at.minusSeconds(random.nextInt(7200)) : at;
      String id =
          UUID.nameUUIDFromBytes((seed + ":" + i).getBytes(StandardCharsets.UTF_8)).toString();
      int kind = random.nextInt(10);
      if (kind < 6) {
        out.add(
            DeviceSignal.ofUsage(
                LAPTOP,
                new DeviceUsage(
                    "user-" + random.nextInt(1_000_000) + "@subsidiary.corp.example",
                    SubjectType.HUMAN,
                    id,
                    t)));
      } else if (kind < 9) {
        out.add(
            DeviceSignal.ofPosture(
                DevicePosture.newBuilder()
                    .setEventId(id)
                    .setTimestamp(t)
                    .setDeviceId(LAPTOP)
                    .setManaged(random.nextInt(10) > 0)
                    .setDiskEncrypted(random.nextInt(10) > 0)
                    .setEdrRunning(random.nextInt(10) > 0)
                    .setJailbroken(random.nextInt(50) == 0)
                    .setOsPatchAgeDays(random.nextInt(60))
                    .setAttributes(Map.of())
                    .build()));
      } else {
        out.add(DeviceSignal.ofCheck(LAPTOP, at.plusSeconds(random.nextInt(3600 * 30))));
      }
    }
    return out;
  }

  @Test
  @Tag("soak")
  void shouldKeepTheWholeBundleUnderEightKibAfter100kEvents() {
    // Given
    DeviceFixtures.Device device = DeviceFixtures.Device.allDefaults();
    int maxSize = 0;

    // When
    int i = 0;
    for (DeviceSignal signal : history(100_000, 1)) {
      device.engine.observe(signal, device.bundle, device.context);
      if (++i % 97 == 0) {
        maxSize = Math.max(maxSize, BaselineCodec.encode(device.bundle).length);
      }
    }

    // Then
    assertThat(device.engine.detectors()).hasSize(3);
    assertThat(BaselineCodec.encode(device.bundle).length).isLessThan(8 * 1024);
    assertThat(maxSize).isLessThan(8 * 1024);
  }

  @Test
  void shouldProduceIdenticalFindingsForTheSameInputTwice() {
    // Given
    List<DeviceSignal> input = history(20_000, 42);

    // When
    List<RiskFinding> first = run(input);
    List<RiskFinding> second = run(input);

    // Then
    assertThat(first).isNotEmpty();
    assertThat(second).isEqualTo(first);
  }

  private static List<RiskFinding> run(List<DeviceSignal> input) {
    DeviceFixtures.Device device = DeviceFixtures.Device.allDefaults();
    input.forEach(device::feed);
    return device.findings;
  }
}
