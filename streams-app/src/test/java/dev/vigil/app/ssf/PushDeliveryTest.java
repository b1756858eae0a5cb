package dev.vigil.app.ssf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Push delivery against an RFC 8935 receiver that answers as scripted. */
class PushDeliveryTest {

  private final PushDelivery delivery =
      new PushDelivery(HttpClient.newHttpClient(), 3, Duration.ofMillis(2));
  private final PushReceiverStub receiver;

  PushDeliveryTest() throws Exception {
    receiver = new PushReceiverStub();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void shouldPostTheSetAsSeceventJwtAndSucceedOn202() throws Exception {
    // Given a receiver that accepts
    // When a SET is pushed with the stream's authorization header
    PushDelivery.Outcome o = delivery.push(receiver.url(), "Bearer t", "a.b.c", "j-1");

    // Then it was one POST of application/secevent+jwt accepting JSON, and it is delivered
    assertThat(o.result()).isEqualTo(PushDelivery.Result.DELIVERED);
    assertThat(receiver.received()).hasSize(1);
    assertThat(receiver.received().get(0).contentType()).isEqualTo("application/secevent+jwt");
    assertThat(receiver.received().get(0).accept()).isEqualTo("application/json");
    assertThat(receiver.received().get(0).authorization()).isEqualTo("Bearer t");
    assertThat(receiver.received().get(0).body()).isEqualTo("a.b.c");
  }

  @Test
  void shouldRetryTransientFailuresWithTheSameSet() throws Exception {
    // Given a receiver that fails twice (503, 429), then accepts
    receiver.then(503, null);
    receiver.then(429, null);

    // When a SET is pushed
    PushDelivery.Outcome o = delivery.push(receiver.url(), null, "a.b.c", "j-1");

    // Then it was retried until delivered, the same bytes each time
    assertThat(o.result()).isEqualTo(PushDelivery.Result.DELIVERED);
    assertThat(receiver.received()).hasSize(3).allMatch(r -> r.body().equals("a.b.c"));
  }

  @Test
  void shouldGiveUpAfterTheRetryLimit() throws Exception {
    // Given a receiver that always fails
    for (int i = 0; i < 10; i++) {
      receiver.then(500, null);
    }

    // When a SET is pushed
    PushDelivery.Outcome o = delivery.push(receiver.url(), null, "a.b.c", "j-1");

    // Then it failed after the first attempt and three retries
    assertThat(o.result()).isEqualTo(PushDelivery.Result.FAILED);
    assertThat(o.detail()).contains("4 attempts");
    assertThat(receiver.received()).hasSize(4);
  }

  @Test
  void shouldDropASetRefusedAsAnInvalidRequestWithoutRetrying() throws Exception {
    // Given a receiver that refuses the SET itself
    receiver.then(400, "{\"err\":\"invalid_request\",\"description\":\"bad event\"}");

    // When pushed
    PushDelivery.Outcome o = delivery.push(receiver.url(), null, "a.b.c", "j-1");

    // Then it is dropped after one attempt, with the receiver's description
    assertThat(o.result()).isEqualTo(PushDelivery.Result.DROPPED);
    assertThat(o.detail()).contains("bad event");
    assertThat(receiver.received()).hasSize(1);
  }

  @Test
  void shouldFailTheStreamAtOnceOnAStreamLevelError() throws Exception {
    // Given receivers that refuse for the stream's key, audience, or authentication
    for (String err :
        new String[] {"invalid_key", "invalid_issuer", "invalid_audience", "access_denied"}) {
      receiver.then(400, "{\"err\":\"" + err + "\",\"description\":\"no\"}");
      PushDelivery.Outcome o = delivery.push(receiver.url(), null, "a.b.c", "j-1");
      // Then delivery fails without retrying, naming the error
      assertThat(o.result()).as(err).isEqualTo(PushDelivery.Result.FAILED);
      assertThat(o.detail()).contains(err);
    }
    receiver.then(401, "{\"err\":\"authentication_failed\"}");
    assertThat(delivery.push(receiver.url(), null, "a.b.c", "j-1").result())
        .isEqualTo(PushDelivery.Result.FAILED);
    assertThat(receiver.received()).hasSize(5);
  }

  @Test
  void shouldRetryWhenTheReceiverIsUnreachable() throws Exception {
    // Given no receiver at the URL
    String url = receiver.url();
    receiver.close();

    // When pushed, Then it fails after the retries
    PushDelivery.Outcome o = delivery.push(url, null, "a.b.c", "j-1");
    assertThat(o.result()).isEqualTo(PushDelivery.Result.FAILED);
    assertThat(o.detail()).startsWith("Gave up after 4 attempts");
  }
}
