package dev.vigil.app.http;

import java.util.Set;

/**
 * An authenticated HTTP caller.
 *
 * @param name the JWT {@code sub} (or {@code client_id}), the certificate subject, or a fixed name
 * @param scopes the scopes granted
 * @param method how it authenticated: {@code jwt}, {@code mtls}, {@code static-token} or {@code
 *     none}
 * @param authorization the request's {@code Authorization} header, passed on when a query is
 *     forwarded to another instance; null when there is none
 */
public record Caller(String name, Set<String> scopes, String method, String authorization) {

  /** Copies the scopes. */
  public Caller {
    scopes = Set.copyOf(scopes);
  }

  /** Whether the caller holds a scope. */
  public boolean has(String scope) {
    return scopes.contains(scope);
  }
}
