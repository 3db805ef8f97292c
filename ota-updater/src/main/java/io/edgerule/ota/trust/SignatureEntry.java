package io.edgerule.ota.trust;

import java.util.Arrays;
import java.util.Objects;

/** One signature over a document: which key says it made it, and the signature bytes. */
public record SignatureEntry(KeyId keyId, byte[] signature) {
  public SignatureEntry {
    Objects.requireNonNull(keyId, "keyId");
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignatureEntry s
        && s.keyId.equals(keyId)
        && Arrays.equals(s.signature, signature);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode() * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "signature by " + keyId.shortHex();
  }
}
