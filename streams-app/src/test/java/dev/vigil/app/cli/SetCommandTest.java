package dev.vigil.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.enforcement.SecurityEventTokens;
import dev.vigil.enforcement.SetSigner;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetCommandTest {

  private static final String ISSUER = "https://vigil.local";
  private static SetSigner signer;
  private static String token;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  @BeforeAll
  static void sign() {
    signer = SetSigner.generate();
    EnforcementCommand command =
        EnforcementCommand.newBuilder()
            .setCommandId("c-1")
            .setSubjectId("alice@example.com")
            .setSubjectType(SubjectType.HUMAN)
            .setAction(EnforcementAction.REVOKE_SESSIONS)
            .setMode(DecisionMode.ENFORCE)
            .setReason("Sign-in from Sydney 40 minutes after Berlin.")
            .setIssuedAt(Instant.parse("2026-11-02T08:00:00Z"))
            .setPolicyId("vigil-default")
            .setPolicyVersion(1)
            .setRiskScore(91)
            .setRiskLevel(RiskLevel.CRITICAL)
            .build();
    token =
        signer.sign(
            new SecurityEventTokens(ISSUER, List.of("https://proxy"))
                .fromCommand(command)
                .orElseThrow());
  }

  private int vigil(String... args) {
    return VigilCli.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), args);
  }

  private Path jwksFile(SetSigner keys) throws Exception {
    return Files.writeString(dir.resolve("jwks.json"), keys.jwksJson());
  }

  @Test
  void shouldExitZeroAndPrintTheClaimsOfAValidSet() throws Exception {
    int code = vigil("set", "verify", token, jwksFile(signer).toString(), "--issuer", ISSUER);

    assertThat(code).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString())
        .startsWith("The SET is valid (signed with key " + signer.keyId() + ").")
        .contains(
            "issuer:     https://vigil.local",
            "subject:    alice@example.com  (sub_id format email)",
            "event:      https://schemas.openid.net/secevent/caep/event-type/session-revoked",
            "reason:     Sign-in from Sydney 40 minutes after Berlin.",
            "txn:        c-1");
  }

  @Test
  void shouldRejectATamperedSetWithOneSentence() throws Exception {
    String[] parts = token.split("\\.");
    String forged =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    new String(
                            java.util.Base64.getUrlDecoder().decode(parts[1]),
                            StandardCharsets.UTF_8)
                        .replace("alice", "mallory")
                        .getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];

    int code = vigil("set", "verify", forged, jwksFile(signer).toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().strip())
        .isEqualTo("The SET signature does not match any key in the JWKS.");
  }

  @Test
  void shouldRejectASetSignedByAnotherKey() throws Exception {
    int code = vigil("set", "verify", token, SetSigner.generate().jwksJson());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("The SET signature does not match any key in the JWKS.");
  }

  @Test
  void shouldReadTheTokenFromAFileAndFetchTheJwksOverHttp() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("set.jwt"), token + "\n");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = signer.jwksJson().getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/.well-known/jwks.json",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json";

      int code = vigil("set", "verify", "@" + tokenFile, url, "--audience", "https://proxy");

      assertThat(code).isZero();
      assertThat(vigil("set", "verify", "@" + tokenFile, url.replace("jwks.json", "keys")))
          .isEqualTo(1);
      assertThat(err.toString().strip()).endsWith("returned HTTP 404.");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void shouldNameTheWrongIssuer() throws Exception {
    int code = vigil("set", "verify", token, signer.jwksJson(), "--issuer", "https://other");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("The SET issuer 'https://vigil.local' is not the expected 'https://other'.");
  }

  @Test
  void shouldExitTwoWhenTheJwksIsMissing() {
    int code = vigil("set", "verify", token);

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).endsWith("See 'vigil set verify --help'.");
  }

  @Test
  void shouldSayWhenTheJwksFileDoesNotExist() {
    int code = vigil("set", "verify", token, dir.resolve("nope.json").toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("The JWKS file " + dir.resolve("nope.json") + " does not exist.");
  }

  @Test
  void shouldCreateAKeystoreWhoseKeyTheAppCanUse() {
    Path keystore = dir.resolve("sets.p12");

    int code = vigil("set", "keygen", "--keystore", keystore.toString(), "--password", "s3cret!");

    assertThat(code).isZero();
    assertThat(out.toString()).startsWith("Created " + keystore + " with key 'vigil-sets' (kid ");
    assertThat(SetSigner.fromKeystore(keystore, "s3cret!".toCharArray(), "vigil-sets").keyId())
        .isNotBlank();
  }
}
