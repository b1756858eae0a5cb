package dev.vigil.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Asks the instance that owns a subject, passing the caller's {@code Authorization} header on, and
 * marking the request as forwarded so that it is never forwarded again. With TLS it speaks HTTPS,
 * presenting this instance's certificate (for mTLS) and trusting the truststore's CAs.
 */
public class RiskForwarder {

  /** Header set on a forwarded request. */
  public static final String FORWARDED_HEADER = "X-Vigil-Forwarded";

  private final HttpClient client;
  private final String scheme;
  private final Duration timeout;

  /**
   * @param tls the API's TLS material, or null for plain HTTP
   * @param timeout how long to wait for the owner
   */
  public RiskForwarder(HttpSecurity.Tls tls, Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
    if (tls != null) {
      builder.sslContext(sslContext(tls));
    }
    this.client = builder.build();
    this.scheme = tls == null ? "http" : "https";
  }

  /**
   * The owner's answer.
   *
   * @param status its HTTP status
   * @param body its JSON body
   */
  public record Answer(int status, String body) {}

  /**
   * GETs a path from another instance.
   *
   * @param host {@code host:port}
   * @param path the path, already encoded
   * @param authorization the caller's {@code Authorization} header, or null
   * @throws IOException if the owner does not answer
   */
  public Answer get(String host, String path, String authorization) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(scheme + "://" + host + path))
            .timeout(timeout)
            .header(FORWARDED_HEADER, "1")
            .GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while asking " + host + ".", e);
    }
  }

  private static SSLContext sslContext(HttpSecurity.Tls tls) {
    try {
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(tls.keystore(), tls.keystorePassword()), tls.keystorePassword().toCharArray());
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(
          tls.truststore() == null ? null : load(tls.truststore(), tls.truststorePassword()));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(
          "The HTTP TLS keystore or truststore cannot be used: " + e.getMessage(), e);
    }
  }

  static KeyStore load(java.nio.file.Path path, String password)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(path)) {
      ks.load(in, password.toCharArray());
    }
    return ks;
  }
}
