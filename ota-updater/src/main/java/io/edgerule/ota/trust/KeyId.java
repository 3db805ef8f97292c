package io.edgerule.ota.trust;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A key's identity: the SHA-256 of its public key's X.509 SubjectPublicKeyInfo encoding, in lower
 * case hex. Computed from the key material, never taken from a document: the same key listed twice
 * under two names is still one key, and counts once towards a threshold.
 */
public record KeyId(String hex) implements Comparable<KeyId> {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public KeyId {
    if (!HEX64.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "a key id is 64 lower-case hex digits (SHA-256 of the public key), not '" + hex + "'");
    }
  }

  /** The id of a public key. */
  public static KeyId of(PublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return new KeyId(HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The first 16 hex digits, for messages and listings. */
  public String shortHex() {
    return hex.substring(0, 16);
  }

  @Override
  public int compareTo(KeyId o) {
    return hex.compareTo(o.hex);
  }

  @Override
  public String toString() {
    return hex;
  }
}
