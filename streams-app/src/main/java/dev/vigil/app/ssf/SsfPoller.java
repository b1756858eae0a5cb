package dev.vigil.app.ssf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil as a polling receiver (RFC 8936): asks another transmitter's poll endpoint for SETs, hands
 * each to the {@link SsfReceiver}, and acknowledges the accepted ones ({@code ack}) and reports the
 * refused ones ({@code setErrs}) in the next request. Polls again at once while {@code
 * moreAvailable}, otherwise long-polls.
 */
public final class SsfPoller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SsfPoller.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final String token;
  private final SsfReceiver receiver;
  private final HttpClient http;
  private final List<String> ack = new ArrayList<>();
  private final Map<String, Map<String, String>> errs = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param url the transmitter's poll endpoint
   * @param token bearer token for it, or empty
   * @param receiver checks and stores each SET
   * @param http the client
   */
  public SsfPoller(String url, String token, SsfReceiver receiver, HttpClient http) {
    this.url = Objects.requireNonNull(url, "url");
    this.token = token;
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    this.http = Objects.requireNonNull(http, "http");
    this.thread = new Thread(this::run, "vigil-ssf-poller");
    this.thread.setDaemon(true);
  }

  /** Starts polling in the background. */
  public void start() {
    thread.start();
  }

  /**
   * One poll round: sends the pending acknowledgements and errors, takes the SETs returned.
   *
   * @param returnImmediately whether the transmitter should answer at once
   * @return whether the transmitter said more are available
   * @throws Exception if the transmitter could not be asked
   */
  public boolean pollOnce(boolean returnImmediately) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ack", List.copyOf(ack));
    if (!errs.isEmpty()) {
      body.put("setErrs", Map.copyOf(errs));
    }
    body.put("maxEvents", 100);
    body.put("returnImmediately", returnImmediately);
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (token != null && !token.isBlank()) {
      rb.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "The poll endpoint " + url + " answered HTTP " + r.statusCode() + ".");
    }
    // Delivered acknowledgements and errors are not sent again.
    ack.clear();
    errs.clear();
    JsonNode answer = JSON.readTree(r.body());
    JsonNode sets = answer.path("sets");
    for (Iterator<Map.Entry<String, JsonNode>> it = sets.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      SsfReceiver.Outcome o = receiver.receive(e.getValue().asText());
      if (o.accepted()) {
        ack.add(e.getKey());
      } else {
        errs.put(e.getKey(), Map.of("err", o.err(), "description", o.description()));
      }
    }
    return answer.path("moreAvailable").asBoolean(false);
  }

  private void run() {
    boolean more = false;
    while (running) {
      try {
        more = pollOnce(more);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        LOG.warn("Polling {} failed: {}", url, e.getMessage());
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
