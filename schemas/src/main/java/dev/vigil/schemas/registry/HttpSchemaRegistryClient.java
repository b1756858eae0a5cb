package dev.vigil.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * A client for the Confluent Schema Registry REST API over {@link HttpClient}. Works with Confluent
 * Schema Registry and its compatible implementations (Apicurio ccompat, Karapace, Redpanda).
 *
 * <p>Several base URLs may be given; a request goes to the first and moves to the next only when
 * the connection fails. TLS uses the JVM's default {@link SSLContext}, so the standard {@code
 * javax.net.ssl.*} system properties apply. The client does not cache: wrap it in {@link
 * CachingSchemaRegistryClient} for the serde hot path. Thread-safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

  /** Config key: comma-separated base URLs (Confluent's name). */
  public static final String URL_CONFIG = "schema.registry.url";

  /** Config key: {@code user:password} for HTTP basic auth (Confluent's name). */
  public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";

  /** Config key: a static bearer token (Confluent's name). */
  public static final String BEARER_AUTH_TOKEN_CONFIG = "bearer.auth.token";

  /** Config key: request timeout in milliseconds (Confluent's name). */
  public static final String REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";

  /** Config key: connect timeout in milliseconds. */
  public static final String CONNECT_TIMEOUT_MS_CONFIG = "schema.registry.connect.timeout.ms";

  /** The media type of the Confluent REST API. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> baseUrls;
  private final String authorization;
  private final Duration requestTimeout;
  private final HttpClient http;

  private HttpSchemaRegistryClient(Builder builder) {
    if (builder.urls.isEmpty()) {
      throw new IllegalArgumentException("No schema registry URL given: set '" + URL_CONFIG + "'.");
    }
    this.baseUrls = builder.urls.stream().map(HttpSchemaRegistryClient::baseUrl).toList();
    this.authorization = builder.authorization;
    this.requestTimeout = builder.requestTimeout;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .connectTimeout(builder.connectTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL);
    http.sslContext(builder.sslContext != null ? builder.sslContext : defaultSslContext());
    this.http = http.build();
  }

  /** A builder with no URL, no auth and default timeouts. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a client from Confluent-style config keys: {@value #URL_CONFIG} (required), {@value
   * #BASIC_AUTH_USER_INFO_CONFIG}, {@value #BEARER_AUTH_TOKEN_CONFIG}, {@value
   * #REQUEST_TIMEOUT_MS_CONFIG}, {@value #CONNECT_TIMEOUT_MS_CONFIG}. Other keys are ignored, so a
   * whole Kafka client config may be passed.
   *
   * @throws IllegalArgumentException naming the key if a value is missing or malformed, or if both
   *     basic and bearer auth are set
   */
  public static HttpSchemaRegistryClient fromConfig(Map<String, ?> config) {
    Builder builder = builder();
    Object urls = config.get(URL_CONFIG);
    if (urls == null || urls.toString().isBlank()) {
      throw new IllegalArgumentException("Config '" + URL_CONFIG + "' is required.");
    }
    builder.urls(
        Arrays.stream(urls.toString().split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList());
    Object userInfo = config.get(BASIC_AUTH_USER_INFO_CONFIG);
    Object token = config.get(BEARER_AUTH_TOKEN_CONFIG);
    if (userInfo != null && token != null) {
      throw new IllegalArgumentException(
          "Configs '"
              + BASIC_AUTH_USER_INFO_CONFIG
              + "' and '"
              + BEARER_AUTH_TOKEN_CONFIG
              + "' conflict: set only one.");
    }
    if (userInfo != null) {
      builder.basicAuth(userInfo.toString());
    }
    if (token != null) {
      builder.bearerToken(token.toString());
    }
    Duration requestTimeout = millis(config, REQUEST_TIMEOUT_MS_CONFIG);
    if (requestTimeout != null) {
      builder.requestTimeout(requestTimeout);
    }
    Duration connectTimeout = millis(config, CONNECT_TIMEOUT_MS_CONFIG);
    if (connectTimeout != null) {
      builder.connectTimeout(connectTimeout);
    }
    return builder.build();
  }

  private static Duration millis(Map<String, ?> config, String key) {
    Object value = config.get(key);
    if (value == null) {
      return null;
    }
    try {
      long ms = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
      if (ms <= 0) {
        throw new NumberFormatException("not positive");
      }
      return Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Config '" + key + "' must be a positive number of milliseconds, got '" + value + "'.",
          e);
    }
  }

  /** The base URLs in the order they are tried. */
  public List<URI> baseUrls() {
    return baseUrls;
  }

  @Override
  public int register(String subject, SchemaText schema) {
    JsonNode body =
        send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), subject);
    return body.path("id").asInt();
  }

  @Override
  public Schema schemaById(int id) {
    JsonNode body = send("GET", "/schemas/ids/" + id, null, null);
    requireAvro(body, "Schema id " + id);
    return resolve(body, "schema id " + id);
  }

  @Override
  public Optional<RegisteredSchema> find(String subject, SchemaText schema) {
    try {
      JsonNode body = send("POST", "/subjects/" + encode(subject), schemaBody(schema), subject);
      return Optional.of(registered(subject, body));
    } catch (SchemaRegistryException e) {
      if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public RegisteredSchema latest(String subject) {
    JsonNode body = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null, subject);
    return registered(subject, body);
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    JsonNode body =
        send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null, subject);
    return registered(subject, body);
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, SchemaText schema) {
    String path = "/compatibility/subjects/" + encode(subject) + "/versions";
    JsonNode body;
    try {
      try {
        // Against what the subject's level covers: the latest version, or all when transitive.
        body = send("POST", path + "?verbose=true", schemaBody(schema), subject);
      } catch (SchemaRegistryException e) {
        if (e.status() != 404 && e.status() != 405 || e.errorCode() != e.status()) {
          throw e;
        }
        // A registry without that endpoint: check against the latest version.
        body = send("POST", path + "/latest?verbose=true", schemaBody(schema), subject);
      }
    } catch (SchemaRegistryException e) {
      // Registries older than Confluent 7 answer 404 where newer ones say compatible.
      if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
          || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
        return CompatibilityResult.ok();
      }
      throw e;
    }
    List<String> messages = new ArrayList<>();
    body.path("messages").forEach(m -> messages.add(m.asText()));
    return new CompatibilityResult(body.path("is_compatible").asBoolean(false), messages);
  }

  private RegisteredSchema registered(String subject, JsonNode body) {
    requireAvro(body, "Subject '" + subject + "'");
    return new RegisteredSchema(
        body.path("subject").asText(subject),
        body.path("id").asInt(),
        body.path("version").asInt(),
        resolve(body, "subject '" + subject + "'"));
  }

  private static void requireAvro(JsonNode body, String what) {
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new SchemaRegistryException(
          200,
          SchemaRegistryException.UNREACHABLE,
          what + " is a " + type + " schema, not an Avro schema.");
    }
  }

  /** Parses a schema answer, first fetching and parsing what its references name, depth first. */
  private Schema resolve(JsonNode body, String what) {
    Schema.Parser parser = new Schema.Parser();
    addReferences(parser, references(body.path("references")), new HashSet<>(), what);
    return parse(parser, body.path("schema").asText(), what);
  }

  private void addReferences(
      Schema.Parser parser, List<SchemaReference> references, Set<String> seen, String what) {
    for (SchemaReference reference : references) {
      if (parser.getTypes().containsKey(reference.name())
          || !seen.add(reference.subject() + "/" + reference.version())) {
        continue;
      }
      String path =
          "/subjects/"
              + encode(reference.subject())
              + "/versions/"
              + (reference.version() < 0 ? "latest" : Integer.toString(reference.version()));
      JsonNode body = send("GET", path, null, reference.subject());
      addReferences(parser, references(body.path("references")), seen, what);
      String name = "reference " + reference.name() + " of " + what;
      Schema referenced = parse(parser, body.path("schema").asText(), name);
      if (!parser.getTypes().containsKey(reference.name())) {
        throw new SchemaRegistryException(
            200,
            SchemaRegistryException.INVALID_SCHEMA,
            "Schema registry returned "
                + referenced.getFullName()
                + " for "
                + name
                + ", which does not define that type.");
      }
    }
  }

  static List<SchemaReference> references(JsonNode array) {
    List<SchemaReference> references = new ArrayList<>();
    for (JsonNode node : array) {
      references.add(
          new SchemaReference(
              node.path("name").asText(),
              node.path("subject").asText(),
              node.path("version").asInt(-1)));
    }
    return references;
  }

  private static String schemaBody(SchemaText schema) {
    ObjectNode node = JSON.createObjectNode();
    node.put("schema", schema.schema());
    if (!schema.references().isEmpty()) {
      ArrayNode references = node.putArray("references");
      for (SchemaReference reference : schema.references()) {
        references
            .addObject()
            .put("name", reference.name())
            .put("subject", reference.subject())
            .put("version", reference.version());
      }
    }
    return node.toString();
  }

  private static Schema parse(Schema.Parser parser, String text, String what) {
    try {
      return parser.parse(text);
    } catch (AvroRuntimeException | NullPointerException e) {
      throw new SchemaRegistryException(
          200,
          SchemaRegistryException.INVALID_SCHEMA,
          "Schema registry returned an unparseable Avro schema for " + what + ": " + e.getMessage(),
          e);
    }
  }

  private JsonNode send(String method, String path, String body, String subject) {
    IOException lastFailure = null;
    for (URI base : baseUrls) {
      URI uri = URI.create(base + path);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(requestTimeout)
              .header("Accept", CONTENT_TYPE + ", application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE);
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException | HttpConnectTimeoutException e) {
        lastFailure = e;
        continue;
      } catch (HttpTimeoutException e) {
        throw new SchemaRegistryException(
            SchemaRegistryException.UNREACHABLE,
            SchemaRegistryException.UNREACHABLE,
            "Schema registry at "
                + base
                + " did not answer "
                + method
                + " "
                + path
                + " within "
                + requestTimeout.toMillis()
                + " ms.",
            e);
      } catch (IOException e) {
        if (e.getCause() instanceof UnresolvedAddressException) {
          lastFailure = e;
          continue;
        }
        throw new SchemaRegistryException(
            SchemaRegistryException.UNREACHABLE,
            SchemaRegistryException.UNREACHABLE,
            "Schema registry request " + method + " " + uri + " failed: " + e + ".",
            e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(
            SchemaRegistryException.UNREACHABLE,
            SchemaRegistryException.UNREACHABLE,
            "Interrupted while calling the schema registry at " + base + ".",
            e);
      }
      return handle(base, method, path, subject, response);
    }
    throw new SchemaRegistryException(
        SchemaRegistryException.UNREACHABLE,
        SchemaRegistryException.UNREACHABLE,
        "Schema registry is unreachable at " + baseUrls + ": " + lastFailure + ".",
        lastFailure);
  }

  private static JsonNode handle(
      URI base, String method, String path, String subject, HttpResponse<String> response) {
    int status = response.statusCode();
    JsonNode json;
    try {
      json =
          response.body() == null || response.body().isBlank()
              ? JSON.nullNode()
              : JSON.readTree(response.body());
    } catch (IOException e) {
      json = null;
    }
    if (status >= 200 && status < 300) {
      if (json == null) {
        throw new SchemaRegistryException(
            status,
            SchemaRegistryException.UNREACHABLE,
            "Schema registry at "
                + base
                + " answered "
                + method
                + " "
                + path
                + " with a body that is not JSON.");
      }
      return json;
    }
    int errorCode =
        json != null && json.has("error_code") ? json.get("error_code").asInt() : status;
    String serverMessage = json != null ? json.path("message").asText("") : "";
    if (status == 401 || status == 403) {
      throw new SchemaRegistryException(
          status,
          errorCode,
          "Schema registry at "
              + base
              + " refused the credentials with HTTP "
              + status
              + (status == 401 ? " Unauthorized" : " Forbidden")
              + ": check '"
              + BASIC_AUTH_USER_INFO_CONFIG
              + "' or '"
              + BEARER_AUTH_TOKEN_CONFIG
              + "'.");
    }
    String message;
    if (!serverMessage.isBlank()) {
      message = serverMessage.endsWith(".") ? serverMessage : serverMessage + ".";
    } else if (status == 404 && subject != null) {
      message = "Schema registry has no '" + path + "' for subject '" + subject + "'.";
    } else {
      message =
          "Schema registry at "
              + base
              + " answered "
              + method
              + " "
              + path
              + " with HTTP "
              + status
              + ".";
    }
    throw new SchemaRegistryException(status, errorCode, message);
  }

  private static URI baseUrl(String url) {
    String trimmed = url.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    try {
      URI uri = URI.create(trimmed);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Schema registry URL '" + url + "' is not a valid http(s) URL.", e);
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static SSLContext defaultSslContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JVM has no default TLS context.", e);
    }
  }

  /** Builds an {@link HttpSchemaRegistryClient}. */
  public static final class Builder {
    private List<String> urls = List.of();
    private String authorization;
    private Duration requestTimeout = DEFAULT_TIMEOUT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private SSLContext sslContext;

    private Builder() {}

    /** The base URLs, tried in order when a connection fails. */
    public Builder urls(List<String> urls) {
      this.urls = List.copyOf(urls);
      return this;
    }

    /** A single base URL. */
    public Builder url(String url) {
      return urls(List.of(url));
    }

    /**
     * HTTP basic auth from {@code user:password}.
     *
     * @throws IllegalArgumentException if there is no colon
     */
    public Builder basicAuth(String userInfo) {
      Objects.requireNonNull(userInfo, "userInfo");
      if (!userInfo.contains(":")) {
        throw new IllegalArgumentException(
            "Config '" + BASIC_AUTH_USER_INFO_CONFIG + "' must be 'user:password'.");
      }
      this.authorization =
          "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** HTTP basic auth from a user and password. */
    public Builder basicAuth(String user, String password) {
      return basicAuth(user + ":" + password);
    }

    /** A static bearer token sent as {@code Authorization: Bearer <token>}. */
    public Builder bearerToken(String token) {
      Objects.requireNonNull(token, "token");
      this.authorization = "Bearer " + token;
      return this;
    }

    /** How long one request may take, connection included. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How long establishing a connection may take before the next URL is tried. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** A TLS context other than the JVM default, e.g. for mutual TLS in tests. */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = sslContext;
      return this;
    }

    /** Builds the client. */
    public HttpSchemaRegistryClient build() {
      return new HttpSchemaRegistryClient(this);
    }
  }
}
