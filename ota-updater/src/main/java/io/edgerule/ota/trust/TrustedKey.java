package io.edgerule.ota.trust;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Objects;

/**
 * A public key a trust root lists: its algorithm, the key, an operator-chosen label, and its id
 * (computed from the key).
 */
public record TrustedKey(KeyId id, KeyAlgorithm algorithm, PublicKey key, String label) {
  public TrustedKey {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(label, "label");
    if (!id.equals(KeyId.of(key))) {
      throw new IllegalArgumentException("key id " + id + " is not the SHA-256 of the key");
    }
  }

  /** A key from its algorithm and X.509 SubjectPublicKeyInfo (DER) encoding. */
  public static TrustedKey decode(KeyAlgorithm algorithm, byte[] spki, String label) {
    PublicKey key;
    try {
      key = KeyFactory.getInstance(algorithm.jcaKey()).generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          "not a "
              + algorithm.id()
              + " public key (X.509 SubjectPublicKeyInfo): "
              + e.getMessage());
    }
    return of(algorithm, key, label);
  }

  /** A key from a JCA public key, checked to be of the algorithm's kind (an EC key on P-256). */
  public static TrustedKey of(KeyAlgorithm algorithm, PublicKey key, String label) {
    if (algorithm == KeyAlgorithm.ECDSA_P256) {
      if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
        throw new IllegalArgumentException("not an EC public key on P-256 (secp256r1)");
      }
    } else if (!"EdDSA".equals(key.getAlgorithm()) && !"Ed25519".equals(key.getAlgorithm())) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return new TrustedKey(KeyId.of(key), algorithm, key, label);
  }

  private static boolean isP256(ECParameterSpec p) {
    // secp256r1's field size and order; comparing curves by name is not portable across providers.
    return p.getCurve().getField().getFieldSize() == 256
        && p.getOrder()
            .toString(16)
            .equals("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  }

  /** The key's X.509 SubjectPublicKeyInfo (DER). */
  public byte[] spki() {
    return key.getEncoded();
  }
}
