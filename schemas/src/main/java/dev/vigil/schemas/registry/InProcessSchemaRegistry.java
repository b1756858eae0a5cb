package dev.vigil.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A schema registry serving the Confluent REST API subset Vigil uses, over real HTTP on 127.0.0.1,
 * for the embedded dev stack and tests. State is in memory. Compatibility is checked with Avro's
 * {@link org.apache.avro.SchemaCompatibility}; ids are global and the same schema gets the same id
 * under every subject, as in Confluent Schema Registry.
 *
 * <p>Endpoints: {@code GET /subjects}, {@code GET /subjects/{s}/versions}, {@code GET
 * /subjects/{s}/versions/{n|latest}}, {@code POST /subjects/{s}/versions}, {@code POST
 * /subjects/{s}}, {@code GET /schemas/ids/{id}}, {@code POST
 * /compatibility/subjects/{s}/versions/{n|latest}}, {@code GET|PUT /config} and {@code GET|PUT
 * /config/{s}}.
 */
public final class InProcessSchemaRegistry implements AutoCloseable {

  private static final String CONTENT_TYPE = HttpSchemaRegistryClient.CONTENT_TYPE;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;
  private final String expectedAuthorization;
  private final AtomicLong requests = new AtomicLong();

  private final Object lock = new Object();
  private final Map<Integer, String> schemaTextById = new HashMap<>();
  private final Map<String, Integer> idBySchemaText = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new TreeMap<>();
  private final Map<String, CompatibilityLevel> levelBySubject = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private int nextId = 1;

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
        response = error(500, 50001, "Error in the backend data store: " + e + ".");
      }
      byte[] bytes = response.body.toString().getBytes(StandardCharsets.UTF_8);
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
    String query = exchange.getRequestURI().getQuery();
    int n = path.size();
    if (n == 1 && path.get(0).equals("subjects") && method.equals("GET")) {
      return ok(subjects());
    }
    if (n == 2 && path.get(0).equals("subjects") && method.equals("POST")) {
      return ok(lookup(path.get(1), schemaText(exchange)));
    }
    if (n == 3 && path.get(0).equals("subjects") && path.get(2).equals("versions")) {
      if (method.equals("POST")) {
        return ok(register(path.get(1), schemaText(exchange)));
      }
      if (method.equals("GET")) {
        return ok(versions(path.get(1)));
      }
    }
    if (n == 4
        && path.get(0).equals("subjects")
        && path.get(2).equals("versions")
        && method.equals("GET")) {
      return ok(version(path.get(1), path.get(3)));
    }
    if (n == 3
        && path.get(0).equals("schemas")
        && path.get(1).equals("ids")
        && method.equals("GET")) {
      return ok(schemaById(path.get(2)));
    }
    if (n == 5
        && path.get(0).equals("compatibility")
        && path.get(1).equals("subjects")
        && path.get(3).equals("versions")
        && method.equals("POST")) {
      boolean verbose = query != null && query.contains("verbose=true");
      return ok(compatibility(path.get(2), path.get(4), schemaText(exchange), verbose));
    }
    if ((n == 1 || n == 2) && path.get(0).equals("config")) {
      String subject = n == 2 ? path.get(1) : null;
      if (method.equals("GET")) {
        boolean defaultToGlobal = query != null && query.contains("defaultToGlobal=true");
        return ok(config(subject, defaultToGlobal));
      }
      if (method.equals("PUT")) {
        return ok(updateConfig(subject, readBody(exchange)));
      }
    }
    throw new ApiError(
        404,
        404,
        "HTTP 404 Not Found: no endpoint " + method + " " + exchange.getRequestURI().getPath());
  }

  private JsonNode subjects() {
    ArrayNode array = JSON.createArrayNode();
    synchronized (lock) {
      versionsBySubject.keySet().forEach(array::add);
    }
    return array;
  }

  private JsonNode versions(String subject) {
    ArrayNode array = JSON.createArrayNode();
    synchronized (lock) {
      List<Integer> ids = subjectVersions(subject);
      for (int v = 1; v <= ids.size(); v++) {
        array.add(v);
      }
    }
    return array;
  }

  private JsonNode version(String subject, String versionText) {
    synchronized (lock) {
      List<Integer> ids = subjectVersions(subject);
      int version = versionNumber(subject, versionText, ids);
      return versionNode(subject, version, ids.get(version - 1));
    }
  }

  private JsonNode register(String subject, String text) {
    Schema schema = parse(text);
    String canonical = schema.toString();
    synchronized (lock) {
      List<Integer> ids = versionsBySubject.getOrDefault(subject, List.of());
      for (int id : ids) {
        if (schemaTextById.get(id).equals(canonical)) {
          return JSON.createObjectNode().put("id", id);
        }
      }
      List<String> problems = check(subject, schema, ids, levelOf(subject));
      if (!problems.isEmpty()) {
        throw new ApiError(
            409,
            SchemaRegistryException.INCOMPATIBLE_SCHEMA,
            "Schema for subject '"
                + subject
                + "' is incompatible with "
                + String.join("; ", problems));
      }
      int id = idBySchemaText.computeIfAbsent(canonical, c -> nextId++);
      schemaTextById.putIfAbsent(id, canonical);
      versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
      return JSON.createObjectNode().put("id", id);
    }
  }

  private JsonNode lookup(String subject, String text) {
    Schema schema = parse(text);
    String canonical = schema.toString();
    synchronized (lock) {
      List<Integer> ids = subjectVersions(subject);
      for (int v = 1; v <= ids.size(); v++) {
        if (schemaTextById.get(ids.get(v - 1)).equals(canonical)) {
          return versionNode(subject, v, ids.get(v - 1));
        }
      }
    }
    throw new ApiError(
        404,
        SchemaRegistryException.SCHEMA_NOT_FOUND,
        "Schema not found under subject '" + subject + "'");
  }

  private JsonNode schemaById(String idText) {
    String text;
    synchronized (lock) {
      text = parseIntOrNull(idText) == null ? null : schemaTextById.get(parseIntOrNull(idText));
    }
    if (text == null) {
      throw new ApiError(
          404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + idText + " not found");
    }
    return JSON.createObjectNode().put("schema", text);
  }

  private JsonNode compatibility(String subject, String versionText, String text, boolean verbose) {
    Schema schema = parse(text);
    List<String> problems;
    synchronized (lock) {
      List<Integer> ids = subjectVersions(subject);
      CompatibilityLevel level = levelOf(subject);
      if (versionText.equals("latest")) {
        problems = check(subject, schema, ids, level);
      } else {
        int version = versionNumber(subject, versionText, ids);
        problems = check(subject, schema, ids.subList(version - 1, version), version, level);
      }
    }
    ObjectNode node = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
    if (verbose) {
      ArrayNode messages = node.putArray("messages");
      problems.forEach(messages::add);
    }
    return node;
  }

  private JsonNode config(String subject, boolean defaultToGlobal) {
    synchronized (lock) {
      CompatibilityLevel level = subject == null ? globalLevel : levelBySubject.get(subject);
      if (level == null && defaultToGlobal) {
        level = globalLevel;
      }
      if (level == null) {
        throw new ApiError(
            404,
            40408,
            "Subject '" + subject + "' does not have subject-level compatibility configured");
      }
      return JSON.createObjectNode().put("compatibilityLevel", level.name());
    }
  }

  private JsonNode updateConfig(String subject, JsonNode body) {
    String requested = body.path("compatibility").asText("");
    CompatibilityLevel level;
    try {
      level = CompatibilityLevel.parse(requested);
    } catch (IllegalArgumentException e) {
      throw new ApiError(422, 42203, e.getMessage());
    }
    synchronized (lock) {
      if (subject == null) {
        globalLevel = level;
      } else {
        levelBySubject.put(subject, level);
      }
    }
    return JSON.createObjectNode().put("compatibility", level.name());
  }

  /** Problems registering {@code schema} after {@code ids} under the level; empty if none. */
  private List<String> check(
      String subject, Schema schema, List<Integer> ids, CompatibilityLevel level) {
    if (ids.isEmpty() || level == CompatibilityLevel.NONE) {
      return List.of();
    }
    int from = level.transitive() ? 0 : ids.size() - 1;
    return check(subject, schema, ids.subList(from, ids.size()), from + 1, level);
  }

  private List<String> check(
      String subject,
      Schema schema,
      List<Integer> ids,
      int firstVersion,
      CompatibilityLevel level) {
    List<String> problems = new ArrayList<>();
    for (int i = ids.size() - 1; i >= 0; i--) {
      Schema existing = new Schema.Parser().parse(schemaTextById.get(ids.get(i)));
      int version = firstVersion + i;
      if (level.backward()) {
        AvroCompatibility.canRead(schema, existing)
            .messages()
            .forEach(m -> problems.add("version " + version + ": " + m));
      }
      if (level.forward()) {
        AvroCompatibility.canRead(existing, schema)
            .messages()
            .forEach(m -> problems.add("version " + version + " (as reader): " + m));
      }
    }
    return problems;
  }

  private CompatibilityLevel levelOf(String subject) {
    return levelBySubject.getOrDefault(subject, globalLevel);
  }

  private List<Integer> subjectVersions(String subject) {
    List<Integer> ids = versionsBySubject.get(subject);
    if (ids == null) {
      throw new ApiError(
          404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found");
    }
    return ids;
  }

  private static int versionNumber(String subject, String text, List<Integer> ids) {
    if (text.equals("latest") || text.equals("-1")) {
      return ids.size();
    }
    Integer version = parseIntOrNull(text);
    if (version == null || version < 1) {
      throw new ApiError(
          422,
          42202,
          "The specified version '"
              + text
              + "' is not a valid version id: use a positive"
              + " integer or 'latest'");
    }
    if (version > ids.size()) {
      throw new ApiError(
          404,
          SchemaRegistryException.VERSION_NOT_FOUND,
          "Version " + version + " not found under subject '" + subject + "'");
    }
    return version;
  }

  private JsonNode versionNode(String subject, int version, int id) {
    return JSON.createObjectNode()
        .put("subject", subject)
        .put("version", version)
        .put("id", id)
        .put("schema", schemaTextById.get(id));
  }

  private static Schema parse(String text) {
    if (text == null || text.isBlank()) {
      throw new ApiError(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Invalid schema: the 'schema' field is empty");
    }
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException | NullPointerException e) {
      throw new ApiError(
          422, SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
    }
  }

  private static String schemaText(HttpExchange exchange) throws IOException {
    JsonNode body = readBody(exchange);
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new ApiError(
          422,
          SchemaRegistryException.INVALID_SCHEMA,
          "Invalid schema: schemaType " + type + " is not supported, only AVRO");
    }
    JsonNode schema = body.get("schema");
    return schema == null ? null : schema.asText();
  }

  private static JsonNode readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        return JSON.createObjectNode();
      }
      return JSON.readTree(bytes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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

  private static Integer parseIntOrNull(String text) {
    try {
      return Integer.valueOf(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Response ok(JsonNode body) {
    return new Response(200, body);
  }

  private static Response error(int status, int errorCode, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error_code", errorCode);
    body.put("message", message);
    return new Response(status, JSON.valueToTree(body));
  }

  private record Response(int status, JsonNode body) {}

  private static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final int errorCode;

    ApiError(int status, int errorCode, String message) {
      super(message);
      this.status = status;
      this.errorCode = errorCode;
    }
  }

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
