package dev.vigil.app.ssf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID SSF 1.0 transmitter: transmitter configuration metadata (§7.1), stream management
 * (§8.1.1 create, read, update, replace, delete), status (§8.1.2), subjects (§8.1.3) and
 * verification (§8.1.4), following the CAEP interoperability profile (§2.3 "Transmitters"). Streams
 * live in a {@link JsonTable} (the compacted {@code ssf.streams} topic); push delivery runs through
 * the listener given to {@link #onStreamChange}, poll delivery through {@link PollService}.
 */
public final class SsfTransmitter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SsfTransmitter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> STATUSES =
      Set.of(SsfStream.ENABLED, SsfStream.PAUSED, SsfStream.DISABLED);

  /** Path of the configuration endpoint. */
  public static final String STREAMS_PATH = "/ssf/streams";

  /** Path of the status endpoint. */
  public static final String STATUS_PATH = "/ssf/status";

  /** Path of the add-subject endpoint. */
  public static final String ADD_SUBJECT_PATH = "/ssf/subjects/add";

  /** Path of the remove-subject endpoint. */
  public static final String REMOVE_SUBJECT_PATH = "/ssf/subjects/remove";

  /** Path of the verification endpoint. */
  public static final String VERIFY_PATH = "/ssf/verify";

  /** Path prefix of the poll endpoints; the stream id follows. */
  public static final String POLL_PATH = "/ssf/poll/";

  /** Path of the JWKS. */
  public static final String JWKS_PATH = "/.well-known/jwks.json";

  private final JsonTable streams;
  private final SsfEvents events;
  private final PollService poll;
  private final PushDelivery push;
  private final Clock clock;
  private final ExecutorService controlPushes =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "vigil-ssf-control-push");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param streams the streams table
   * @param events issues the SETs streams receive
   * @param poll poll delivery
   * @param push push delivery, for the transmitter's own events on push streams
   * @param clock for creation times
   */
  public SsfTransmitter(
      JsonTable streams, SsfEvents events, PollService poll, PushDelivery push, Clock clock) {
    this.streams = Objects.requireNonNull(streams, "streams");
    this.events = Objects.requireNonNull(events, "events");
    this.poll = Objects.requireNonNull(poll, "poll");
    this.push = Objects.requireNonNull(push, "push");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Calls the listener with (stream id, stream or null) for every stream now and on each change.
   */
  public void onStreamChange(java.util.function.BiConsumer<String, SsfStream> listener) {
    streams.onChange((id, json) -> listener.accept(id, json == null ? null : parse(json)));
    streams.all().forEach((id, json) -> listener.accept(id, parse(json)));
  }

  /** The issuer. */
  public String issuer() {
    return events.issuer();
  }

  /** The poll service. */
  public PollService pollService() {
    return poll;
  }

  /**
   * The transmitter configuration metadata (SSF 1.0 §7.1), with endpoints under {@code baseUrl}.
   */
  public Map<String, Object> metadata(String baseUrl) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("spec_version", "1_0");
    m.put("issuer", events.issuer());
    m.put("jwks_uri", baseUrl + JWKS_PATH);
    m.put("delivery_methods_supported", List.of(SsfStream.PUSH, SsfStream.POLL));
    m.put("configuration_endpoint", baseUrl + STREAMS_PATH);
    m.put("status_endpoint", baseUrl + STATUS_PATH);
    m.put("add_subject_endpoint", baseUrl + ADD_SUBJECT_PATH);
    m.put("remove_subject_endpoint", baseUrl + REMOVE_SUBJECT_PATH);
    m.put("verification_endpoint", baseUrl + VERIFY_PATH);
    m.put("critical_subject_members", List.of("user"));
    m.put("authorization_schemes", List.of(Map.of("spec_urn", "urn:ietf:rfc:6749")));
    m.put("default_subjects", events.allSubjectsByDefault() ? "ALL" : "NONE");
    return m;
  }

  /** Creates a stream (§8.1.1.1) for {@code owner}; answers its configuration. */
  public Map<String, Object> create(String owner, Map<String, Object> body, String baseUrl) {
    String id = UUID.randomUUID().toString();
    Delivery d = delivery(body.get("delivery"), id, baseUrl);
    SsfStream s =
        new SsfStream(
            id,
            owner,
            audience(body.get("aud"), owner),
            strings(body.get("events_requested"), "events_requested"),
            d.method,
            d.endpoint,
            d.authorization,
            text(body.get("description")),
            SsfStream.ENABLED,
            null,
            List.of(),
            List.of(),
            clock.millis(),
            poll.startOffsets());
    save(s);
    LOG.info("SSF stream {} created by {} ({}).", id, owner, d.method);
    return view(s);
  }

  /** Reads one stream, or every stream of the owner when {@code streamId} is null (§8.1.1.2). */
  public Object read(String owner, String streamId) {
    if (streamId == null) {
      List<Map<String, Object>> all = new ArrayList<>();
      streams.all().values().stream()
          .map(SsfTransmitter::parse)
          .filter(s -> Objects.equals(s.owner(), owner))
          .forEach(s -> all.add(view(s)));
      return all;
    }
    return view(find(owner, streamId));
  }

  /** Updates the receiver-supplied properties present in the body (§8.1.1.3). */
  public Map<String, Object> update(String owner, Map<String, Object> body, String baseUrl) {
    SsfStream s = find(owner, requiredId(body));
    Delivery d =
        body.containsKey("delivery")
            ? delivery(body.get("delivery"), s.streamId(), baseUrl)
            : new Delivery(s.deliveryMethod(), s.endpointUrl(), s.authorizationHeader());
    SsfStream u =
        new SsfStream(
            s.streamId(),
            s.owner(),
            s.aud(),
            body.containsKey("events_requested")
                ? strings(body.get("events_requested"), "events_requested")
                : s.eventsRequested(),
            d.method,
            d.endpoint,
            d.authorization,
            body.containsKey("description") ? text(body.get("description")) : s.description(),
            s.status(),
            s.reason(),
            s.added(),
            s.removed(),
            s.createdAtMillis(),
            s.startOffsets());
    save(u);
    return view(u);
  }

  /** Replaces every receiver-supplied property with the body's (§8.1.1.4). */
  public Map<String, Object> replace(String owner, Map<String, Object> body, String baseUrl) {
    SsfStream s = find(owner, requiredId(body));
    Delivery d = delivery(body.get("delivery"), s.streamId(), baseUrl);
    SsfStream r =
        new SsfStream(
            s.streamId(),
            s.owner(),
            s.aud(),
            strings(body.get("events_requested"), "events_requested"),
            d.method,
            d.endpoint,
            d.authorization,
            text(body.get("description")),
            s.status(),
            s.reason(),
            s.added(),
            s.removed(),
            s.createdAtMillis(),
            s.startOffsets());
    save(r);
    return view(r);
  }

  /** Deletes a stream (§8.1.1.5): its configuration and poll position. */
  public void delete(String owner, String streamId) {
    SsfStream s = find(owner, required(streamId));
    streams.delete(s.streamId());
    poll.forget(s.streamId());
    LOG.info("SSF stream {} deleted.", s.streamId());
  }

  /** A stream's status (§8.1.2.1). */
  public Map<String, Object> status(String owner, String streamId) {
    return statusView(find(owner, required(streamId)));
  }

  /** Sets a stream's status as its receiver asks (§8.1.2.2). */
  public Map<String, Object> updateStatus(String owner, Map<String, Object> body) {
    SsfStream s = find(owner, requiredId(body));
    String status = text(body.get("status"));
    if (status == null || !STATUSES.contains(status)) {
      throw new SsfException(400, "status must be enabled, paused or disabled.");
    }
    SsfStream u = s.withStatus(status, text(body.get("reason")));
    save(u);
    return statusView(u);
  }

  /**
   * Sets a stream's status on the transmitter's own initiative (e.g. pushes keep failing) and
   * announces it with a stream-updated event (§8.1.5).
   */
  public void changeStatusByTransmitter(String streamId, String status, String reason) {
    streams
        .get(streamId)
        .map(SsfTransmitter::parse)
        .ifPresent(
            s -> {
              SsfStream u = s.withStatus(status, reason);
              save(u);
              send(u, events.streamUpdated(u));
            });
  }

  /** Adds a subject (§8.1.3.1). */
  public void addSubject(String owner, Map<String, Object> body) {
    SsfStream s = find(owner, requiredId(body));
    save(s.withSubjectAdded(subject(body)));
  }

  /** Removes a subject (§8.1.3.2). */
  public void removeSubject(String owner, Map<String, Object> body) {
    SsfStream s = find(owner, requiredId(body));
    save(s.withSubjectRemoved(subject(body)));
  }

  /** Sends a verification event with the receiver's {@code state} (§8.1.4.2). */
  public void verify(String owner, Map<String, Object> body) {
    SsfStream s = find(owner, requiredId(body));
    Object state = body.get("state");
    if (state != null && !(state instanceof String)) {
      throw new SsfException(400, "state must be a string.");
    }
    send(s, events.verification(s, (String) state));
  }

  /** The poll stream with this id, for the poll endpoint. */
  public SsfStream pollStream(String owner, String streamId) {
    SsfStream s = find(owner, streamId);
    if (s.isPush()) {
      throw new SsfException(400, "Stream " + streamId + " uses push delivery, not poll.");
    }
    return s;
  }

  private void send(SsfStream s, SsfEvents.Issued set) {
    if (s.isPush()) {
      controlPushes.execute(
          () -> {
            try {
              PushDelivery.Outcome o =
                  push.push(s.endpointUrl(), s.authorizationHeader(), set.token(), set.jti());
              if (o.result() != PushDelivery.Result.DELIVERED) {
                LOG.warn(
                    "Stream {}: event {} not delivered: {}", s.streamId(), set.jti(), o.detail());
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    } else {
      poll.enqueue(s.streamId(), set);
    }
  }

  private SsfStream find(String owner, String streamId) {
    Optional<SsfStream> s = streams.get(streamId).map(SsfTransmitter::parse);
    // Another owner's stream is reported as missing, not as forbidden.
    if (s.isEmpty() || !Objects.equals(s.get().owner(), owner)) {
      throw new SsfException(404, "No stream " + streamId + " exists.");
    }
    return s.get();
  }

  private Map<String, Object> view(SsfStream s) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("stream_id", s.streamId());
    v.put("iss", events.issuer());
    v.put("aud", s.aud().size() == 1 ? s.aud().get(0) : s.aud());
    v.put("events_supported", SsfEvents.SUPPORTED);
    v.put("events_requested", s.eventsRequested());
    v.put("events_delivered", SsfEvents.delivered(s));
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("method", s.deliveryMethod());
    d.put("endpoint_url", s.endpointUrl());
    v.put("delivery", d);
    if (s.description() != null) {
      v.put("description", s.description());
    }
    return v;
  }

  private static Map<String, Object> statusView(SsfStream s) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("stream_id", s.streamId());
    v.put("status", s.status());
    if (s.reason() != null) {
      v.put("reason", s.reason());
    }
    return v;
  }

  private record Delivery(String method, String endpoint, String authorization) {}

  private static Delivery delivery(Object raw, String streamId, String baseUrl) {
    if (raw == null) {
      return new Delivery(SsfStream.POLL, baseUrl + POLL_PATH + streamId, null);
    }
    if (!(raw instanceof Map<?, ?> d)) {
      throw new SsfException(400, "delivery must be a JSON object.");
    }
    String method = text(d.get("method"));
    if (SsfStream.POLL.equals(method)) {
      // The transmitter supplies the poll URL (RFC 8936 §2, SSF 1.0 §8.1.1).
      return new Delivery(method, baseUrl + POLL_PATH + streamId, null);
    }
    if (!SsfStream.PUSH.equals(method)) {
      throw new SsfException(
          400, "delivery.method must be " + SsfStream.PUSH + " or " + SsfStream.POLL + ".");
    }
    String url = text(d.get("endpoint_url"));
    if (url == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
      throw new SsfException(400, "Push delivery needs delivery.endpoint_url, an http(s) URL.");
    }
    try {
      URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new SsfException(400, "delivery.endpoint_url is not a valid URL.");
    }
    return new Delivery(method, url, text(d.get("authorization_header")));
  }

  private static List<String> audience(Object raw, String owner) {
    if (raw == null) {
      return List.of(owner);
    }
    if (raw instanceof String s && !s.isBlank()) {
      return List.of(s);
    }
    List<String> list = strings(raw, "aud");
    if (list.isEmpty()) {
      throw new SsfException(400, "aud must be a non-empty string or array of strings.");
    }
    return list;
  }

  private static List<String> strings(Object raw, String field) {
    if (raw == null) {
      return List.of();
    }
    if (raw instanceof List<?> l && l.stream().allMatch(String.class::isInstance)) {
      return l.stream().map(String.class::cast).toList();
    }
    throw new SsfException(400, field + " must be an array of strings.");
  }

  private static String text(Object raw) {
    return raw instanceof String s && !s.isBlank() ? s : null;
  }

  private static String requiredId(Map<String, Object> body) {
    return required(text(body.get("stream_id")));
  }

  private static String required(String streamId) {
    if (streamId == null || streamId.isBlank()) {
      throw new SsfException(400, "stream_id is required.");
    }
    return streamId;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> subject(Map<String, Object> body) {
    if (!(body.get("subject") instanceof Map<?, ?> m) || !(m.get("format") instanceof String)) {
      throw new SsfException(400, "subject must be a subject identifier with a format (RFC 9493).");
    }
    return (Map<String, Object>) m;
  }

  private void save(SsfStream s) {
    try {
      streams.put(s.streamId(), JSON.writeValueAsString(s));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write stream " + s.streamId() + ".", e);
    }
  }

  private static SsfStream parse(String json) {
    try {
      return JSON.readValue(json, SsfStream.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A stored SSF stream is not valid JSON.", e);
    }
  }

  /** Calls {@code action} for the stream, if it exists (for tests and tools). */
  public void withStream(String streamId, Consumer<SsfStream> action) {
    streams.get(streamId).map(SsfTransmitter::parse).ifPresent(action);
  }

  @Override
  public void close() {
    controlPushes.shutdownNow();
  }
}
