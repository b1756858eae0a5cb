package dev.vigil.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, with bounded retries and exponential back-off, until the Kafka cluster and the schema
 * registry answer, logging one line per attempt; gives up with one sentence. So {@code vigil run}
 * started before its dependencies neither crash-loops nor starts half-connected.
 */
public final class StartupProbe {

  private static final Logger LOG = LoggerFactory.getLogger(StartupProbe.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** A dependency check: returns normally when it answers, throws with the cause otherwise. */
  @FunctionalInterface
  public interface Check {
    /** Checks once. */
    void check() throws Exception;
  }

  private StartupProbe() {}

  /**
   * Waits for the brokers and then the registry.
   *
   * @param clientProperties bootstrap servers and security settings for an admin client
   * @param registryUrl the registry's base URL(s), comma-separated
   * @param maxWait how long to keep trying both together
   * @throws IllegalStateException with one sentence when one does not answer in time
   */
  public static void awaitDependencies(
      Map<String, Object> clientProperties, String registryUrl, Duration maxWait) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    String bootstrap = String.valueOf(clientProperties.get("bootstrap.servers"));
    await("the Kafka brokers at " + bootstrap, () -> brokers(clientProperties), deadline, maxWait);
    String url = registryUrl.split(",")[0].strip();
    await("the schema registry at " + url, () -> registry(url), deadline, maxWait);
  }

  /**
   * Retries {@code check} until it passes or the deadline ({@link System#nanoTime()}) is past.
   *
   * @param what the dependency, for log lines and the error
   * @throws IllegalStateException with one sentence when it does not answer in time
   */
  public static void await(String what, Check check, long deadlineNanos, Duration maxWait) {
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      try {
        check.check();
        if (attempt > 1) {
          LOG.info("Reached {} after {} attempts.", what, attempt);
        }
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what + ".", e);
      } catch (Exception e) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "Could not reach "
                  + what
                  + " within "
                  + maxWait.toSeconds()
                  + " s ("
                  + rootMessage(e)
                  + "); check that it is running and the address is right.",
              e);
        }
        Duration wait = Duration.ofNanos(Math.min(backoff.toNanos(), left));
        LOG.warn(
            "Waiting for {} (attempt {}): {}; retrying in {} ms.",
            what,
            attempt,
            rootMessage(e),
            wait.toMillis());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for " + what + ".", ie);
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  private static void brokers(Map<String, Object> clientProperties) throws Exception {
    Map<String, Object> cfg = new HashMap<>(clientProperties);
    cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    cfg.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 5_000);
    cfg.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(cfg)) {
      int nodes = admin.describeCluster().nodes().get(6, TimeUnit.SECONDS).size();
      if (nodes == 0) {
        throw new IllegalStateException("no broker is up yet");
      }
    }
  }

  private static void registry(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/subjects"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /subjects answered HTTP " + r.statusCode());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
