package dev.vigil.risk.detect.network;

import static dev.vigil.risk.detect.network.NetworkFixtures.API;
import static dev.vigil.risk.detect.network.NetworkFixtures.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.ThreatCategory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class NetworkFamilyTest {

  private static ReferenceData reference() {
    ReferenceData reference = NetworkFixtures.segmentation();
    NetworkFixtures.indicator(
        reference, IndicatorType.CIDR, "198.51.100.0/24", ThreatCategory.BOTNET);
    return reference;
  }

  /** Ever-new destinations (internal and external), mixed mTLS, sizes, some late flows. */
  private static List<NetworkFlow> history(int n, long seed) {
    Random random = new Random(seed);
    List<NetworkFlow> out = new ArrayList<>(n);
    Instant at = MONDAY;
    for (int i = 0; i < n; i++) {
      at = at.plusMillis(random.nextInt(30_000));
      Instant t = random.nextInt(20) == 0 ? at.minusSeconds(random.nextInt(7200)) : at;
      boolean internal = random.nextBoolean();
      out.add(
          NetworkFlow.newBuilder()
              .setEventId(
                  UUID.nameUUIDFromBytes((seed + ":" + i).getBytes(StandardCharsets.UTF_8))
                      .toString())
              .setTimestamp(t)
              .setSourceWorkload(API)
              .setSourceIp("10.0.1.10")
              .setDestinationWorkload(
                  internal
                      ? "spiffe://corp/ns/team-" + i + "/sa/service-" + random.nextInt()
                      : null)
              .setDestinationIp(
                  internal
                      ? "10."
                          + random.nextInt(256)
                          + "."
                          + random.nextInt(256)
                          + "."
                          + random.nextInt(256)
                      : (random.nextInt(50) == 0
                              ? "198.51.100."
                              : "203.0." + random.nextInt(256) + ".")
                          + random.nextInt(256))
              .setDestinationPort(random.nextInt(65_535))
              .setBytesOut(
                  (long) Math.abs(random.nextGaussian() * 1e6)
                      + (random.nextInt(1000) == 0 ? 5_000_000_000L : 0))
              .setBytesIn(random.nextInt(1_000_000))
              .setMtls(random.nextInt(10) > 0)
              .setAttributes(Map.of())
              .build());
    }
    return out;
  }

  @Test
  @Tag("soak")
  void shouldKeepTheWholeBundleUnderEightKibAfter100kEvents() {
    // Given
    NetworkFixtures.Workload api = NetworkFixtures.Workload.allDefaults(reference());
    int maxSize = 0;

    // When
    int i = 0;
    for (NetworkFlow flow : history(100_000, 1)) {
      api.engine.observe(flow, api.bundle, api.context);
      if (++i % 97 == 0) {
        maxSize = Math.max(maxSize, BaselineCodec.encode(api.bundle).length);
      }
    }

    // Then
    assertThat(api.engine.detectors()).hasSize(6);
    assertThat(BaselineCodec.encode(api.bundle).length).isLessThan(8 * 1024);
    assertThat(maxSize).isLessThan(8 * 1024);
  }

  @Test
  void shouldProduceIdenticalFindingsForTheSameInputTwice() {
    // Given
    List<NetworkFlow> input = history(20_000, 42);

    // When
    List<RiskFinding> first = run(input);
    List<RiskFinding> second = run(input);

    // Then
    assertThat(first).isNotEmpty();
    assertThat(second).isEqualTo(first);
  }

  private static List<RiskFinding> run(List<NetworkFlow> input) {
    NetworkFixtures.Workload api = NetworkFixtures.Workload.allDefaults(reference());
    input.forEach(api::feed);
    return api.findings;
  }
}
