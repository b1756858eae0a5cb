package dev.vigil.enforcement;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;

/**
 * Signs SETs with RS256 ({@code typ: secevent+jwt}, {@code kid} = the key's RFC 7638 thumbprint)
 * and publishes the public key as a JWK set. Thread-safe.
 */
public final class SetSigner {

  /** The JOSE {@code typ} of a Security Event Token (RFC 8417 §2.3). */
  public static final JOSEObjectType SECEVENT_JWT = new JOSEObjectType("secevent+jwt");

  private final RSAKey key;
  private final RSASSASigner signer;

  private SetSigner(RSAKey key) {
    this.key = key;
    try {
      this.signer = new RSASSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("The signing key is not a usable RSA private key.", e);
    }
  }

  /**
   * A signer with the given RSA private key.
   *
   * @throws IllegalArgumentException if the key has no private part or no key id
   */
  public static SetSigner of(RSAKey key) {
    if (!key.isPrivate() || key.getKeyID() == null) {
      throw new IllegalArgumentException("The signing key needs its private part and a key id.");
    }
    return new SetSigner(key);
  }

  /** A signer with a fresh RSA 2048 key, for the demo and tests. */
  public static SetSigner generate() {
    try {
      return new SetSigner(
          new RSAKeyGenerator(2048)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .keyIDFromThumbprint(true)
              .generate());
    } catch (JOSEException e) {
      throw new IllegalStateException("Could not generate an RSA key.", e);
    }
  }

  /**
   * A signer with the RSA key of a PKCS12 keystore entry.
   *
   * @param keystore the PKCS12 file
   * @param password the keystore and key password
   * @param alias the entry
   * @throws IllegalArgumentException with one sentence if the keystore cannot be used
   */
  public static SetSigner fromKeystore(Path keystore, char[] password, String alias) {
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(alias, "alias");
    KeyStore ks;
    try (InputStream in = Files.newInputStream(keystore)) {
      ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Cannot read the PKCS12 keystore " + keystore + ": " + e.getMessage(), e);
    }
    try {
      Key privateKey = ks.getKey(alias, password);
      Certificate cert = ks.getCertificate(alias);
      if (!(privateKey instanceof RSAPrivateKey rsaPrivate)
          || cert == null
          || !(cert.getPublicKey() instanceof RSAPublicKey rsaPublic)) {
        throw new IllegalArgumentException(
            "The keystore " + keystore + " has no RSA key entry named '" + alias + "'.");
      }
      RSAKey key =
          new RSAKey.Builder(rsaPublic)
              .privateKey(rsaPrivate)
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .keyIDFromThumbprint()
              .build();
      return new SetSigner(key);
    } catch (GeneralSecurityException | JOSEException e) {
      throw new IllegalArgumentException(
          "Cannot read key '" + alias + "' from " + keystore + ": " + e.getMessage(), e);
    }
  }

  /** The key id ({@code kid}) put in every SET header. */
  public String keyId() {
    return key.getKeyID();
  }

  /** Signs the claims into a compact JWS. */
  public String sign(JWTClaimsSet claims) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256).type(SECEVENT_JWT).keyID(key.getKeyID()).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("Could not sign the SET: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  /** The public key set, for verifiers. */
  public JWKSet publicJwks() {
    return new JWKSet(key.toPublicJWK());
  }

  /** The public key set as JSON, as served at {@code /.well-known/jwks.json}. */
  public String jwksJson() {
    return publicJwks().toString(true);
  }
}
