package io.edgerule.ota.trust;

import java.time.Instant;
import java.util.List;

/**
 * Key rotation: moving a gateway from the root it trusts to a newer one. Each step must be the next
 * version, signed by {@code root_threshold} distinct keys of the root before it (so a root cannot
 * be replaced without the keys it trusted) and of its own (so it is not a root its own keys never
 * agreed to), and must keep every revocation of the root before it. No key revoked by either root
 * counts for either threshold. Only the last root of the chain must be unexpired: a gateway that
 * was off for a year still walks the chain it missed.
 */
public final class RootChain {
  private RootChain() {}

  /**
   * @param trusted the root the gateway trusts now
   * @param newer the newer roots, oldest first (versions trusted+1, trusted+2, ...)
   * @return the last root of the chain ({@code trusted} when {@code newer} is empty)
   * @throws TrustException naming the first root that does not follow, and why
   */
  public static TrustRoot advance(TrustRoot trusted, List<TrustRoot> newer, Instant now)
      throws TrustException {
    TrustRoot current = trusted;
    for (TrustRoot next : newer) {
      current = step(current, next);
    }
    current.checkFresh(now);
    return current;
  }

  /** One rotation step, without the expiry check. */
  public static TrustRoot step(TrustRoot current, TrustRoot next) throws TrustException {
    String name = "root v" + next.version();
    if (next.version() != current.version() + 1) {
      throw new TrustException(
          TrustException.Reason.BAD_ROTATION,
          name
              + " does not follow root v"
              + current.version()
              + " (the next root must be v"
              + (current.version() + 1)
              + "; an older or equal version is a rollback of the trust root)");
    }
    for (KeyId k : current.revoked()) {
      if (!next.revoked().contains(k)) {
        throw new TrustException(
            TrustException.Reason.BAD_ROTATION,
            name
                + " drops the revocation of key "
                + k.shortHex()
                + " that root v"
                + current.version()
                + " has");
      }
    }
    next.checkSignedBy(current, name + " (by the keys of root v" + current.version() + ")");
    next.checkSignedBy(next, name + " (by its own keys)");
    return next;
  }
}
