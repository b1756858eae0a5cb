package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartupProbeTest {

  @Test
  void shouldRetryUntilTheDependencyAnswers() {
    // Given a dependency that refuses two connections, then answers
    AtomicInteger attempts = new AtomicInteger();
    StartupProbe.Check check =
        () -> {
          if (attempts.incrementAndGet() < 3) {
            throw new ConnectException("Connection refused");
          }
        };

    // When waited for with a generous bound
    StartupProbe.await(
        "the test broker",
        check,
        System.nanoTime() + Duration.ofMinutes(1).toNanos(),
        Duration.ofMinutes(1));

    // Then it was asked until it answered, and no more
    assertThat(attempts).hasValue(3);
  }

  @Test
  void shouldGiveUpWithOneSentenceNamingTheDependency() {
    // Given a dependency that never answers and a bound already reached after the first attempt
    StartupProbe.Check check =
        () -> {
          throw new ConnectException("Connection refused");
        };

    // When waited for, Then the error names it, the cause and what to check
    assertThatThrownBy(
            () ->
                StartupProbe.await(
                    "the Kafka brokers at nowhere:9092",
                    check,
                    System.nanoTime(),
                    Duration.ofSeconds(3)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Could not reach the Kafka brokers at nowhere:9092 within 3 s (ConnectException:"
                + " Connection refused); check that it is running and the address is right.");
  }

  @Test
  void shouldFailClearlyWhenNoBrokerListensWithinTheBound() {
    // Given an address where nothing listens, When the real probe runs with a short bound
    assertThatThrownBy(
            () ->
                StartupProbe.awaitDependencies(
                    Map.of("bootstrap.servers", "127.0.0.1:1"),
                    "http://127.0.0.1:1",
                    Duration.ofSeconds(2)))
        // Then it ends with one sentence about the brokers, not a crash loop
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Could not reach the Kafka brokers at 127.0.0.1:1 within 2 s");
  }
}
