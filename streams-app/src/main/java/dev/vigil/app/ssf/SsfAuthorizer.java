package dev.vigil.app.ssf;

/**
 * Decides whether a caller may use an SSF endpoint. The scopes are those of the CAEP
 * interoperability profile ("OAuth Scopes"): {@link #READ} for reading stream configuration and
 * status, {@link #MANAGE} for every change and for polling. Production deployments install the HTTP
 * API's OAuth 2.0 bearer-JWT or mTLS authorizer here; {@link StaticTokenSsfAuthorizer} is for
 * development only.
 */
@FunctionalInterface
public interface SsfAuthorizer {

  /** Scope for reading stream configurations and status. */
  String READ = "ssf.read";

  /** Scope for creating, changing and deleting streams, subjects, verification and polling. */
  String MANAGE = "ssf.manage";

  /**
   * Decides one request.
   *
   * @param authorizationHeader the request's {@code Authorization} header, or null
   * @param scope the scope the endpoint requires
   * @return the decision
   */
  Decision authorize(String authorizationHeader, String scope);

  /** An authorizer that refuses everything: SSF management is closed until one is configured. */
  static SsfAuthorizer denyAll() {
    return (header, scope) ->
        Decision.unauthenticated("No SSF authorization is configured on this instance.");
  }

  /**
   * The outcome for one request.
   *
   * @param status 200 when allowed, 401 when the caller is not authenticated, 403 when the scope is
   *     missing
   * @param principal who the caller is (streams belong to the principal that created them), or null
   *     when refused
   * @param error one sentence when refused, else null
   */
  record Decision(int status, String principal, String error) {

    /** Allowed for this principal. */
    public static Decision allow(String principal) {
      return new Decision(200, principal, null);
    }

    /** Refused: no or bad credentials (401, RFC 6750 §3.1 {@code invalid_token}). */
    public static Decision unauthenticated(String error) {
      return new Decision(401, null, error);
    }

    /** Refused: authenticated but the scope is missing (403, {@code insufficient_scope}). */
    public static Decision forbidden(String error) {
      return new Decision(403, null, error);
    }

    /** Whether the request may proceed. */
    public boolean allowed() {
      return status == 200;
    }
  }
}
