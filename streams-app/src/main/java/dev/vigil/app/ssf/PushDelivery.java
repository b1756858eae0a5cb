package dev.vigil.app.ssf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push-based SET delivery (RFC 8935 §2): POST the SET as {@code application/secevent+jwt}; 202
 * means the receiver took it. A 400 with {@code {"err": "invalid_request"}} means this SET will
 * never be accepted, so it is dropped; the other RFC 8935 §2.4 codes ({@code invalid_key}, {@code
 * invalid_issuer}, {@code invalid_audience}, {@code authentication_failed}, {@code access_denied})
 * and 401/403 mean the stream is misconfigured, so delivery stops at once. Network errors, 408, 429
 * and 5xx are retried with exponential back-off (first delay doubling, capped at 30 s) up to the
 * retry limit. Thread-safe.
 */
public final class PushDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(PushDelivery.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Set<String> STREAM_ERRORS =
      Set.of(
          "invalid_key",
          "invalid_issuer",
          "invalid_audience",
          "authentication_failed",
          "access_denied");

  /** What happened to one SET. */
  public enum Result {
    /** The receiver answered 202 (or another 2xx). */
    DELIVERED,
    /** The receiver refused this SET as {@code invalid_request}; retrying cannot help. */
    DROPPED,
    /** The stream cannot deliver: refused for a stream-level reason, or retries exhausted. */
    FAILED
  }

  /**
   * @param result what happened
   * @param detail one sentence for logs and the stream's status reason
   */
  public record Outcome(Result result, String detail) {}

  private final HttpClient http;
  private final int maxRetries;
  private final Duration firstBackoff;

  /**
   * @param http the client
   * @param maxRetries retries after the first attempt
   * @param firstBackoff delay before the first retry
   */
  public PushDelivery(HttpClient http, int maxRetries, Duration firstBackoff) {
    this.http = Objects.requireNonNull(http, "http");
    this.maxRetries = maxRetries;
    this.firstBackoff = Objects.requireNonNull(firstBackoff, "firstBackoff");
  }

  /**
   * Pushes one SET, retrying as described.
   *
   * @param url the receiver's endpoint
   * @param authorization the {@code Authorization} header value, or null
   * @param set the compact SET
   * @param jti its {@code jti}, for logs
   * @return the outcome
   * @throws InterruptedException if interrupted while waiting to retry
   */
  public Outcome push(String url, String authorization, String set, String jti)
      throws InterruptedException {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/secevent+jwt")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(set));
    if (authorization != null && !authorization.isBlank()) {
      rb.header("Authorization", authorization);
    }
    HttpRequest request = rb.build();
    Duration backoff = firstBackoff;
    String last = "";
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) {
        Thread.sleep(backoff.toMillis());
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        last = "The push to " + url + " failed: " + e.getMessage();
        LOG.debug("SET {}: {}", jti, last);
        continue;
      }
      int status = response.statusCode();
      if (status / 100 == 2) {
        return new Outcome(Result.DELIVERED, "Delivered with " + status + ".");
      }
      String err = errorCode(response.body());
      String description = description(response.body());
      if (status == 400 && "invalid_request".equals(err)) {
        return new Outcome(
            Result.DROPPED,
            "The receiver refused SET " + jti + " as invalid_request: " + description);
      }
      if ((err != null && STREAM_ERRORS.contains(err)) || status == 401 || status == 403) {
        return new Outcome(
            Result.FAILED,
            "The receiver refused the stream's SETs ("
                + (err == null ? "HTTP " + status : err)
                + (description.isEmpty() ? "" : ": " + description)
                + ").");
      }
      last = "The receiver answered HTTP " + status + (err == null ? "" : " " + err) + ".";
      if (status != 408 && status != 429 && status < 500) {
        return new Outcome(Result.FAILED, last);
      }
    }
    return new Outcome(Result.FAILED, "Gave up after " + (maxRetries + 1) + " attempts: " + last);
  }

  private static String errorCode(String body) {
    JsonNode n = parse(body);
    return n != null && n.hasNonNull("err") ? n.get("err").asText() : null;
  }

  private static String description(String body) {
    JsonNode n = parse(body);
    return n != null && n.hasNonNull("description") ? n.get("description").asText() : "";
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
