package dev.vigil.risk.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.ThreatCategory;
import dev.vigil.schema.ThreatIndicator;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReferenceDataTest {

  private static final Instant NOW = Instant.parse("2026-11-02T08:00:00Z");

  private static ThreatIndicator indicator(IndicatorType type, String value, Instant validUntil) {
    return ThreatIndicator.newBuilder()
        .setIndicatorId(type + value)
        .setType(type)
        .setValue(value)
        .setCategory(ThreatCategory.ANONYMIZER)
        .setValidUntil(validUntil)
        .build();
  }

  private static void put(ReferenceData data, ThreatIndicator i) {
    data.putIndicator(ReferenceData.indicatorKey(i), i);
  }

  @Test
  void shouldMatchExactIpsCidrBlocksAndAsns() {
    ReferenceData data = new ReferenceData();
    put(data, indicator(IndicatorType.IP, "203.0.113.7", null));
    put(data, indicator(IndicatorType.CIDR, "198.51.100.0/24", null));
    put(data, indicator(IndicatorType.ASN, "AS64496", null));
    put(data, indicator(IndicatorType.CIDR, "2001:db8::/32", null));

    assertThat(data.threat("203.0.113.7", null, NOW)).isPresent();
    assertThat(data.threat("198.51.100.200", null, NOW).orElseThrow().matchedOn())
        .isEqualTo("198.51.100.200 in 198.51.100.0/24");
    assertThat(data.threat("192.0.2.1", 64496L, NOW).orElseThrow().matchedOn())
        .isEqualTo("AS64496");
    assertThat(data.threat("2001:db8::1", null, NOW)).isPresent();
    assertThat(data.threat("198.51.101.1", 1L, NOW)).isEmpty();
  }

  @Test
  void shouldForgetWithdrawnAndExpiredIndicators() {
    ReferenceData data = new ReferenceData();
    ThreatIndicator block = indicator(IndicatorType.CIDR, "198.51.100.0/24", null);
    put(data, block);
    data.putIndicator(ReferenceData.indicatorKey(block), null);
    put(data, indicator(IndicatorType.IP, "203.0.113.9", NOW.minusSeconds(1)));

    assertThat(data.threat("198.51.100.1", null, NOW)).isEmpty();
    assertThat(data.threat("203.0.113.9", null, NOW)).isEmpty();
  }

  @Test
  void shouldFindTrustedNetworksByLongestPrefix() {
    ReferenceData data = new ReferenceData();
    data.addTrustedNetwork("10.0.0.0/8", "corp");
    data.addTrustedNetwork("10.20.0.0/16", "vpn");
    assertThat(data.trustedNetwork("10.20.3.4")).contains("vpn");
    assertThat(data.trustedNetwork("10.1.3.4")).contains("corp");
    assertThat(data.trustedNetwork("11.1.3.4")).isEmpty();
    assertThat(data.trustedNetwork("not-an-ip")).isEmpty();
  }
}
