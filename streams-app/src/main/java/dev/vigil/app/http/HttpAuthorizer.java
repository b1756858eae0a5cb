package dev.vigil.app.http;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.vigil.app.config.VigilConfigException;
import io.javalin.http.Context;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;

/**
 * The {@link Authorizer} for one {@link HttpSecurity}: verifies bearer JWTs (asymmetric signature
 * by a key of the issuer's JWK set, {@code typ} JWT or {@code at+jwt}, exact {@code iss}, {@code
 * aud} containing ours, unexpired, scopes from {@code scope} or {@code scp}), or the client
 * certificate subject, or a static token. HMAC and unsigned ({@code none}) tokens are refused.
 */
public final class HttpAuthorizer implements Authorizer {

  /** Algorithms accepted: asymmetric only, so no shared secret can mint tokens. */
  static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512,
          JWSAlgorithm.EdDSA);

  private static final String CERT_ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  private final HttpSecurity security;
  private final DefaultJWTProcessor<SecurityContext> jwt;
  private final Set<String> allowedSubjects;

  /**
   * @param security the settings
   * @throws VigilConfigException if the JWK set cannot be loaded from a file or the URI is bad
   */
  public HttpAuthorizer(HttpSecurity security) {
    this.security = security;
    this.jwt =
        security.mode().equals(HttpSecurity.JWT) && security.jwtConfigured()
            ? processor(security)
            : null;
    this.allowedSubjects =
        security.allowedSubjects().stream()
            .map(HttpAuthorizer::canonical)
            .collect(Collectors.toUnmodifiableSet());
  }

  private static DefaultJWTProcessor<SecurityContext> processor(HttpSecurity s) {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(
            new java.util.HashSet<>(
                Arrays.asList(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null))));
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, jwkSource(s.jwksUri())));
    p.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            new java.util.HashSet<>(Set.of(s.jwtAudience())),
            new JWTClaimsSet.Builder().issuer(s.jwtIssuer()).build(),
            new java.util.HashSet<>(Set.of("exp")),
            null));
    return p;
  }

  private static JWKSource<SecurityContext> jwkSource(String uri) {
    try {
      if (uri.startsWith("file:")) {
        return new ImmutableJWKSet<>(JWKSet.load(new File(URI.create(uri))));
      }
      return JWKSourceBuilder.<SecurityContext>create(URI.create(uri).toURL())
          .retrying(true)
          .build();
    } catch (IOException | ParseException | IllegalArgumentException e) {
      throw new VigilConfigException(
          "Setting 'http.auth.jwt.jwks.uri' names "
              + uri
              + ", which is not a readable JWK set: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public Caller require(Context ctx, String scope) {
    Caller caller = authenticate(ctx);
    if (!caller.has(scope)) {
      throw ApiError.forbidden(
          "The caller '" + caller.name() + "' lacks the scope '" + scope + "'.", scope);
    }
    return caller;
  }

  /**
   * The caller an {@code Authorization} header stands for (bearer JWT or static token), for routes
   * that see only the header; client certificates need the request ({@link #authenticate}).
   *
   * @throws ApiError 401 when the header is not acceptable
   */
  public Caller authenticateHeader(String authorization) {
    return switch (security.mode()) {
      case HttpSecurity.NONE -> new Caller("anonymous", Set.copyOf(Scopes.ALL), "none", null);
      case HttpSecurity.STATIC_TOKEN -> staticToken(authorization);
      case HttpSecurity.MTLS ->
          throw ApiError.unauthorized(
              "This route takes a bearer token; client certificates are not available here.",
              "invalid_request");
      default -> jwt(authorization);
    };
  }

  /**
   * The authenticated caller, whatever its scopes.
   *
   * @throws ApiError 401 when the request carries no acceptable credentials
   */
  public Caller authenticate(Context ctx) {
    String authorization = ctx.header("Authorization");
    return switch (security.mode()) {
      case HttpSecurity.NONE -> new Caller("anonymous", Set.copyOf(Scopes.ALL), "none", null);
      case HttpSecurity.STATIC_TOKEN -> staticToken(authorization);
      case HttpSecurity.MTLS -> mtls(ctx);
      default -> jwt(authorization);
    };
  }

  private Caller jwt(String authorization) {
    String token = bearer(authorization);
    if (jwt == null) {
      throw ApiError.unauthorized(
          "No token issuer is configured (http.auth.jwt.issuer, http.auth.jwt.jwks.uri,"
              + " http.auth.jwt.audience), so no bearer token can be accepted.",
          "invalid_token");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.process(token, null);
    } catch (ParseException e) {
      throw ApiError.unauthorized("The bearer token is not a JWT.", "invalid_token");
    } catch (BadJOSEException | com.nimbusds.jose.JOSEException e) {
      throw ApiError.unauthorized(
          "The bearer token was rejected: " + period(e.getMessage()), "invalid_token");
    }
    String name = claims.getSubject();
    if (name == null) {
      name = String.valueOf(claims.getClaim("client_id"));
    }
    return new Caller(name, scopes(claims), "jwt", authorization);
  }

  private static Set<String> scopes(JWTClaimsSet claims) {
    Set<String> scopes = new LinkedHashSet<>();
    Object scope = claims.getClaim("scope");
    if (scope instanceof String text) {
      scopes.addAll(Arrays.asList(text.trim().split("\\s+")));
    }
    Object scp = claims.getClaim("scp");
    if (scp instanceof String text) {
      scopes.addAll(Arrays.asList(text.trim().split("\\s+")));
    } else if (scp instanceof List<?> list) {
      list.forEach(s -> scopes.add(String.valueOf(s)));
    }
    scopes.remove("");
    return scopes;
  }

  private Caller staticToken(String authorization) {
    String token = bearer(authorization);
    boolean same =
        MessageDigest.isEqual(
            token.getBytes(StandardCharsets.UTF_8),
            security.staticToken().getBytes(StandardCharsets.UTF_8));
    if (!same) {
      throw ApiError.unauthorized("The bearer token is not the configured one.", "invalid_token");
    }
    return new Caller("static-token", Set.copyOf(Scopes.ALL), "static-token", authorization);
  }

  private Caller mtls(Context ctx) {
    Object attribute = ctx.req().getAttribute(CERT_ATTRIBUTE);
    if (!(attribute instanceof X509Certificate[] chain) || chain.length == 0) {
      throw new ApiError(
          401, "A client certificate is required.", java.util.Map.of("WWW-Authenticate", "mTLS"));
    }
    String subject = chain[0].getSubjectX500Principal().getName(X500Principal.RFC2253);
    if (!allowedSubjects.contains(canonical(subject))) {
      throw new ApiError(
          403,
          "The client certificate subject '" + subject + "' is not allowed.",
          java.util.Map.of());
    }
    return new Caller(subject, Set.copyOf(Scopes.ALL), "mtls", ctx.header("Authorization"));
  }

  private static String bearer(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw ApiError.unauthorized("A bearer token is required.", null);
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        || authorization.substring(7).isBlank()) {
      throw ApiError.unauthorized(
          "The Authorization header must be 'Bearer <token>'.", "invalid_request");
    }
    return authorization.substring(7).strip();
  }

  private static String period(String message) {
    String m = message == null ? "invalid" : message.strip();
    return m.endsWith(".") ? m : m + ".";
  }

  private static String canonical(String dn) {
    try {
      return new X500Principal(dn).getName(X500Principal.CANONICAL);
    } catch (IllegalArgumentException e) {
      throw new VigilConfigException(
          "Setting 'http.auth.mtls.allowed.subjects' has '" + dn + "', which is not a DN.", e);
    }
  }
}
