package io.edgerule.ota.trust;

import java.util.Locale;

/**
 * The signature algorithms a trust root may name for a key. The algorithm is a property of the
 * trusted key, never of a signature: a signature does not get to choose how it is checked.
 */
public enum KeyAlgorithm {
  /** Ed25519 (RFC 8032), software keys: the JDK's own SunEC provider signs and verifies it. */
  ED25519("ed25519", "Ed25519", "Ed25519"),
  /**
   * ECDSA on P-256 with SHA-256, for keys in an HSM: Java 17's SunPKCS11 cannot sign Ed25519, but
   * signs this through any PKCS#11 token.
   */
  ECDSA_P256("ecdsa-p256-sha256", "SHA256withECDSA", "EC");

  private final String id;
  private final String jcaSignature;
  private final String jcaKey;

  KeyAlgorithm(String id, String jcaSignature, String jcaKey) {
    this.id = id;
    this.jcaSignature = jcaSignature;
    this.jcaKey = jcaKey;
  }

  /** The name in documents ({@code ed25519}, {@code ecdsa-p256-sha256}). */
  public String id() {
    return id;
  }

  /** The JCA {@code Signature} algorithm. */
  public String jcaSignature() {
    return jcaSignature;
  }

  /** The JCA {@code KeyFactory} algorithm. */
  public String jcaKey() {
    return jcaKey;
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static KeyAlgorithm of(String id) {
    for (KeyAlgorithm a : values()) {
      if (a.id.equals(id)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown key algorithm '" + id + "' (expected ed25519 or ecdsa-p256-sha256)");
  }

  @Override
  public String toString() {
    return id.toLowerCase(Locale.ROOT);
  }
}
