package dev.vigil.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.risk.fusion.ActiveFinding;
import dev.vigil.risk.fusion.SubjectRiskState;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil's HTTP API: {@code /health} (liveness, always open), {@code /ready} (200 only while Kafka
 * Streams is RUNNING and no store is restoring), {@code /metrics} (Prometheus text), {@code
 * /.well-known/jwks.json} and {@code /jwks} (the SET signing keys), {@code /subjects/{id}/risk} and
 * {@code /subjects/{id}/findings} (answered by whichever instance is asked). Every route but {@code
 * /health} and the endpoints named in {@code http.auth.open.endpoints} needs an authenticated
 * caller with the route's scope; every error is JSON.
 */
public final class HttpApi implements AutoCloseable {

  /** Contributions listed per subject. */
  public static final int TOP_CONTRIBUTIONS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Javalin app;
  private final HttpRoutes routes;
  private final Builder b;

  private HttpApi(Builder b) {
    this.b = b;
    HttpSecurity security = b.security;
    Authorizer authorizer = b.authorizer != null ? b.authorizer : new HttpAuthorizer(security);
    JsonErrorHandler errors = new JsonErrorHandler();
    app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.useVirtualThreads = false;
              config.jetty.modifyServer(server -> server.setErrorHandler(errors));
              config.jetty.modifyServletContextHandler(h -> h.setErrorHandler(errors));
              config.jetty.addConnector(
                  (server, http) -> {
                    ServerConnector connector =
                        security.tls() == null
                            ? new ServerConnector(server, new HttpConnectionFactory(http))
                            : tlsConnector(server, http, security);
                    connector.setHost(security.bindAddress());
                    connector.setPort(b.port);
                    return connector;
                  });
            });
    app.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.getMessage(), e.headers()));
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> error(ctx, e.getStatus(), sentence(e.getMessage()), Map.of()));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.warn("HTTP {} {} failed: {}", ctx.method(), ctx.path(), e.toString(), e);
          error(ctx, 500, "The request failed inside Vigil; see its log.", Map.of());
        });
    routes = new HttpRoutes(app, authorizer);
    routes.get("/health", null, ctx -> ctx.json(Map.of("status", "UP")));
    routes.get("/ready", open(security, "ready", Scopes.STATUS_READ), this::ready);
    routes.get(
        "/metrics",
        open(security, "metrics", Scopes.METRICS_READ),
        ctx -> ctx.contentType(PROMETHEUS_TEXT).result(b.metrics.get()));
    for (String path : List.of("/.well-known/jwks.json", "/jwks")) {
      routes.get(path, open(security, "jwks", Scopes.STATUS_READ), this::jwks);
    }
    routes.get(
        "/subjects/<id>/risk",
        Scopes.RISK_READ,
        ctx -> subject(ctx, authorizer, s -> riskBody(s, b.clock.millis())));
    routes.get(
        "/subjects/<id>/findings",
        Scopes.RISK_READ,
        ctx -> subject(ctx, authorizer, s -> findingsBody(s, b.clock.millis())));
    b.extensions.forEach(e -> e.accept(routes));
    routes.finish();
    app.start();
  }

  /** A builder; only {@code port} and {@code risk} have no default. */
  public static Builder builder() {
    return new Builder();
  }

  private static ServerConnector tlsConnector(
      org.eclipse.jetty.server.Server server, HttpConfiguration http, HttpSecurity security) {
    HttpSecurity.Tls tls = security.tls();
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(tls.keystore().toString());
    ssl.setKeyStoreType("PKCS12");
    ssl.setKeyStorePassword(tls.keystorePassword());
    if (tls.truststore() != null) {
      ssl.setTrustStorePath(tls.truststore().toString());
      ssl.setTrustStoreType("PKCS12");
      ssl.setTrustStorePassword(tls.truststorePassword());
      // Asked, not required, so that /health answers probes without a certificate.
      ssl.setWantClientAuth(true);
    }
    HttpConfiguration https = new HttpConfiguration(http);
    SecureRequestCustomizer customizer = new SecureRequestCustomizer();
    customizer.setSniHostCheck(false);
    https.addCustomizer(customizer);
    return new ServerConnector(
        server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
  }

  private static String open(HttpSecurity security, String endpoint, String scope) {
    return security.openEndpoints().contains(endpoint) ? null : scope;
  }

  private static String sentence(String message) {
    String m = message == null || message.isBlank() ? "The request failed" : message;
    return m.endsWith(".") ? m : m + ".";
  }

  private static void error(Context ctx, int status, String message, Map<String, String> headers) {
    headers.forEach(ctx::header);
    ctx.status(status)
        .contentType("application/json")
        .result(JsonErrorHandler.body(status, message));
  }

  private void ready(Context ctx) {
    KafkaStreams.State s = b.state.get();
    int restoring = b.restoring.getAsInt();
    boolean ready = s == KafkaStreams.State.RUNNING && restoring == 0;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", String.valueOf(s));
    body.put("restoringPartitions", restoring);
    body.put("ready", ready);
    ctx.status(ready ? 200 : 503).json(body);
  }

  private void jwks(Context ctx) {
    String jwks = b.jwks.get();
    if (jwks == null) {
      throw new ApiError(404, "SETs are disabled (sets.enabled=false).", Map.of());
    }
    ctx.contentType("application/json").result(jwks);
  }

  private void subject(
      Context ctx, Authorizer authorizer, Function<SubjectRiskState, Map<String, Object>> render)
      throws IOException {
    Caller caller = authorizer.require(ctx, Scopes.RISK_READ);
    String id = ctx.pathParam("id");
    boolean forwarded = ctx.header(RiskForwarder.FORWARDED_HEADER) != null;
    RiskQuery.Answer answer = b.risk.find(id);
    String askedOwner = null;
    if (answer instanceof RiskQuery.Remote remote) {
      if (!forwarded && b.forwarder != null) {
        try {
          RiskForwarder.Answer owner =
              b.forwarder.get(remote.host(), ctx.path(), caller.authorization());
          ObjectNode body = (ObjectNode) JSON.readTree(owner.body());
          body.put("forwardedTo", remote.host());
          ctx.status(owner.status()).contentType("application/json").result(body.toString());
          return;
        } catch (IOException | RuntimeException e) {
          LOG.debug("Owner {} of subject {} did not answer: {}", remote.host(), id, e.toString());
          askedOwner = remote.host();
        }
      }
      answer = b.risk.findLocalCopy(id);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subjectId", id);
    if (answer instanceof RiskQuery.Local local) {
      body.putAll(render.apply(local.state()));
      body.put("hostedBy", b.self == null ? "this instance" : b.self);
      body.put("stale", local.stale());
      ctx.json(body);
    } else if (answer instanceof RiskQuery.Unavailable unavailable) {
      String reason = unavailable.reason();
      if (askedOwner != null) {
        reason = "The owning instance " + askedOwner + " did not answer. " + reason;
      }
      throw new ApiError(503, reason, Map.of("Retry-After", "5"));
    } else {
      throw new ApiError(404, "No risk is known for subject '" + id + "'.", Map.of());
    }
  }

  private static Map<String, Object> riskBody(SubjectRiskState s, long now) {
    Map<String, Object> body = summary(s);
    body.put(
        "topContributions",
        sorted(s, now).stream().limit(TOP_CONTRIBUTIONS).map(f -> contribution(f, now)).toList());
    return body;
  }

  private static Map<String, Object> findingsBody(SubjectRiskState s, long now) {
    Map<String, Object> body = summary(s);
    body.put("findings", sorted(s, now).stream().map(f -> contribution(f, now)).toList());
    return body;
  }

  private static Map<String, Object> summary(SubjectRiskState s) {
    Map<String, Object> body = new LinkedHashMap<>();
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
    return body;
  }

  private static List<ActiveFinding> sorted(SubjectRiskState s, long now) {
    List<ActiveFinding> all = new ArrayList<>(s.findings);
    all.sort(Comparator.comparingDouble((ActiveFinding f) -> f.effectiveScore(now)).reversed());
    return all;
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

  /** The served routes, path to methods, for the OpenAPI check. */
  public Map<String, java.util.Set<String>> routes() {
    return routes.served();
  }

  @Override
  public void close() {
    app.stop();
  }

  /** Collects what the API serves and how it is secured. */
  public static final class Builder {
    private int port = 0;
    private HttpSecurity security = HttpSecurity.open();
    private Authorizer authorizer;
    private Supplier<KafkaStreams.State> state = () -> KafkaStreams.State.RUNNING;
    private IntSupplier restoring = () -> 0;
    private Supplier<String> metrics = () -> "";
    private Supplier<String> jwks = () -> null;
    private RiskQuery risk = id -> new RiskQuery.Unknown();
    private RiskForwarder forwarder;
    private String self;
    private Clock clock = Clock.systemUTC();
    private final List<Consumer<HttpRoutes>> extensions = new ArrayList<>();

    private Builder() {}

    /** The port; 0 picks a free one. */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /** Bind address, TLS and authentication. */
    public Builder security(HttpSecurity value) {
      this.security = Objects.requireNonNull(value, "security");
      return this;
    }

    /** An authorizer other than the one {@link #security} implies (tests). */
    public Builder authorizer(Authorizer value) {
      this.authorizer = value;
      return this;
    }

    /** The Kafka Streams state. */
    public Builder state(Supplier<KafkaStreams.State> value) {
      this.state = Objects.requireNonNull(value, "state");
      return this;
    }

    /** How many store partitions are restoring now. */
    public Builder restoring(IntSupplier value) {
      this.restoring = Objects.requireNonNull(value, "restoring");
      return this;
    }

    /** Prometheus text. */
    public Builder metrics(Supplier<String> value) {
      this.metrics = Objects.requireNonNull(value, "metrics");
      return this;
    }

    /** The JWK set JSON; the supplier answers null when SETs are off. */
    public Builder jwks(Supplier<String> value) {
      this.jwks = Objects.requireNonNull(value, "jwks");
      return this;
    }

    /** The risk lookup. */
    public Builder risk(RiskQuery value) {
      this.risk = Objects.requireNonNull(value, "risk");
      return this;
    }

    /** How queries for subjects hosted elsewhere are forwarded; null answers from local copies. */
    public Builder forwarder(RiskForwarder value) {
      this.forwarder = value;
      return this;
    }

    /** This instance's {@code application.server}, shown as {@code hostedBy}. */
    public Builder self(String value) {
      this.self = value;
      return this;
    }

    /** The clock for decayed scores. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Adds routes of another part of Vigil, e.g. the SSF transmitter. */
    public Builder extension(Consumer<HttpRoutes> value) {
      extensions.add(Objects.requireNonNull(value, "extension"));
      return this;
    }

    /** Creates and starts the API. */
    public HttpApi start() {
      return new HttpApi(this);
    }
  }
}
