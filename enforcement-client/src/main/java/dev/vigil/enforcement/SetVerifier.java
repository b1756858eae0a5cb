package dev.vigil.enforcement;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies SETs against a JWK set: the signature (RS256, PS256 or ES256 only; never {@code none}),
 * the {@code typ: secevent+jwt} header, the issuer and audience when configured, and the SET rules
 * of RFC 8417 and SSF 1.0 (an {@code iat} and a {@code jti}, exactly one event, a {@code sub_id},
 * no {@code sub}, no {@code exp}). Thread-safe.
 */
public final class SetVerifier {

  /** The signature algorithms accepted. */
  public static final Set<JWSAlgorithm> ALLOWED =
      Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);

  private final JWKSet jwks;
  private final String issuer;
  private final String audience;

  /**
   * Creates a verifier.
   *
   * @param jwks the transmitter's public keys
   * @param issuer the required {@code iss}, or null to accept any
   * @param audience a value {@code aud} must contain, or null to accept any
   */
  public SetVerifier(JWKSet jwks, String issuer, String audience) {
    this.jwks = Objects.requireNonNull(jwks, "jwks");
    this.issuer = blankToNull(issuer);
    this.audience = blankToNull(audience);
  }

  /**
   * A verifier over a JWK set in JSON.
   *
   * @throws SetVerificationException if the JSON is not a JWK set
   */
  public static SetVerifier fromJwksJson(String json, String issuer, String audience)
      throws SetVerificationException {
    try {
      return new SetVerifier(JWKSet.parse(json), issuer, audience);
    } catch (ParseException e) {
      throw new SetVerificationException("The JWKS is not a valid JWK set: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies a compact SET.
   *
   * @return the verified SET
   * @throws SetVerificationException with one sentence saying why the SET is rejected
   */
  public VerifiedSet verify(String token) throws SetVerificationException {
    if (token == null || token.isBlank()) {
      throw new SetVerificationException("The SET is empty.");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token.strip());
    } catch (ParseException e) {
      throw new SetVerificationException("The SET is not a compact JWS: " + e.getMessage(), e);
    }
    if (jwt instanceof PlainJWT) {
      throw new SetVerificationException(
          "The SET is unsigned (alg none), and unsigned SETs are never accepted.");
    }
    if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
      throw new SetVerificationException("The SET is encrypted; only signed SETs are accepted.");
    }
    JWSHeader header = signed.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (alg == null || Algorithm.NONE.equals(alg)) {
      throw new SetVerificationException(
          "The SET is unsigned (alg none), and unsigned SETs are never accepted.");
    }
    if (!ALLOWED.contains(alg)) {
      throw new SetVerificationException(
          "The SET algorithm " + alg + " is not allowed; use RS256, PS256 or ES256.");
    }
    if (header.getType() == null
        || !SetSigner.SECEVENT_JWT.getType().equalsIgnoreCase(header.getType().getType())) {
      throw new SetVerificationException(
          "The SET header typ is '"
              + (header.getType() == null ? "" : header.getType().getType())
              + "', but a SET must be typed secevent+jwt.");
    }
    JWK key = verifyingKey(signed, alg);
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new SetVerificationException("The SET payload is not a JSON claims set.", e);
    }
    return checkClaims(claims, key.getKeyID());
  }

  private JWK verifyingKey(SignedJWT signed, JWSAlgorithm alg) throws SetVerificationException {
    List<JWK> fitting = new ArrayList<>();
    for (JWK k : jwks.getKeys()) {
      boolean typeFits =
          JWSAlgorithm.Family.RSA.contains(alg) ? k instanceof RSAKey : k instanceof ECKey;
      boolean useFits = k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse());
      boolean algFits = k.getAlgorithm() == null || k.getAlgorithm().equals(alg);
      if (typeFits && useFits && algFits) {
        fitting.add(k);
      }
    }
    if (fitting.isEmpty()) {
      throw new SetVerificationException(
          SetVerificationException.Kind.SIGNATURE,
          "The JWKS has no public key usable with " + alg + ".",
          null);
    }
    String kid = signed.getHeader().getKeyID();
    // Keys named by the kid first; the others too, since a kid is only a hint (RFC 7515 §4.1.4).
    fitting.sort(
        (a, b) ->
            Boolean.compare(
                !Objects.equals(kid, a.getKeyID()), !Objects.equals(kid, b.getKeyID())));
    for (JWK k : fitting) {
      try {
        if (signed.verify(verifier(k))) {
          return k;
        }
      } catch (JOSEException e) {
        // This key cannot check this signature; try the next one.
      }
    }
    throw new SetVerificationException(
        SetVerificationException.Kind.SIGNATURE,
        "The SET signature does not match any key in the JWKS.",
        null);
  }

  private static JWSVerifier verifier(JWK k) throws JOSEException {
    if (k instanceof RSAKey rsa) {
      return new RSASSAVerifier(rsa.toRSAPublicKey());
    }
    return new ECDSAVerifier(((ECKey) k).toECPublicKey());
  }

  private VerifiedSet checkClaims(JWTClaimsSet claims, String kid) throws SetVerificationException {
    String iss = claims.getIssuer();
    if (iss == null || iss.isBlank()) {
      throw new SetVerificationException("The SET has no issuer (iss).");
    }
    if (issuer != null && !issuer.equals(iss)) {
      throw new SetVerificationException(
          SetVerificationException.Kind.ISSUER,
          "The SET issuer '" + iss + "' is not the expected '" + issuer + "'.",
          null);
    }
    List<String> aud = claims.getAudience();
    if (audience != null && !aud.contains(audience)) {
      throw new SetVerificationException(
          SetVerificationException.Kind.AUDIENCE,
          "The SET audience " + aud + " does not include '" + audience + "'.",
          null);
    }
    if (claims.getIssueTime() == null) {
      throw new SetVerificationException("The SET has no issue time (iat).");
    }
    if (claims.getJWTID() == null || claims.getJWTID().isBlank()) {
      throw new SetVerificationException("The SET has no token id (jti).");
    }
    if (claims.getClaim("exp") != null) {
      throw new SetVerificationException(
          "The SET has an exp claim, which SETs must not carry so they are never mistaken for"
              + " access tokens (SSF 1.0, RFC 8417 §4.5).");
    }
    if (claims.getClaim("sub") != null) {
      throw new SetVerificationException(
          "The SET has a sub claim, but SETs name their subject with sub_id (RFC 9493).");
    }
    Map<String, Object> events;
    try {
      events = claims.getJSONObjectClaim("events");
    } catch (ParseException e) {
      throw new SetVerificationException("The SET events claim is not a JSON object.", e);
    }
    if (events == null || events.isEmpty()) {
      throw new SetVerificationException("The SET has no event (events claim).");
    }
    if (events.size() != 1) {
      throw new SetVerificationException(
          "The SET carries "
              + events.size()
              + " events, but exactly one event per SET is allowed.");
    }
    Map.Entry<String, Object> only = events.entrySet().iterator().next();
    if (!(only.getValue() instanceof Map<?, ?> rawEvent)) {
      throw new SetVerificationException("The SET event payload is not a JSON object.");
    }
    Map<String, Object> event = cast(rawEvent);
    Map<String, Object> subId;
    try {
      subId = claims.getJSONObjectClaim("sub_id");
    } catch (ParseException e) {
      throw new SetVerificationException("The SET sub_id claim is not a JSON object.", e);
    }
    if (subId == null && event.get("subject") instanceof Map<?, ?> legacy) {
      subId = cast(legacy);
    }
    if (subId == null) {
      throw new SetVerificationException("The SET has no subject (sub_id).");
    }
    if (!(subId.get("format") instanceof String)) {
      throw new SetVerificationException("The SET sub_id has no format (RFC 9493).");
    }
    String txn = claims.getClaim("txn") == null ? null : claims.getClaim("txn").toString();
    return new VerifiedSet(
        kid,
        iss,
        List.copyOf(aud),
        claims.getJWTID(),
        claims.getIssueTime().toInstant(),
        txn,
        subId,
        only.getKey(),
        event,
        claims);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** The issuer required, if any. */
  public Optional<String> issuer() {
    return Optional.ofNullable(issuer);
  }
}
