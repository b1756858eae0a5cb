package dev.vigil.enforcement;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
  private final List<RSAKey> previous;

  private SetSigner(RSAKey key) {
    this(key, List.of());
  }

  private SetSigner(RSAKey key, List<RSAKey> previous) {
    this.key = key;
    this.previous = List.copyOf(previous);
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

  /**
   * A signer with the RSA private key of a PEM (PKCS#8 {@code PRIVATE KEY}) or JWK file, e.g. a
   * mounted secret; the key id is the RFC 7638 thumbprint, so every instance with the same file
   * publishes the same {@code kid}.
   *
   * @throws IllegalArgumentException with one sentence if the file holds no RSA private key
   */
  public static SetSigner fromKeyFile(Path file) {
    RSAKey key = readKeyFile(file);
    if (!key.isPrivate()) {
      throw new IllegalArgumentException("The key file " + file + " holds no RSA private key.");
    }
    return new SetSigner(key);
  }

  /**
   * The public RSA key of a PEM ({@code PUBLIC KEY} or PKCS#8 {@code PRIVATE KEY}) or JWK file,
   * with its thumbprint as key id.
   *
   * @throws IllegalArgumentException with one sentence if the file holds no RSA key
   */
  public static RSAKey readKeyFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read the key file " + file + ".", e);
    }
    try {
      RSAKey.Builder builder;
      if (text.startsWith("{")) {
        builder = new RSAKey.Builder(RSAKey.parse(text));
      } else if (text.contains("-----BEGIN PRIVATE KEY-----")) {
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        RSAPrivateCrtKey priv =
            (RSAPrivateCrtKey)
                rsa.generatePrivate(new PKCS8EncodedKeySpec(pem(text, "PRIVATE KEY")));
        RSAPublicKey pub =
            (RSAPublicKey)
                rsa.generatePublic(
                    new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent()));
        builder = new RSAKey.Builder(pub).privateKey(priv);
      } else if (text.contains("-----BEGIN PUBLIC KEY-----")) {
        builder =
            new RSAKey.Builder(
                (RSAPublicKey)
                    KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(pem(text, "PUBLIC KEY"))));
      } else {
        throw new IllegalArgumentException(
            "The key file " + file + " is neither a JWK nor a PEM PRIVATE KEY or PUBLIC KEY.");
      }
      return builder
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256)
          .keyIDFromThumbprint()
          .build();
    } catch (ParseException
        | GeneralSecurityException
        | JOSEException
        | ClassCastException
        | IllegalStateException e) {
      throw new IllegalArgumentException(
          "The key file " + file + " holds no usable RSA key: " + e.getMessage(), e);
    }
  }

  private static byte[] pem(String text, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = text.indexOf(begin) + begin.length();
    int to = text.indexOf(end, from);
    if (to < 0) {
      throw new IllegalStateException("no " + end + " line");
    }
    return Base64.getMimeDecoder().decode(text.substring(from, to));
  }

  /**
   * The public keys of other entries of a PKCS12 keystore: earlier signing keys that stay in the
   * JWKS during a rollover.
   *
   * @throws IllegalArgumentException with one sentence if an alias has no RSA certificate
   */
  public static List<RSAKey> publicKeysFromKeystore(
      Path keystore, char[] password, List<String> aliases) {
    KeyStore ks;
    try (InputStream in = Files.newInputStream(keystore)) {
      ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "Cannot read the PKCS12 keystore " + keystore + ": " + e.getMessage(), e);
    }
    List<RSAKey> keys = new ArrayList<>();
    for (String alias : aliases) {
      try {
        Certificate cert = ks.getCertificate(alias);
        if (cert == null || !(cert.getPublicKey() instanceof RSAPublicKey rsaPublic)) {
          throw new IllegalArgumentException(
              "The keystore " + keystore + " has no RSA key entry named '" + alias + "'.");
        }
        keys.add(
            new RSAKey.Builder(rsaPublic)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256)
                .keyIDFromThumbprint()
                .build());
      } catch (GeneralSecurityException | JOSEException e) {
        throw new IllegalArgumentException(
            "Cannot read key '" + alias + "' from " + keystore + ": " + e.getMessage(), e);
      }
    }
    return keys;
  }

  /**
   * The same signer, also publishing earlier keys (public part only) in its JWKS so that SETs
   * signed before a rollover still verify; new SETs are signed with the current key only.
   */
  public SetSigner withPreviousKeys(List<RSAKey> earlier) {
    List<RSAKey> keys = new ArrayList<>(previous);
    for (RSAKey k : earlier) {
      RSAKey pub = k.toPublicJWK();
      if (!pub.getKeyID().equals(key.getKeyID())
          && keys.stream().noneMatch(e -> e.getKeyID().equals(pub.getKeyID()))) {
        keys.add(pub);
      }
    }
    return new SetSigner(key, keys);
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
    List<JWK> keys = new ArrayList<>();
    keys.add(key.toPublicJWK());
    keys.addAll(previous);
    return new JWKSet(keys);
  }

  /** The public key set as JSON, as served at {@code /.well-known/jwks.json}. */
  public String jwksJson() {
    return publicJwks().toString(true);
  }
}
