package dev.vigil.app.http;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.config.VigilConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The HTTP API's listening and authentication settings, checked together.
 *
 * @param bindAddress the address to listen on
 * @param mode {@code jwt}, {@code mtls}, {@code static-token} or {@code none}
 * @param jwtIssuer required {@code iss}, empty if not configured
 * @param jwksUri the issuer's JWK set, {@code https:}, {@code http:} or {@code file:}
 * @param jwtAudience required {@code aud}
 * @param staticToken the development token
 * @param allowedSubjects client certificate subjects allowed with mTLS
 * @param openEndpoints endpoints answering without authentication: {@code ready}, {@code metrics},
 *     {@code jwks}
 * @param tls the TLS key and trust material, or null for plain HTTP
 */
public record HttpSecurity(
    String bindAddress,
    String mode,
    String jwtIssuer,
    String jwksUri,
    String jwtAudience,
    String staticToken,
    List<String> allowedSubjects,
    Set<String> openEndpoints,
    Tls tls) {

  /** Bearer JWTs. */
  public static final String JWT = "jwt";

  /** Client certificates. */
  public static final String MTLS = "mtls";

  /** A fixed token, development only. */
  public static final String STATIC_TOKEN = "static-token";

  /** No authentication, {@code vigil demo} and tests only. */
  public static final String NONE = "none";

  /**
   * TLS material of the HTTP API.
   *
   * @param keystore PKCS12 with the server certificate and key
   * @param keystorePassword its password
   * @param truststore PKCS12 of client certificate issuers, or null
   * @param truststorePassword its password
   */
  public record Tls(
      Path keystore, String keystorePassword, Path truststore, String truststorePassword) {}

  /** Copies the collections. */
  public HttpSecurity {
    allowedSubjects = List.copyOf(allowedSubjects);
    openEndpoints = Set.copyOf(openEndpoints);
  }

  /** Plain HTTP on loopback without authentication, for tests. */
  public static HttpSecurity open() {
    return new HttpSecurity(
        "127.0.0.1", NONE, "", "", "", "", List.of(), Set.of("ready", "metrics", "jwks"), null);
  }

  /**
   * The settings of a configuration.
   *
   * @throws VigilConfigException with one sentence when they do not fit together
   */
  public static HttpSecurity from(VigilConfig config) {
    String mode = config.get(Settings.HTTP_AUTH_MODE);
    Tls tls = null;
    String keystore = config.get(Settings.HTTP_TLS_KEYSTORE_PATH).strip();
    String truststore = config.get(Settings.HTTP_TLS_TRUSTSTORE_PATH).strip();
    if (!keystore.isEmpty()) {
      tls =
          new Tls(
              readable(keystore, "http.tls.keystore.path"),
              config.get(Settings.HTTP_TLS_KEYSTORE_PASSWORD),
              truststore.isEmpty() ? null : readable(truststore, "http.tls.truststore.path"),
              config.get(Settings.HTTP_TLS_TRUSTSTORE_PASSWORD));
    }
    List<String> subjects =
        Arrays.stream(config.get(Settings.HTTP_AUTH_MTLS_ALLOWED_SUBJECTS).split(";"))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    Set<String> open = new LinkedHashSet<>();
    for (String e : config.get(Settings.HTTP_AUTH_OPEN_ENDPOINTS).split(",")) {
      if (!e.isBlank()) {
        open.add(e.strip());
      }
    }
    if (mode.equals(MTLS) && (tls == null || tls.truststore() == null)) {
      throw new VigilConfigException(
          "Setting 'http.auth.mode' is mtls, which needs http.tls.keystore.path and"
              + " http.tls.truststore.path.");
    }
    if (mode.equals(MTLS) && subjects.isEmpty()) {
      throw new VigilConfigException(
          "Setting 'http.auth.mode' is mtls, which needs the allowed client subjects in"
              + " http.auth.mtls.allowed.subjects.");
    }
    if (mode.equals(STATIC_TOKEN) && config.get(Settings.HTTP_AUTH_STATIC_TOKEN).isEmpty()) {
      throw new VigilConfigException(
          "Setting 'http.auth.mode' is static-token, which needs http.auth.static.token.");
    }
    return new HttpSecurity(
        config.get(Settings.HTTP_BIND_ADDRESS),
        mode,
        config.get(Settings.HTTP_AUTH_JWT_ISSUER),
        config.get(Settings.HTTP_AUTH_JWT_JWKS_URI),
        config.get(Settings.HTTP_AUTH_JWT_AUDIENCE),
        config.get(Settings.HTTP_AUTH_STATIC_TOKEN),
        subjects,
        open,
        tls);
  }

  /** A copy with another mode. */
  public HttpSecurity withMode(String newMode) {
    return new HttpSecurity(
        bindAddress,
        newMode,
        jwtIssuer,
        jwksUri,
        jwtAudience,
        staticToken,
        allowedSubjects,
        openEndpoints,
        tls);
  }

  /** A copy with JWT settings. */
  public HttpSecurity withJwt(String issuer, String jwks, String audience) {
    return new HttpSecurity(
        bindAddress, JWT, issuer, jwks, audience, staticToken, allowedSubjects, openEndpoints, tls);
  }

  /** A copy with other open endpoints. */
  public HttpSecurity withOpenEndpoints(Set<String> endpoints) {
    return new HttpSecurity(
        bindAddress,
        mode,
        jwtIssuer,
        jwksUri,
        jwtAudience,
        staticToken,
        allowedSubjects,
        endpoints,
        tls);
  }

  /** A copy with TLS and mTLS clients. */
  public HttpSecurity withMtls(Tls newTls, List<String> subjects) {
    return new HttpSecurity(
        bindAddress,
        MTLS,
        jwtIssuer,
        jwksUri,
        jwtAudience,
        staticToken,
        subjects,
        openEndpoints,
        newTls);
  }

  /** Whether JWT mode has what it needs to accept any token. */
  public boolean jwtConfigured() {
    return !jwtIssuer.isBlank() && !jwksUri.isBlank() && !jwtAudience.isBlank();
  }

  private static Path readable(String path, String key) {
    Path p = Path.of(path);
    if (!Files.isReadable(p)) {
      throw new VigilConfigException(
          "Setting '" + key + "' names " + p + ", which cannot be read.");
    }
    return p;
  }
}
