package io.edgerule.ota.trust;

import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counts the distinct trusted keys whose signature over a document verifies, against a threshold.
 * Keys are identified by their key material ({@link KeyId}), so a key listed twice, or a signature
 * repeated, counts once. Signatures by revoked or unknown keys never count; they are named in the
 * refusal when the threshold is not met.
 */
public final class SignatureCheck {
  /** More signature entries than this are refused unread (each one costs a verification). */
  public static final int MAX_SIGNATURES = 64;

  private SignatureCheck() {}

  /**
   * @param what names the document in messages ({@code image.json}, {@code root v3})
   * @param payloadType the document's type, bound into what was signed ({@link Pae})
   * @param revokedBy the keys that count for nothing, each with the root that revokes it (named in
   *     the refusal: during a rotation that can be the new root, not the one whose keys count)
   * @param rootName the root whose keys and threshold count, named in the refusal
   * @return the distinct keys whose signatures verify (at least {@code threshold} of them)
   * @throws TrustException when fewer than {@code threshold} distinct trusted keys signed
   */
  public static Set<KeyId> verify(
      String what,
      String payloadType,
      byte[] body,
      List<SignatureEntry> signatures,
      Map<KeyId, TrustedKey> trusted,
      Map<KeyId, String> revokedBy,
      int threshold,
      String rootName)
      throws TrustException {
    if (signatures.size() > MAX_SIGNATURES) {
      throw new TrustException(
          TrustException.Reason.MALFORMED,
          what
              + " carries "
              + signatures.size()
              + " signatures; at most "
              + MAX_SIGNATURES
              + " are read");
    }
    byte[] message = Pae.encode(payloadType, body);
    Set<KeyId> valid = new TreeSet<>();
    List<String> notes = new ArrayList<>();
    TrustException.Reason worst = TrustException.Reason.THRESHOLD_NOT_MET;
    for (int i = 0; i < signatures.size(); i++) {
      SignatureEntry s = signatures.get(i);
      String which = "signature " + (i + 1) + " (key " + s.keyId().shortHex() + ")";
      String revoker = revokedBy.get(s.keyId());
      if (revoker != null) {
        notes.add(which + " is by a key " + revoker + " revokes");
        worst = rank(worst, TrustException.Reason.REVOKED_KEY);
        continue;
      }
      TrustedKey key = trusted.get(s.keyId());
      if (key == null) {
        notes.add(which + " is by a key " + rootName + " does not list");
        worst = rank(worst, TrustException.Reason.UNKNOWN_KEY);
        continue;
      }
      if (!verifies(key, message, s.signature())) {
        notes.add(
            which
                + " does not verify: "
                + what
                + " was changed after it was signed, or the signature is damaged");
        worst = rank(worst, TrustException.Reason.BAD_SIGNATURE);
        continue;
      }
      if (!valid.add(s.keyId())) {
        notes.add(which + " repeats a key that already signed (a key counts once)");
      }
    }
    if (valid.size() >= threshold) {
      return Set.copyOf(valid);
    }
    StringBuilder m = new StringBuilder();
    m.append(what)
        .append(" is signed by ")
        .append(valid.size())
        .append(valid.size() == 1 ? " distinct trusted key" : " distinct trusted keys")
        .append("; ")
        .append(rootName)
        .append(" requires ")
        .append(threshold);
    if (signatures.isEmpty()) {
      m.append(" (it carries no signature)");
    }
    for (String n : notes) {
      m.append("; ").append(n);
    }
    throw new TrustException(worst, m.toString());
  }

  /** Each of {@code keys} revoked by {@code root} (its name in messages). */
  public static Map<KeyId, String> revokedBy(Set<KeyId> keys, String root) {
    Map<KeyId, String> m = new HashMap<>();
    keys.forEach(k -> m.put(k, root));
    return m;
  }

  /** The most telling reason wins: a tampered document says so before an unknown key does. */
  private static TrustException.Reason rank(TrustException.Reason a, TrustException.Reason b) {
    return order(b) < order(a) ? b : a;
  }

  private static int order(TrustException.Reason r) {
    return switch (r) {
      case BAD_SIGNATURE -> 0;
      case REVOKED_KEY -> 1;
      case UNKNOWN_KEY -> 2;
      default -> 3;
    };
  }

  private static boolean verifies(TrustedKey key, byte[] message, byte[] signature) {
    try {
      Signature v = Signature.getInstance(key.algorithm().jcaSignature());
      v.initVerify(key.key());
      v.update(message);
      return v.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // a malformed signature (bad DER, wrong length) is a signature that does not
      // verify
    }
  }
}
