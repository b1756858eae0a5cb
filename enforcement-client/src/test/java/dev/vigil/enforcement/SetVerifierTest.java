package dev.vigil.enforcement;

import static dev.vigil.enforcement.Fixtures.AUDIENCE;
import static dev.vigil.enforcement.Fixtures.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SetVerifierTest {

  private static RSAKey key;
  private static SetSigner signer;
  private static SetVerifier verifier;
  private final SecurityEventTokens tokens = new SecurityEventTokens(ISSUER, List.of(AUDIENCE));

  @BeforeAll
  static void keys() throws Exception {
    key =
        new RSAKeyGenerator(2048)
            .algorithm(JWSAlgorithm.RS256)
            .keyIDFromThumbprint(true)
            .generate();
    signer = SetSigner.of(key);
    verifier = SetVerifier.fromJwksJson(signer.jwksJson(), ISSUER, AUDIENCE);
  }

  private String revokeSet() {
    return signer.sign(tokens.fromCommand(Fixtures.revoke("c-1", "alice", "s-1")).orElseThrow());
  }

  @Test
  void shouldVerifyASetItSignedWithTheClaimsIntact() throws Exception {
    // Given a SET signed by the app's key
    String token = revokeSet();

    // When an enforcement point verifies it with the published JWKS
    VerifiedSet set = verifier.verify(token);

    // Then the typed SET says who, what and why
    assertThat(set.issuer()).isEqualTo(ISSUER);
    assertThat(set.audience()).containsExactly(AUDIENCE);
    assertThat(set.keyId()).isEqualTo(signer.keyId());
    assertThat(set.caepType()).contains(CaepEventType.SESSION_REVOKED);
    assertThat(set.subject()).contains("alice");
    assertThat(SubjectIds.member(set.subId(), "session")).contains("s-1");
    assertThat(set.reasonAdmin()).contains("Sign-in from Sydney 40 minutes after Berlin.");
    assertThat(set.txn()).isEqualTo("c-1");
    assertThat(SignedJWT.parse(token).getHeader().getType().getType()).isEqualTo("secevent+jwt");
  }

  @Test
  void shouldRejectASetWhosePayloadWasTamperedWith() {
    // Given a valid SET whose payload is swapped for another subject's, keeping the signature
    String[] parts = revokeSet().split("\\.");
    String payload =
        new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
            .replace("alice", "mallory");
    String tampered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];

    // Then it is rejected
    assertThatThrownBy(() -> verifier.verify(tampered))
        .isInstanceOf(SetVerificationException.class)
        .hasMessage("The SET signature does not match any key in the JWKS.");
  }

  @Test
  void shouldRejectASetSignedWithAnotherKey() {
    // Given a SET signed by a key that is not in the JWKS
    SetSigner other = SetSigner.generate();
    String token =
        other.sign(tokens.fromCommand(Fixtures.revoke("c-1", "alice", "s-1")).orElseThrow());

    assertThatThrownBy(() -> verifier.verify(token))
        .isInstanceOf(SetVerificationException.class)
        .hasMessage("The SET signature does not match any key in the JWKS.");
  }

  @Test
  void shouldRejectAJwtThatIsNotTypedAsASecurityEvent() throws Exception {
    // Given a correctly signed token typed as a plain JWT (e.g. an access token)
    String token = sign(JOSEObjectType.JWT, validClaims().build());

    assertThatThrownBy(() -> verifier.verify(token))
        .hasMessage("The SET header typ is 'JWT', but a SET must be typed secevent+jwt.");
  }

  @Test
  void shouldRejectAnUnsignedSet() {
    // Given the same claims with alg none
    String token =
        new PlainJWT(tokens.fromCommand(Fixtures.revoke("c-1", "alice")).orElseThrow()).serialize();

    assertThatThrownBy(() -> verifier.verify(token))
        .hasMessage("The SET is unsigned (alg none), and unsigned SETs are never accepted.");
  }

  @Test
  void shouldRejectASetWithTwoEvents() throws Exception {
    JWTClaimsSet twoEvents =
        validClaims()
            .claim(
                "events",
                Map.of(
                    CaepEventType.SESSION_REVOKED.uri(), Map.of(),
                    CaepEventType.RISK_LEVEL_CHANGE.uri(), Map.of()))
            .build();

    assertThatThrownBy(() -> verifier.verify(sign(SetSigner.SECEVENT_JWT, twoEvents)))
        .hasMessage("The SET carries 2 events, but exactly one event per SET is allowed.");
  }

  @Test
  void shouldRejectExpAndSubWhichSetsMustNotCarry() throws Exception {
    String withExp = sign(SetSigner.SECEVENT_JWT, validClaims().expirationTime(new Date()).build());
    String withSub = sign(SetSigner.SECEVENT_JWT, validClaims().subject("alice").build());

    assertThatThrownBy(() -> verifier.verify(withExp)).hasMessageStartingWith("The SET has an exp");
    assertThatThrownBy(() -> verifier.verify(withSub)).hasMessageStartingWith("The SET has a sub");
  }

  @Test
  void shouldRejectAnotherIssuerOrAudience() throws Exception {
    String token = revokeSet();
    SetVerifier otherIssuer =
        SetVerifier.fromJwksJson(signer.jwksJson(), "https://elsewhere", null);
    SetVerifier otherAudience = SetVerifier.fromJwksJson(signer.jwksJson(), null, "https://vpn");

    assertThatThrownBy(() -> otherIssuer.verify(token))
        .hasMessage(
            "The SET issuer 'https://vigil.local' is not the expected 'https://elsewhere'.");
    assertThatThrownBy(() -> otherAudience.verify(token))
        .hasMessage("The SET audience [https://proxy.example.com] does not include 'https://vpn'.");
  }

  @Test
  void shouldRejectAnHmacSignedSet() throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(SetSigner.SECEVENT_JWT).build(),
            validClaims().build());
    jwt.sign(new com.nimbusds.jose.crypto.MACSigner(new byte[32]));

    assertThatThrownBy(() -> verifier.verify(jwt.serialize()))
        .hasMessage("The SET algorithm HS256 is not allowed; use RS256, PS256 or ES256.");
  }

  @Test
  void shouldSignWithTheKeyOfAPkcs12Keystore(@TempDir Path dir) throws Exception {
    // Given a keystore made with the JDK's keytool
    Path keystore = dir.resolve("sets.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-alias",
                "vigil-sets",
                "-dname",
                "CN=vigil",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    keytool.getInputStream().readAllBytes();
    assertThat(keytool.waitFor()).isZero();

    // When the signer loads it, twice
    SetSigner fromStore = SetSigner.fromKeystore(keystore, "changeit".toCharArray(), "vigil-sets");
    SetSigner again = SetSigner.fromKeystore(keystore, "changeit".toCharArray(), "vigil-sets");

    // Then its SETs verify with its JWKS, and the kid is stable across restarts
    String token = fromStore.sign(tokens.fromCommand(Fixtures.revoke("c-9", "bob")).orElseThrow());
    assertThat(SetVerifier.fromJwksJson(again.jwksJson(), ISSUER, null).verify(token).subject())
        .contains("bob");
    assertThat(again.keyId()).isEqualTo(fromStore.keyId());
    assertThatThrownBy(() -> SetSigner.fromKeystore(keystore, "changeit".toCharArray(), "missing"))
        .hasMessage("The keystore " + keystore + " has no RSA key entry named 'missing'.");
  }

  private static JWTClaimsSet.Builder validClaims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .issueTime(Date.from(Fixtures.T0))
        .jwtID("j-1")
        .claim("sub_id", SubjectIds.of("alice"))
        .claim("events", Map.of(CaepEventType.SESSION_REVOKED.uri(), Map.of()));
  }

  private static String sign(JOSEObjectType typ, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).type(typ).keyID(key.getKeyID()).build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
