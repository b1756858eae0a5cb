package dev.vigil.app.http;

import io.javalin.http.Context;

/**
 * Authenticates an HTTP request and checks one scope. Routes call it first thing; a refusal is an
 * {@link ApiError} that the API answers as JSON (401 with an RFC 6750 challenge when the caller is
 * not authenticated, 403 when a scope is missing).
 */
@FunctionalInterface
public interface Authorizer {

  /**
   * The authenticated caller, if it holds the scope.
   *
   * @param ctx the request
   * @param scope one of {@link Scopes}
   * @return the caller
   * @throws ApiError 401 or 403, never for an authorized caller
   */
  Caller require(Context ctx, String scope);
}
