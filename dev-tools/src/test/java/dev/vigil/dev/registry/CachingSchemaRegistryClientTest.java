package dev.vigil.dev.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.registry.CachingSchemaRegistryClient;
import dev.vigil.schemas.registry.HttpSchemaRegistryClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the caching client keeps, and for how long. */
class CachingSchemaRegistryClientTest {

  private static final Schema V1 =
      SchemaBuilder.record("Probe").fields().requiredString("id").endRecord();
  private static final Schema V2 =
      SchemaBuilder.record("Probe")
          .fields()
          .requiredString("id")
          .name("n")
          .type()
          .intType()
          .intDefault(0)
          .endRecord();

  private InProcessSchemaRegistry registry;
  private HttpSchemaRegistryClient http;

  @BeforeEach
  void start() {
    registry = InProcessSchemaRegistry.start(0);
    http = HttpSchemaRegistryClient.builder().url(registry.url()).build();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void shouldKeepLatestForItsTimeToLiveOnly() {
    // Given a caching client with a 30 s TTL on a clock the test moves
    var now = new AtomicInteger();
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return Instant.EPOCH.plusSeconds(now.get());
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    var cached = new CachingSchemaRegistryClient(http, Duration.ofSeconds(30), clock);
    http.register("p-value", V1);
    assertThat(cached.latest("p-value").version()).isEqualTo(1);

    // When a new version is registered behind its back and time passes
    http.register("p-value", V2);
    int withinTtl = cached.latest("p-value").version();
    now.set(31);
    int afterTtl = cached.latest("p-value").version();

    // Then the old answer is served until the TTL runs out
    assertThat(withinTtl).isEqualTo(1);
    assertThat(afterTtl).isEqualTo(2);
  }

  @Test
  void shouldNotCacheAMissedLookup() {
    // Given a lookup that finds nothing
    var cached = new CachingSchemaRegistryClient(http);
    assertThat(cached.lookup("p-value", V1)).isEmpty();

    // When the schema is then registered elsewhere
    int id = http.register("p-value", V1);

    // Then the next lookup finds it
    assertThat(cached.lookup("p-value", V1)).hasValue(id);
  }
}
