package dev.vigil.app.ssf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Development only: static bearer tokens mapped to a principal and its scopes, compared in constant
 * time. Production uses the HTTP API's OAuth 2.0 / mTLS authorizer through {@link SsfAuthorizer}.
 */
public final class StaticTokenSsfAuthorizer implements SsfAuthorizer {

  private final Map<String, Grant> grants;

  /**
   * A principal and its scopes.
   *
   * @param principal the caller's name
   * @param scopes its scopes
   */
  public record Grant(String principal, Set<String> scopes) {}

  /**
   * @param grants token to grant
   */
  public StaticTokenSsfAuthorizer(Map<String, Grant> grants) {
    this.grants = Map.copyOf(grants);
  }

  /** One token with both SSF scopes, for the principal {@code dev}. */
  public static StaticTokenSsfAuthorizer single(String token) {
    Objects.requireNonNull(token, "token");
    return new StaticTokenSsfAuthorizer(
        Map.of(token, new Grant("dev", Set.of(SsfAuthorizer.READ, SsfAuthorizer.MANAGE))));
  }

  @Override
  public Decision authorize(String header, String scope) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Decision.unauthenticated("A bearer token is required (Authorization: Bearer ...).");
    }
    byte[] presented = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<String, Grant> e : grants.entrySet()) {
      if (MessageDigest.isEqual(presented, e.getKey().getBytes(StandardCharsets.UTF_8))) {
        Grant g = e.getValue();
        // ssf.manage implies ssf.read.
        boolean ok =
            g.scopes().contains(scope)
                || (SsfAuthorizer.READ.equals(scope) && g.scopes().contains(SsfAuthorizer.MANAGE));
        return ok
            ? Decision.allow(g.principal())
            : Decision.forbidden("The token lacks the scope " + scope + ".");
      }
    }
    return Decision.unauthenticated("The bearer token is not valid.");
  }
}
