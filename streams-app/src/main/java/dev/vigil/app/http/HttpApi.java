package dev.vigil.app.http;

import dev.vigil.risk.fusion.ActiveFinding;
import dev.vigil.risk.fusion.SubjectRiskState;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Vigil's HTTP API: {@code GET /health} (liveness), {@code /ready} (200 only while Kafka Streams is
 * RUNNING), {@code /metrics} (Prometheus text), {@code /.well-known/jwks.json} and {@code /jwks}
 * (the SET signing keys), {@code /subjects/{id}/risk} (current risk of one subject).
 */
public final class HttpApi implements AutoCloseable {

  /** Contributions listed per subject. */
  public static final int TOP_CONTRIBUTIONS = 5;

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Javalin app;

  /**
   * Creates and starts the API.
   *
   * @param port the port; 0 picks a free one
   * @param state the Kafka Streams state
   * @param metrics Prometheus text
   * @param jwks the JWK set JSON, or null when SETs are off
   * @param risk the risk lookup
   * @param clock for the decayed contribution scores
   */
  public HttpApi(
      int port,
      Supplier<KafkaStreams.State> state,
      Supplier<String> metrics,
      String jwks,
      RiskQuery risk,
      Clock clock) {
    this(port, state, metrics, jwks, risk, clock, List.of());
  }

  /**
   * Creates and starts the API with more routes, e.g. the SSF transmitter's.
   *
   * @param port the port; 0 picks a free one
   * @param state the Kafka Streams state
   * @param metrics Prometheus text
   * @param jwks the JWK set JSON, or null when SETs are off
   * @param risk the risk lookup
   * @param clock for the decayed contribution scores
   * @param routes registrars called with the app before it starts
   */
  public HttpApi(
      int port,
      Supplier<KafkaStreams.State> state,
      Supplier<String> metrics,
      String jwks,
      RiskQuery risk,
      Clock clock,
      List<Consumer<Javalin>> routes) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(risk, "risk");
    app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.useVirtualThreads = false;
            });
    app.get("/health", ctx -> ctx.json(Map.of("status", "UP")));
    app.get(
        "/ready",
        ctx -> {
          KafkaStreams.State s = state.get();
          ctx.status(s == KafkaStreams.State.RUNNING ? 200 : 503)
              .json(Map.of("status", String.valueOf(s)));
        });
    app.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.get()));
    for (String path : List.of("/.well-known/jwks.json", "/jwks")) {
      app.get(
          path,
          ctx -> {
            if (jwks == null) {
              ctx.status(404).json(Map.of("error", "SETs are disabled (sets.enabled=false)."));
            } else {
              ctx.contentType("application/json").result(jwks);
            }
          });
    }
    app.get("/subjects/<id>/risk", ctx -> risk(ctx, risk, clock));
    routes.forEach(r -> r.accept(app));
    app.start(port);
  }

  private static void risk(Context ctx, RiskQuery risk, Clock clock) {
    String id = ctx.pathParam("id");
    RiskQuery.Answer answer = risk.find(id);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subjectId", id);
    if (answer instanceof RiskQuery.Local local) {
      SubjectRiskState s = local.state();
      long now = clock.millis();
      body.put("subjectType", String.valueOf(s.subjectType));
      body.put("score", s.score);
      body.put("level", String.valueOf(s.level));
      body.put("updatedAt", Instant.ofEpochMilli(s.updatedAtMillis).toString());
      body.put(
          "lastAction",
          s.lastAction == null
              ? null
              : Map.of(
                  "action",
                  s.lastAction.name(),
                  "at",
                  Instant.ofEpochMilli(s.lastActionAtMillis).toString()));
      body.put(
          "topContributions",
          s.findings.stream()
              .sorted(
                  Comparator.comparingDouble((ActiveFinding f) -> f.effectiveScore(now)).reversed())
              .limit(TOP_CONTRIBUTIONS)
              .map(f -> contribution(f, now))
              .toList());
      body.put("hostedBy", "this instance");
      ctx.json(body);
    } else if (answer instanceof RiskQuery.Remote remote) {
      body.put("hostedBy", remote.host());
      body.put(
          "message",
          "Another instance hosts this subject; ask http://"
              + remote.host()
              + "/subjects/"
              + id
              + "/risk.");
      ctx.status(421).json(body);
    } else if (answer instanceof RiskQuery.Unavailable unavailable) {
      body.put("error", unavailable.reason());
      ctx.status(503).json(body);
    } else {
      body.put("error", "No risk is known for subject '" + id + "'.");
      ctx.status(404).json(body);
    }
  }

  private static Map<String, Object> contribution(ActiveFinding f, long now) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("findingId", f.findingId);
    c.put("detectorId", f.detectorId);
    c.put("summary", f.summary);
    c.put("baseScore", f.score);
    c.put("currentScore", f.effectiveScore(now));
    c.put("observedAt", Instant.ofEpochMilli(f.observedAtMillis).toString());
    return c;
  }

  /** The port the API listens on. */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
