package dev.vigil.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.config.VigilConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mTLS: an allowed client certificate passes, an unknown subject or no certificate does not. */
class HttpMtlsTest {

  private static final String PASSWORD = "changeit";
  private static final String ALLOWED = "CN=soc-dashboard,O=Vigil Test";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private HttpApi api;

  @BeforeAll
  static void certificates() throws Exception {
    // Given a server certificate and two client certificates, both trusted by the server's TLS
    keytool(
        "-genkeypair",
        "-alias",
        "server",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore",
        "server.p12");
    keytool("-genkeypair", "-alias", "allowed", "-dname", ALLOWED, "-keystore", "allowed.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "other",
        "-dname",
        "CN=intruder,O=Vigil Test",
        "-keystore",
        "other.p12");
    for (String name : List.of("server", "allowed", "other")) {
      keytool("-exportcert", "-alias", name, "-keystore", name + ".p12", "-file", name + ".crt");
    }
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "server",
        "-file",
        "server.crt",
        "-keystore",
        "client-trust.p12");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "allowed",
        "-file",
        "allowed.crt",
        "-keystore",
        "server-trust.p12");
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "other",
        "-file",
        "other.crt",
        "-keystore",
        "server-trust.p12");
  }

  private static void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    if (List.of(args).contains("-genkeypair")) {
      command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
    }
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @BeforeEach
  void start() {
    HttpSecurity.Tls tls =
        new HttpSecurity.Tls(
            dir.resolve("server.p12"), PASSWORD, dir.resolve("server-trust.p12"), PASSWORD);
    api =
        HttpApi.builder()
            .port(0)
            .security(
                HttpSecurity.open().withOpenEndpoints(Set.of()).withMtls(tls, List.of(ALLOWED)))
            .risk(HttpApiTest::lookup)
            .start();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private HttpResponse<String> get(String clientKeystore, String path) throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(clientKeystore == null ? null : load(clientKeystore), PASSWORD.toCharArray());
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load("client-trust.p12"));
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(clientKeystore == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://localhost:" + api.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static KeyStore load(String name)
      throws IOException, java.security.GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve(name))) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  @Test
  void shouldAnswerAnAllowedClientCertificate() throws Exception {
    HttpResponse<String> response = get("allowed.p12", "/subjects/alice/risk");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("level").asText()).isEqualTo("HIGH");
  }

  @Test
  void shouldRefuseATrustedCertificateWhoseSubjectIsNotAllowed() throws Exception {
    HttpResponse<String> response = get("other.p12", "/subjects/alice/risk");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(response.body()).get("error").asText())
        .contains("CN=intruder")
        .contains("not allowed");
  }

  @Test
  void shouldRefuseACallerWithoutCertificateButStayLive() throws Exception {
    HttpResponse<String> response = get(null, "/subjects/alice/risk");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).get("error").asText())
        .isEqualTo("A client certificate is required.");
    assertThat(get(null, "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldRefuseMtlsModeWithoutTrustOrAllowedSubjects() {
    VigilConfig config =
        VigilConfig.defaults()
            .with("http.auth.mode", "mtls", "test")
            .with("http.tls.keystore.path", dir.resolve("server.p12").toString(), "test");

    assertThatThrownBy(() -> HttpSecurity.from(config))
        .isInstanceOf(VigilConfigException.class)
        .hasMessage(
            "Setting 'http.auth.mode' is mtls, which needs http.tls.keystore.path and"
                + " http.tls.truststore.path.");
  }
}
