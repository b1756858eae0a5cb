package dev.vigil.dev.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.dev.registry.SchemaStore.ApiError;
import dev.vigil.dev.registry.SchemaStore.Parsed;
import dev.vigil.dev.registry.SchemaStore.Stored;
import dev.vigil.dev.registry.SchemaStore.Version;
import dev.vigil.schemas.registry.HttpSchemaRegistryClient;
import dev.vigil.schemas.registry.SchemaReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry serving the Confluent Schema Registry REST API over real HTTP on 127.0.0.1, for
 * the embedded dev stack and tests; development only. State is in memory. It follows Confluent's
 * behaviour for every endpoint its clients call: global ids shared by identical schemas, schema
 * references, soft and permanent deletes, compatibility levels (checked with Avro's own {@link
 * org.apache.avro.SchemaCompatibility}), modes, and Confluent's status and error codes with a JSON
 * error body. Only Avro schemas are accepted. The endpoints are listed in {@code
 * docs/schema-registry.md}.
 */
public final class InProcessSchemaRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InProcessSchemaRegistry.class);
  private static final String CONTENT_TYPE = HttpSchemaRegistryClient.CONTENT_TYPE;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Path templates ({@code *} is one segment) and the methods each accepts. */
  private static final Map<String, Set<String>> ROUTES =
      Map.ofEntries(
          Map.entry("", Set.of("GET")),
          Map.entry("schemas/types", Set.of("GET")),
          Map.entry("schemas/ids/*", Set.of("GET")),
          Map.entry("schemas/ids/*/schema", Set.of("GET")),
          Map.entry("schemas/ids/*/subjects", Set.of("GET")),
          Map.entry("schemas/ids/*/versions", Set.of("GET")),
          Map.entry("subjects", Set.of("GET")),
          Map.entry("subjects/*", Set.of("POST", "DELETE")),
          Map.entry("subjects/*/versions", Set.of("GET", "POST")),
          Map.entry("subjects/*/versions/*", Set.of("GET", "DELETE")),
          Map.entry("subjects/*/versions/*/schema", Set.of("GET")),
          Map.entry("subjects/*/versions/*/referencedby", Set.of("GET")),
          Map.entry("compatibility/subjects/*/versions", Set.of("POST")),
          Map.entry("compatibility/subjects/*/versions/*", Set.of("POST")),
          Map.entry("config", Set.of("GET", "PUT")),
          Map.entry("config/*", Set.of("GET", "PUT", "DELETE")),
          Map.entry("mode", Set.of("GET", "PUT")),
          Map.entry("mode/*", Set.of("GET", "PUT", "DELETE")));

  private final HttpServer server;
  private final ExecutorService executor;
  private final String expectedAuthorization;
  private final AtomicLong requests = new AtomicLong();
  private final SchemaStore store = new SchemaStore();

  private InProcessSchemaRegistry(Builder builder) throws IOException {
    this.expectedAuthorization = builder.authorization;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port), 0);
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread thread = new Thread(r, "in-process-schema-registry");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /**
   * Starts a registry with no authentication.
   *
   * @param port the port on 127.0.0.1, or 0 for an ephemeral one
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static InProcessSchemaRegistry start(int port) {
    return builder().port(port).start();
  }

  /** A builder for a registry on an ephemeral port with no authentication. */
  public static Builder builder() {
    return new Builder();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The number of HTTP requests received so far, refused ones included. */
  public long requestCount() {
    return requests.get();
  }

  /** Stops serving and releases the port. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      Response response;
      try {
        response = route(exchange);
      } catch (ApiError e) {
        response = error(e.status, e.errorCode, e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("Schema registry request {} failed", exchange.getRequestURI(), e);
        response = error(500, 50001, "Error in the backend data store: " + e);
      }
      byte[] bytes = response.body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if (response.status == 401) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"schema-registry\"");
      }
      exchange.sendResponseHeaders(response.status, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  private Response route(HttpExchange exchange) throws IOException {
    if (expectedAuthorization != null
        && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return error(401, 40101, "Unauthorized");
    }
    String method = exchange.getRequestMethod();
    List<String> path = segments(exchange.getRequestURI().getRawPath());
    String template = template(path);
    if (template == null) {
      throw new ApiError(404, 404, "HTTP 404 Not Found");
    }
    if (!ROUTES.get(template).contains(method)) {
      throw new ApiError(405, 405, "HTTP 405 Method Not Allowed");
    }
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    boolean deleted = flag(query, "deleted");
    String route = method + " " + template;
    synchronized (store) {
      return switch (route) {
        case "GET " -> json(JSON.createObjectNode());
        case "GET schemas/types" -> json(JSON.createArrayNode().add("AVRO"));
        case "GET schemas/ids/*" -> json(schemaNode(store.schema(id(path.get(2)))));
        case "GET schemas/ids/*/schema" -> new Response(200, store.schema(id(path.get(2))).text());
        case "GET schemas/ids/*/subjects" -> {
          ArrayNode subjects = JSON.createArrayNode();
          store.versionsOf(id(path.get(2)), deleted).stream()
              .map(v -> v.subject)
              .distinct()
              .forEach(subjects::add);
          yield json(subjects);
        }
        case "GET schemas/ids/*/versions" -> {
          ArrayNode versions = JSON.createArrayNode();
          for (Version v : store.versionsOf(id(path.get(2)), deleted)) {
            versions.addObject().put("subject", v.subject).put("version", v.version);
          }
          yield json(versions);
        }
        case "GET subjects" -> {
          ArrayNode subjects = JSON.createArrayNode();
          store.subjects(query.getOrDefault("subjectPrefix", ""), deleted).forEach(subjects::add);
          yield json(subjects);
        }
        case "POST subjects/*" -> {
          Parsed parsed = parse(readBody(exchange));
          Version found = store.find(path.get(1), parsed, deleted);
          if (found == null) {
            store.versions(path.get(1), deleted);
            throw new ApiError(404, 40403, "Schema not found");
          }
          yield json(versionNode(found));
        }
        case "DELETE subjects/*" -> {
          ArrayNode versions = JSON.createArrayNode();
          store.deleteSubject(path.get(1), flag(query, "permanent")).forEach(versions::add);
          yield json(versions);
        }
        case "GET subjects/*/versions" -> {
          ArrayNode versions = JSON.createArrayNode();
          store.versions(path.get(1), deleted).forEach(v -> versions.add(v.version));
          yield json(versions);
        }
        case "POST subjects/*/versions" -> {
          JsonNode body = readBody(exchange);
          Parsed parsed = parse(body);
          int id =
              store.register(
                  path.get(1), parsed, body.path("id").asInt(-1), body.path("version").asInt(0));
          yield json(JSON.createObjectNode().put("id", id));
        }
        case "GET subjects/*/versions/*" ->
            json(versionNode(store.version(path.get(1), path.get(3), deleted)));
        case "DELETE subjects/*/versions/*" ->
            json(
                JSON.getNodeFactory()
                    .numberNode(
                        store.deleteVersion(path.get(1), path.get(3), flag(query, "permanent"))));
        case "GET subjects/*/versions/*/schema" -> {
          Version version = store.version(path.get(1), path.get(3), deleted);
          yield new Response(200, store.schema(version.id).text());
        }
        case "GET subjects/*/versions/*/referencedby" -> {
          ArrayNode ids = JSON.createArrayNode();
          store.referencedBy(path.get(1), path.get(3)).forEach(ids::add);
          yield json(ids);
        }
        case "POST compatibility/subjects/*/versions", "POST compatibility/subjects/*/versions/*" ->
            compatibility(path, readBody(exchange), flag(query, "verbose"));
        case "GET config" -> json(level(store.level(null, false).name()));
        case "GET config/*" ->
            json(level(store.level(path.get(1), flag(query, "defaultToGlobal")).name()));
        case "PUT config", "PUT config/*" -> {
          String subject = path.size() == 2 ? path.get(1) : null;
          String level = readBody(exchange).path("compatibility").asText(null);
          yield json(
              JSON.createObjectNode().put("compatibility", store.setLevel(subject, level).name()));
        }
        case "DELETE config/*" -> json(level(store.deleteLevel(path.get(1)).name()));
        case "GET mode" -> json(mode(store.mode(null, false)));
        case "GET mode/*" -> json(mode(store.mode(path.get(1), flag(query, "defaultToGlobal"))));
        case "PUT mode", "PUT mode/*" -> {
          String subject = path.size() == 2 ? path.get(1) : null;
          String mode = readBody(exchange).path("mode").asText(null);
          yield json(mode(store.setMode(subject, mode, flag(query, "force"))));
        }
        case "DELETE mode/*" -> json(mode(store.deleteMode(path.get(1))));
        default -> throw new IllegalStateException("No handler for route " + route);
      };
    }
  }

  private Response compatibility(List<String> path, JsonNode body, boolean verbose) {
    Parsed parsed = parse(body);
    String version = path.size() == 5 ? path.get(4) : null;
    List<String> problems = store.problems(path.get(2), parsed.resolved(), version);
    ObjectNode node = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
    if (verbose) {
      ArrayNode messages = node.putArray("messages");
      problems.forEach(messages::add);
    }
    return json(node);
  }

  private Parsed parse(JsonNode body) {
    JsonNode schema = body.get("schema");
    List<SchemaReference> references = new ArrayList<>();
    for (JsonNode reference : body.path("references")) {
      if (!reference.path("name").isTextual() || !reference.path("subject").isTextual()) {
        throw new ApiError(
            422, 42201, "Invalid schema: a reference needs a 'name', a 'subject' and a 'version'");
      }
      references.add(
          new SchemaReference(
              reference.get("name").asText(),
              reference.get("subject").asText(),
              reference.path("version").asInt(-1)));
    }
    return store.parse(
        body.path("schemaType").asText("AVRO"),
        schema == null || schema.isNull() ? null : schema.asText(),
        references);
  }

  private ObjectNode schemaNode(Stored stored) {
    ObjectNode node = JSON.createObjectNode().put("schema", stored.text());
    addReferences(node, stored.references());
    return node;
  }

  private ObjectNode versionNode(Version version) {
    Stored stored = store.schema(version.id);
    ObjectNode node =
        JSON.createObjectNode()
            .put("subject", version.subject)
            .put("version", version.version)
            .put("id", version.id)
            .put("schema", stored.text());
    addReferences(node, stored.references());
    return node;
  }

  private static void addReferences(ObjectNode node, List<SchemaReference> references) {
    if (!references.isEmpty()) {
      ArrayNode array = node.putArray("references");
      for (SchemaReference r : references) {
        array
            .addObject()
            .put("name", r.name())
            .put("subject", r.subject())
            .put("version", r.version());
      }
    }
  }

  private static ObjectNode level(String level) {
    return JSON.createObjectNode().put("compatibilityLevel", level);
  }

  private static ObjectNode mode(SchemaStore.Mode mode) {
    return JSON.createObjectNode().put("mode", mode.name());
  }

  private static int id(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ApiError(404, 40403, "Schema " + text + " not found");
    }
  }

  private static String template(List<String> path) {
    for (String template : ROUTES.keySet()) {
      String[] parts = template.isEmpty() ? new String[0] : template.split("/");
      if (parts.length != path.size()) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < parts.length && matches; i++) {
        matches = parts[i].equals("*") || parts[i].equals(path.get(i));
      }
      if (matches) {
        return template;
      }
    }
    return null;
  }

  private static JsonNode readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        return JSON.createObjectNode();
      }
      JsonNode body = JSON.readTree(bytes);
      if (!body.isObject()) {
        throw new ApiError(422, 422, "Request body must be a JSON object");
      }
      return body;
    } catch (JsonProcessingException e) {
      throw new ApiError(400, 400, "Request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    for (String raw : rawPath.split("/")) {
      if (!raw.isEmpty()) {
        segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return segments;
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        query.put(
            URLDecoder.decode(key, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  private static boolean flag(Map<String, String> query, String name) {
    return "true".equalsIgnoreCase(query.get(name));
  }

  private static Response json(JsonNode body) {
    return new Response(200, body.toString());
  }

  private static Response error(int status, int errorCode, String message) {
    ObjectNode body = JSON.createObjectNode().put("error_code", errorCode).put("message", message);
    return new Response(status, body.toString());
  }

  private record Response(int status, String body) {}

  /** Builds an {@link InProcessSchemaRegistry}. */
  public static final class Builder {
    private int port;
    private String authorization;

    private Builder() {}

    /** The port on 127.0.0.1; 0 (the default) picks an ephemeral one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Requires HTTP basic auth with this user and password; other requests get 401. */
    public Builder requireBasicAuth(String user, String password) {
      this.authorization =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** Requires this bearer token; other requests get 401. */
    public Builder requireBearerToken(String token) {
      this.authorization = "Bearer " + token;
      return this;
    }

    /**
     * Binds the port and starts serving.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public InProcessSchemaRegistry start() {
      try {
        return new InProcessSchemaRegistry(this);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot start the in-process schema registry on 127.0.0.1:" + port + ": " + e, e);
      }
    }
  }
}
