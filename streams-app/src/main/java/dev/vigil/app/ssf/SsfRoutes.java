package dev.vigil.app.ssf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The SSF routes, registered on the HTTP API's Javalin app through one hook ({@link
 * #accept(Javalin)}):
 *
 * <ul>
 *   <li>{@code GET /.well-known/ssf-configuration}: transmitter metadata, public (SSF 1.0 §7.2);
 *   <li>{@code POST|GET|PATCH|PUT|DELETE /ssf/streams}: stream configuration (§8.1.1);
 *   <li>{@code GET|POST /ssf/status}: stream status (§8.1.2);
 *   <li>{@code POST /ssf/subjects/add}, {@code POST /ssf/subjects/remove}: subjects (§8.1.3);
 *   <li>{@code POST /ssf/verify}: verification (§8.1.4);
 *   <li>{@code POST /ssf/poll/{stream_id}}: poll delivery (RFC 8936);
 *   <li>{@code POST /ssf/receiver}: Vigil's push receiver (RFC 8935).
 * </ul>
 *
 * Reads need {@code ssf.read}, every change and polling {@code ssf.manage} (CAEP interoperability
 * profile, "OAuth Scopes"); refusals are 401/403 with a {@code WWW-Authenticate: Bearer} challenge
 * (RFC 6750 §3) and a JSON body.
 */
public final class SsfRoutes implements Consumer<Javalin> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECEVENT = "application/secevent+jwt";

  private final SsfTransmitter transmitter;
  private final SsfReceiver receiver;
  private final SsfAuthorizer authorizer;
  private final String baseUrl;
  private final String pushToken;

  /**
   * @param transmitter the transmitter
   * @param receiver the receiver
   * @param authorizer decides who may manage streams
   * @param baseUrl public base URL for the metadata, or empty to derive it from each request
   * @param pushToken bearer token transmitters must send to the receiver, or empty for none
   */
  public SsfRoutes(
      SsfTransmitter transmitter,
      SsfReceiver receiver,
      SsfAuthorizer authorizer,
      String baseUrl,
      String pushToken) {
    this.transmitter = Objects.requireNonNull(transmitter, "transmitter");
    this.receiver = Objects.requireNonNull(receiver, "receiver");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    this.baseUrl = baseUrl == null ? "" : baseUrl.replaceAll("/+$", "");
    this.pushToken = pushToken == null ? "" : pushToken;
  }

  @Override
  public void accept(Javalin app) {
    app.get("/.well-known/ssf-configuration", ctx -> ctx.json(transmitter.metadata(base(ctx))));
    String streams = SsfTransmitter.STREAMS_PATH;
    app.post(
        streams,
        ctx ->
            manage(
                ctx,
                SsfAuthorizer.MANAGE,
                201,
                who -> transmitter.create(who, body(ctx), base(ctx))));
    app.get(
        streams,
        ctx ->
            manage(
                ctx,
                SsfAuthorizer.READ,
                200,
                who -> transmitter.read(who, ctx.queryParam("stream_id"))));
    app.patch(
        streams,
        ctx ->
            manage(
                ctx,
                SsfAuthorizer.MANAGE,
                200,
                who -> transmitter.update(who, body(ctx), base(ctx))));
    app.put(
        streams,
        ctx ->
            manage(
                ctx,
                SsfAuthorizer.MANAGE,
                200,
                who -> transmitter.replace(who, body(ctx), base(ctx))));
    app.delete(
        streams,
        ctx ->
            manage(
                ctx,
                SsfAuthorizer.MANAGE,
                204,
                who -> {
                  transmitter.delete(who, ctx.queryParam("stream_id"));
                  return null;
                }));
    app.get(
        SsfTransmitter.STATUS_PATH,
        ctx ->
            manage(
                ctx,
                SsfAuthorizer.READ,
                200,
                who -> transmitter.status(who, ctx.queryParam("stream_id"))));
    app.post(
        SsfTransmitter.STATUS_PATH,
        ctx ->
            manage(
                ctx, SsfAuthorizer.MANAGE, 200, who -> transmitter.updateStatus(who, body(ctx))));
    app.post(
        SsfTransmitter.ADD_SUBJECT_PATH,
        ctx ->
            manage(
                ctx,
                SsfAuthorizer.MANAGE,
                200,
                who -> {
                  transmitter.addSubject(who, body(ctx));
                  return null;
                }));
    app.post(
        SsfTransmitter.REMOVE_SUBJECT_PATH,
        ctx ->
            manage(
                ctx,
                SsfAuthorizer.MANAGE,
                204,
                who -> {
                  transmitter.removeSubject(who, body(ctx));
                  return null;
                }));
    app.post(
        SsfTransmitter.VERIFY_PATH,
        ctx ->
            manage(
                ctx,
                SsfAuthorizer.MANAGE,
                204,
                who -> {
                  transmitter.verify(who, body(ctx));
                  return null;
                }));
    app.post(
        SsfTransmitter.POLL_PATH + "{streamId}",
        ctx -> manage(ctx, SsfAuthorizer.MANAGE, 200, who -> poll(ctx, who)));
    app.post("/ssf/receiver", this::receive);
  }

  @FunctionalInterface
  private interface Action {
    Object run(String principal);
  }

  private void manage(Context ctx, String scope, int okStatus, Action action) {
    SsfAuthorizer.Decision d = authorizer.authorize(ctx.header("Authorization"), scope);
    if (!d.allowed()) {
      String code = d.status() == 403 ? "insufficient_scope" : "invalid_token";
      ctx.header(
          "WWW-Authenticate",
          "Bearer error=\"" + code + "\"" + (d.status() == 403 ? ", scope=\"" + scope + "\"" : ""));
      ctx.status(d.status()).json(Map.of("error", d.error()));
      return;
    }
    try {
      Object result = action.run(d.principal());
      ctx.status(okStatus);
      if (result != null) {
        ctx.json(result);
      }
    } catch (SsfException e) {
      ctx.status(e.status()).json(Map.of("error", e.getMessage()));
    }
  }

  private Object poll(Context ctx, String principal) {
    SsfStream stream = transmitter.pollStream(principal, ctx.pathParam("streamId"));
    Map<String, Object> b = ctx.body().isBlank() ? Map.of() : body(ctx);
    Object max = b.get("maxEvents");
    if (max != null && !(max instanceof Integer)) {
      throw new SsfException(400, "maxEvents must be an integer.");
    }
    List<String> ack = new java.util.ArrayList<>();
    if (b.get("ack") instanceof List<?> l) {
      l.forEach(j -> ack.add(String.valueOf(j)));
    } else if (b.get("ack") != null) {
      throw new SsfException(400, "ack must be an array of jti values.");
    }
    Map<String, Map<String, Object>> errs = new LinkedHashMap<>();
    if (b.get("setErrs") instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> errs.put(String.valueOf(k), v instanceof Map<?, ?> vm ? cast(vm) : Map.of()));
    } else if (b.get("setErrs") != null) {
      throw new SsfException(400, "setErrs must be an object of jti to {err, description}.");
    }
    boolean immediately = Boolean.TRUE.equals(b.get("returnImmediately"));
    return transmitter
        .pollService()
        .poll(stream, new PollService.Request((Integer) max, immediately, ack, errs));
  }

  private void receive(Context ctx) {
    if (!pushToken.isEmpty()) {
      String h = ctx.header("Authorization");
      boolean ok =
          h != null
              && java.security.MessageDigest.isEqual(
                  h.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                  ("Bearer " + pushToken).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (!ok) {
        ctx.header("WWW-Authenticate", "Bearer");
        ctx.status(401)
            .json(
                Map.of(
                    "err", "authentication_failed",
                    "description", "The push needs this receiver's bearer token."));
        return;
      }
    }
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(SECEVENT)) {
      ctx.status(400)
          .json(
              Map.of(
                  "err",
                  "invalid_request",
                  "description",
                  "The Content-Type must be " + SECEVENT + " (RFC 8935 §2)."));
      return;
    }
    SsfReceiver.Outcome o;
    try {
      o = receiver.receive(ctx.body());
    } catch (IllegalStateException e) {
      // Not stored: the transmitter must retry.
      ctx.status(503).json(Map.of("error", e.getMessage()));
      return;
    }
    if (o.accepted()) {
      ctx.status(202);
    } else {
      ctx.status(400).json(Map.of("err", o.err(), "description", o.description()));
    }
  }

  private String base(Context ctx) {
    if (!baseUrl.isEmpty()) {
      return baseUrl;
    }
    return ctx.scheme() + "://" + ctx.host();
  }

  private static Map<String, Object> body(Context ctx) {
    try {
      Map<String, Object> m =
          JSON.readValue(ctx.body(), new TypeReference<Map<String, Object>>() {});
      if (m == null) {
        throw new SsfException(400, "The request body must be a JSON object.");
      }
      return m;
    } catch (JsonProcessingException e) {
      throw new SsfException(400, "The request body must be a JSON object.");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
