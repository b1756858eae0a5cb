package dev.vigil.dev.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP calls to the registry for endpoints the client does not wrap. */
public final class RawHttp {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RawHttp() {}

  /** The status and body of a request. */
  public record Answer(int status, String body) {}

  /** Sends {@code method path} with an optional JSON body. */
  public static Answer send(String baseUrl, String method, String path, String body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(baseUrl + path))
              .header("Content-Type", "application/vnd.schemaregistry.v1+json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
