package io.edgerule.ota.image;

import io.edgerule.ota.trust.TrustException;

/**
 * A {@code .rimg} the gateway (or the CLI) refuses: why, as a value the device side reports, and a
 * message that says what and where ({@code plant.rimg: entry 3 '../etc/passwd' has a '..'
 * segment}).
 */
public final class ImageRejected extends Exception {
  /** Why an image is refused. */
  public enum Reason {
    /** Not a readable image: not gzip, not tar, bad JSON, a missing or unknown field. */
    MALFORMED,
    /** The file ends early (a cut-off download). */
    TRUNCATED,
    /**
     * An entry that is not a plain file with a safe relative name (links, {@code ..}, absolute).
     */
    UNSAFE_ENTRY,
    /** Two entries with the same name (also when they differ only in case). */
    DUPLICATE_ENTRY,
    /** Over a size cap (file, entry, total unpacked, number of entries): includes bombs. */
    TOO_LARGE,
    /**
     * The files do not match the signed manifest: a file missing, one not listed, or a size or
     * SHA-256 that differs (tampering, or parts mixed from two images).
     */
    CONTENT_MISMATCH,
    /** A signature by a trusted key does not verify over the manifest. */
    BAD_SIGNATURE,
    /** Signed by a revoked key (and the threshold is not met without it). */
    REVOKED_KEY,
    /** Signed by a key the trust root does not list (and the threshold is not met without it). */
    UNKNOWN_KEY,
    /** Fewer distinct trusted keys signed than the trust root requires. */
    THRESHOLD_NOT_MET,
    /** The image, or the trust root, has expired (freeze protection). */
    EXPIRED,
    /** The gateway's clock is behind a time already verified, or behind the image's creation. */
    CLOCK_BEHIND,
    /** The security version is below the gateway's anti-rollback floor. */
    ROLLBACK,
    /** Made for other gateway versions or another rule ABI. */
    INCOMPATIBLE,
    /** A rule's manifest does not parse, or names another rule than the image lists. */
    BAD_RULE;

    static Reason of(TrustException.Reason r) {
      return switch (r) {
        case MALFORMED, BAD_ROTATION -> MALFORMED;
        case BAD_SIGNATURE -> BAD_SIGNATURE;
        case REVOKED_KEY -> REVOKED_KEY;
        case UNKNOWN_KEY -> UNKNOWN_KEY;
        case THRESHOLD_NOT_MET -> THRESHOLD_NOT_MET;
        case EXPIRED -> EXPIRED;
        case CLOCK_BEHIND -> CLOCK_BEHIND;
      };
    }
  }

  private final Reason reason;

  public ImageRejected(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
