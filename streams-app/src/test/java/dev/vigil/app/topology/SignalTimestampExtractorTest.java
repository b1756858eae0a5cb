package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class SignalTimestampExtractorTest {

  private final SignalTimestampExtractor extractor = new SignalTimestampExtractor();

  private static ConsumerRecord<Object, Object> stamped(long timestamp) {
    return new ConsumerRecord<>(
        "t",
        0,
        0L,
        timestamp,
        TimestampType.CREATE_TIME,
        0,
        0,
        "k",
        "v",
        new RecordHeaders(),
        Optional.empty());
  }

  @Test
  void shouldKeepATimestampWithinTheBounds() {
    // Given a record stamped a minute ago
    long ts = System.currentTimeMillis() - 60_000;

    // When extracted, Then it is kept
    assertThat(extractor.extract(stamped(ts), ts - 1_000)).isEqualTo(ts);
  }

  @Test
  void shouldNotLetARecordStampedYearsAheadMoveStreamTime() {
    // Given a partition at stream time one minute ago and a record stamped ten years ahead
    long partitionTime = System.currentTimeMillis() - 60_000;
    long future = System.currentTimeMillis() + Duration.ofDays(3650).toMillis();

    // When extracted, Then the partition's stream time is used instead
    assertThat(extractor.extract(stamped(future), partitionTime)).isEqualTo(partitionTime);
  }

  @Test
  void shouldUseTheWallClockForAnOutOfRangeFirstRecord() {
    // Given configured bounds and a first record stamped ten years back
    extractor.configure(Map.of(TimestampBounds.MAX_AGE_MS_CONFIG, Duration.ofDays(30).toMillis()));
    long before = System.currentTimeMillis();
    long past = before - Duration.ofDays(3650).toMillis();

    // When extracted with no stream time yet
    long extracted = extractor.extract(stamped(past), -1);

    // Then the wall clock is used, never the rejected time
    assertThat(extracted).isBetween(before, System.currentTimeMillis());
  }
}
