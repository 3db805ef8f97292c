package io.edgerule.ota.trust;

/** A document the trust model refuses: why (as a value), and a message saying what and where. */
public final class TrustException extends Exception {
  /** Why a document is not trusted. */
  public enum Reason {
    /** Not a well-formed document of its kind (bad JSON, missing or unknown field, bad value). */
    MALFORMED,
    /** A signature by a trusted key does not verify: the document was changed after signing. */
    BAD_SIGNATURE,
    /** Signed by a key the trust root revokes. */
    REVOKED_KEY,
    /** Signed by a key the trust root does not list. */
    UNKNOWN_KEY,
    /** Fewer distinct trusted keys signed than the threshold requires. */
    THRESHOLD_NOT_MET,
    /** The document's expiry time has passed (freeze protection). */
    EXPIRED,
    /** The gateway's clock is behind a time it has already verified: it cannot judge expiry. */
    CLOCK_BEHIND,
    /** A trust root that does not follow the one trusted now (version, revocations). */
    BAD_ROTATION
  }

  private final Reason reason;

  public TrustException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
