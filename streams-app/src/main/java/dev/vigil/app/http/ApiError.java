package dev.vigil.app.http;

import java.util.Map;

/**
 * A refusal or failure answered as JSON, {@code {"status": ..., "error": "one sentence"}}, with
 * extra headers (e.g. {@code WWW-Authenticate}, {@code Allow}).
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final Map<String, String> headers;

  /**
   * @param status the HTTP status
   * @param message one sentence for the caller
   * @param headers response headers to add
   */
  public ApiError(int status, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  /** 401 with an RFC 6750 {@code WWW-Authenticate} challenge. */
  public static ApiError unauthorized(String message, String bearerError) {
    String challenge =
        bearerError == null
            ? "Bearer realm=\"vigil\""
            : "Bearer realm=\"vigil\", error=\"" + bearerError + "\"";
    return new ApiError(401, message, Map.of("WWW-Authenticate", challenge));
  }

  /** 403 for a caller without the scope. */
  public static ApiError forbidden(String message, String scope) {
    return new ApiError(
        403,
        message,
        Map.of(
            "WWW-Authenticate",
            "Bearer realm=\"vigil\", error=\"insufficient_scope\", scope=\"" + scope + "\""));
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** Headers to add to the response. */
  public Map<String, String> headers() {
    return headers;
  }
}
