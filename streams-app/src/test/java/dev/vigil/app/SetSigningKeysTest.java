package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.config.VigilConfigException;
import dev.vigil.enforcement.SetSigner;
import dev.vigil.enforcement.SetVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One signing key shared by every instance, and key rollover with both keys in the JWKS. */
class SetSigningKeysTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static JWTClaimsSet set() {
    return new JWTClaimsSet.Builder()
        .issuer("https://vigil.test")
        .jwtID(UUID.randomUUID().toString())
        .issueTime(new Date())
        .claim("sub_id", Map.of("format", "email", "email", "carol@corp.example"))
        .claim(
            "events",
            Map.of(
                "https://schemas.openid.net/secevent/caep/event-type/session-revoked",
                Map.of("event_timestamp", 1)))
        .build();
  }

  private static List<String> kids(SetSigner signer) throws Exception {
    JsonNode keys = JSON.readTree(signer.jwksJson()).get("keys");
    return StreamSupport.stream(keys.spliterator(), false)
        .peek(k -> assertThat(k.has("d")).as("no private part").isFalse())
        .map(k -> k.get("kid").asText())
        .toList();
  }

  private Path pem(RSAKey key, String name) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(
        file,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(key.toPrivateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    return file;
  }

  private static VigilConfig config(String... keyValues) {
    VigilConfig c = VigilConfig.defaults();
    for (int i = 0; i < keyValues.length; i += 2) {
      c = c.with(keyValues[i], keyValues[i + 1], "test");
    }
    return c;
  }

  @Test
  void shouldPublishTheSameKeyFromEveryInstanceSharingAPemSecret() throws Exception {
    // Given one PEM key mounted into two instances
    Path key = pem(new RSAKeyGenerator(2048).generate(), "sets.pem");

    // When each builds its SET issuer
    SetSigner first = VigilApplication.setIssuer(config("sets.key.path", key.toString())).signer();
    SetSigner second = VigilApplication.setIssuer(config("sets.key.path", key.toString())).signer();

    // Then both sign with the same kid and publish the same JWKS, so a SET of one verifies
    // with the JWKS of the other
    assertThat(first.keyId()).isEqualTo(second.keyId());
    assertThat(first.jwksJson()).isEqualTo(second.jwksJson());
    String token = first.sign(set());
    assertThat(SetVerifier.fromJwksJson(second.jwksJson(), null, null).verify(token).keyId())
        .isEqualTo(first.keyId());
  }

  @Test
  void shouldReadAJwkKeyFile() throws Exception {
    RSAKey jwk = new RSAKeyGenerator(2048).keyID("ignored").generate();
    Path file = dir.resolve("sets.jwk.json");
    Files.writeString(file, jwk.toJSONString());

    SetSigner signer =
        VigilApplication.setIssuer(config("sets.key.path", file.toString())).signer();

    assertThat(signer.keyId()).isEqualTo(jwk.computeThumbprint().toString());
  }

  @Test
  void shouldKeepThePreviousKeyInTheJwksWhileSigningWithTheNewOne() throws Exception {
    // Given the old key signed a SET before the rollover
    RSAKey oldKey = new RSAKeyGenerator(2048).generate();
    RSAKey newKey = new RSAKeyGenerator(2048).generate();
    Path oldPem = pem(oldKey, "old.pem");
    Path newPem = pem(newKey, "new.pem");
    SetSigner before =
        VigilApplication.setIssuer(config("sets.key.path", oldPem.toString())).signer();
    String oldToken = before.sign(set());

    // When the instances roll over to the new key, keeping the old one published
    SetSigner after =
        VigilApplication.setIssuer(
                config(
                    "sets.key.path", newPem.toString(),
                    "sets.key.previous.paths", oldPem.toString()))
            .signer();

    // Then the JWKS holds both keys, new SETs carry the new kid, and the old SET still verifies
    assertThat(kids(after)).containsExactly(after.keyId(), before.keyId());
    String newToken = after.sign(set());
    assertThat(SignedJWT.parse(newToken).getHeader().getKeyID()).isEqualTo(after.keyId());
    SetVerifier verifier = SetVerifier.fromJwksJson(after.jwksJson(), null, null);
    assertThat(verifier.verify(oldToken).keyId()).isEqualTo(before.keyId());
    assertThat(verifier.verify(newToken).keyId()).isEqualTo(after.keyId());
  }

  @Test
  void shouldRollOverWithinOneKeystore() throws Exception {
    // Given a keystore holding the old and the new key
    keytool("-genkeypair", "-alias", "sets-2026-10", "-dname", "CN=vigil-sets-old");
    keytool("-genkeypair", "-alias", "sets-2026-11", "-dname", "CN=vigil-sets-new");
    Path keystore = dir.resolve("sets.p12");

    // When the new alias signs and the old stays published
    SetSigner signer =
        VigilApplication.setIssuer(
                config(
                    "sets.keystore.path", keystore.toString(),
                    "sets.keystore.password", "changeit",
                    "sets.key.alias", "sets-2026-11",
                    "sets.keystore.previous.aliases", "sets-2026-10"))
            .signer();
    SetSigner old =
        VigilApplication.setIssuer(
                config(
                    "sets.keystore.path", keystore.toString(),
                    "sets.keystore.password", "changeit",
                    "sets.key.alias", "sets-2026-10"))
            .signer();

    // Then both kids are in the JWKS, the new one first
    assertThat(kids(signer)).containsExactly(signer.keyId(), old.keyId());
    assertThat(kids(old)).containsExactly(old.keyId());
  }

  @Test
  void shouldRefuseTwoSigningKeySources() throws Exception {
    Path key = pem(new RSAKeyGenerator(2048).generate(), "sets.pem");

    assertThatThrownBy(
            () ->
                VigilApplication.setIssuer(
                    config("sets.key.path", key.toString(), "sets.keystore.path", key.toString())))
        .isInstanceOf(VigilConfigException.class)
        .hasMessage(
            "Settings 'sets.keystore.path' and 'sets.key.path' both name a signing key; keep one.");
  }

  private void keytool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(
        List.of(
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "2",
            "-storetype",
            "PKCS12",
            "-keystore",
            "sets.p12",
            "-storepass",
            "changeit"));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
