package dev.vigil.app.ssf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A receiver's view of a SET, written from RFC 8417 / RFC 7515 with Nimbus primitives only: checks
 * the RS256 signature against the transmitter's JWKS fetched over HTTP and the {@code typ}, and
 * exposes the claims as JSON. No Vigil verifier is used.
 */
final class SpecSets {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SpecSets() {}

  static JWKSet fetchJwks(String url) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    return JWKSet.parse(r.body());
  }

  /** The claims of a SET whose signature verifies with a key of the JWKS, else an exception. */
  static JsonNode verified(String compact, JWKSet jwks) throws Exception {
    JWSObject jws = JWSObject.parse(compact);
    if (!"RS256".equals(jws.getHeader().getAlgorithm().getName())) {
      throw new IllegalArgumentException("not RS256");
    }
    if (!"secevent+jwt".equals(jws.getHeader().getType().getType())) {
      throw new IllegalArgumentException("typ is not secevent+jwt");
    }
    RSAKey key = (RSAKey) jwks.getKeyByKeyId(jws.getHeader().getKeyID());
    if (key == null || !jws.verify(new RSASSAVerifier(key))) {
      throw new IllegalArgumentException("bad signature");
    }
    return JSON.readTree(jws.getPayload().toString());
  }

  /** The one event's type URI. */
  static String eventType(JsonNode claims) {
    return claims.get("events").fieldNames().next();
  }

  /** The one event's payload. */
  static JsonNode event(JsonNode claims) {
    return claims.get("events").elements().next();
  }
}
