package dev.vigil.app.ssf;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.vigil.enforcement.SetVerificationException;
import dev.vigil.enforcement.SetVerifier;
import dev.vigil.enforcement.VerifiedSet;
import dev.vigil.schema.ExternalSignal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil as an SSF receiver: a SET pushed to Vigil (RFC 8935) or polled from another transmitter
 * (RFC 8936) is checked — a configured issuer, Vigil's audience, a signature by a key of that
 * issuer's JWKS (fetched and cached, fetched again once when no key matches, for key rotation), and
 * the SET rules — and then becomes an {@link ExternalSignal} (see {@link SignalMeaning}). Refusals
 * carry the RFC 8935 §2.4 error codes. A {@code jti} already taken from an issuer is acknowledged
 * again without a second signal.
 */
public final class SsfReceiver {

  private static final Logger LOG = LoggerFactory.getLogger(SsfReceiver.class);
  private static final Duration JWKS_TTL = Duration.ofMinutes(10);
  private static final int SEEN_CAPACITY = 100_000;

  /** Where signals go; returns once the signal is durably written. */
  @FunctionalInterface
  public interface SignalSink {
    /** Writes one signal; throws if it could not. */
    void accept(ExternalSignal signal) throws Exception;
  }

  /**
   * The receiver's answer to one SET.
   *
   * @param accepted whether the SET was taken (or had been taken before)
   * @param err the RFC 8935 error code when refused, else null
   * @param description one sentence when refused, else null
   * @param duplicate whether the jti had been taken before
   */
  public record Outcome(boolean accepted, String err, String description, boolean duplicate) {

    static Outcome ok(boolean duplicate) {
      return new Outcome(true, null, null, duplicate);
    }

    static Outcome refused(String err, String description) {
      return new Outcome(false, err, description, false);
    }
  }

  private final Map<String, String> jwksUris;
  private final String audience;
  private final SignalSink sink;
  private final HttpClient http;
  private final Clock clock;
  private final Map<String, Cached> jwks = new ConcurrentHashMap<>();
  private final Set<String> seen =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > SEEN_CAPACITY;
                }
              }));

  private record Cached(JWKSet keys, long fetchedAtMillis) {}

  /**
   * @param jwksUris issuer to its JWKS URI; only these issuers are accepted
   * @param audience the audience every SET must contain
   * @param sink where signals go
   * @param http fetches the JWKS
   * @param clock for the JWKS cache
   */
  public SsfReceiver(
      Map<String, String> jwksUris,
      String audience,
      SignalSink sink,
      HttpClient http,
      Clock clock) {
    this.jwksUris = Map.copyOf(jwksUris);
    this.audience = Objects.requireNonNull(audience, "audience");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Parses {@code issuer|jwks_uri,issuer|jwks_uri} as in {@code ssf.receiver.issuers}. */
  public static Map<String, String> parseIssuers(String setting) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String pair : setting.split(",")) {
      String p = pair.strip();
      if (p.isEmpty()) {
        continue;
      }
      int bar = p.indexOf('|');
      m.put(p.substring(0, bar).strip(), p.substring(bar + 1).strip());
    }
    return m;
  }

  /** Whether any issuer is configured. */
  public boolean hasIssuers() {
    return !jwksUris.isEmpty();
  }

  /** Checks one SET and turns it into a signal. */
  public Outcome receive(String token) {
    if (token == null || token.isBlank()) {
      return Outcome.refused("invalid_request", "The request body holds no SET.");
    }
    JWTClaimsSet unverified;
    try {
      unverified = JWTParser.parse(token.strip()).getJWTClaimsSet();
    } catch (ParseException e) {
      return Outcome.refused("invalid_request", "The body is not a compact JWS SET.");
    }
    String iss = unverified.getIssuer();
    if (iss == null || !jwksUris.containsKey(iss)) {
      return Outcome.refused(
          "invalid_issuer", "The issuer '" + iss + "' is not one this receiver accepts.");
    }
    if (unverified.getAudience() == null || !unverified.getAudience().contains(audience)) {
      return Outcome.refused(
          "invalid_audience", "The SET audience does not include '" + audience + "'.");
    }
    VerifiedSet set;
    try {
      set = verify(iss, token, false);
    } catch (SetVerificationException e) {
      if (e.kind() == SetVerificationException.Kind.SIGNATURE) {
        try {
          // A key this receiver has not seen: the issuer may have rotated its keys.
          set = verify(iss, token, true);
        } catch (SetVerificationException again) {
          return refusal(again);
        } catch (IllegalStateException fetch) {
          return Outcome.refused("invalid_key", fetch.getMessage());
        }
      } else {
        return refusal(e);
      }
    } catch (IllegalStateException fetch) {
      return Outcome.refused("invalid_key", fetch.getMessage());
    }
    String key = iss + "\n" + set.jti();
    if (seen.contains(key)) {
      return Outcome.ok(true);
    }
    Optional<ExternalSignal> signal = SignalMeaning.of(set);
    if (signal.isPresent()) {
      try {
        sink.accept(signal.get());
      } catch (Exception e) {
        LOG.warn("Could not write the signal of SET {}: {}", set.jti(), e.getMessage());
        throw new IllegalStateException("The signal could not be stored; try again.", e);
      }
    }
    seen.add(key);
    return Outcome.ok(false);
  }

  private static Outcome refusal(SetVerificationException e) {
    String err =
        switch (e.kind()) {
          case SIGNATURE -> "invalid_key";
          case ISSUER -> "invalid_issuer";
          case AUDIENCE -> "invalid_audience";
          default -> "invalid_request";
        };
    return Outcome.refused(err, e.getMessage());
  }

  private VerifiedSet verify(String iss, String token, boolean refresh)
      throws SetVerificationException {
    return new SetVerifier(keys(iss, refresh), iss, audience).verify(token);
  }

  private JWKSet keys(String iss, boolean refresh) {
    Cached c = jwks.get(iss);
    long now = clock.millis();
    if (c != null && !refresh && now - c.fetchedAtMillis() < JWKS_TTL.toMillis()) {
      return c.keys();
    }
    String uri = jwksUris.get(iss);
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "The JWKS of " + iss + " at " + uri + " answered HTTP " + r.statusCode() + ".");
      }
      JWKSet keys = JWKSet.parse(r.body());
      jwks.put(iss, new Cached(keys, now));
      return keys;
    } catch (java.io.IOException | ParseException e) {
      throw new IllegalStateException(
          "The JWKS of " + iss + " could not be read from " + uri + ".", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while fetching the JWKS of " + iss + ".", e);
    }
  }

  /** The issuers accepted. */
  public List<String> issuers() {
    return List.copyOf(jwksUris.keySet());
  }
}
