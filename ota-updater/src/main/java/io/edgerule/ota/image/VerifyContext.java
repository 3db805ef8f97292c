package io.edgerule.ota.image;

import io.edgerule.ota.trust.TrustRoot;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a gateway checks an image against. The device side keeps the floor and the last verified
 * time (and raises them at commit); verification only reads them.
 *
 * @param root the trust root installed on the gateway
 * @param now the gateway's clock
 * @param securityFloor the anti-rollback floor: an image with a lower security version is refused
 * @param lastVerifiedTime the latest time the gateway has verified before (see {@link
 *     VerifiedImage#timeFloor()}); a clock behind it is reported, not trusted
 * @param gatewayVersion this gateway's version, matched against the image's compatibility range
 * @param ruleAbi the rule ABI this gateway's sandbox runs
 * @param clockSkew how far an image's creation time may lie after {@code now} (build machines'
 *     clocks differ a little); more means the gateway's clock is behind
 */
public record VerifyContext(
    TrustRoot root,
    Instant now,
    long securityFloor,
    Optional<Instant> lastVerifiedTime,
    GatewayVersion gatewayVersion,
    int ruleAbi,
    Duration clockSkew) {

  /** The default tolerance for an image created "in the future". */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(5);

  public VerifyContext {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(lastVerifiedTime, "lastVerifiedTime");
    Objects.requireNonNull(gatewayVersion, "gatewayVersion");
    Objects.requireNonNull(clockSkew, "clockSkew");
    if (securityFloor < 0) {
      throw new IllegalArgumentException("securityFloor < 0");
    }
  }

  /** A context with the sandbox's ABI and the default clock skew. */
  public static VerifyContext of(
      TrustRoot root,
      Instant now,
      long securityFloor,
      Optional<Instant> lastVerifiedTime,
      GatewayVersion gatewayVersion) {
    return new VerifyContext(
        root,
        now,
        securityFloor,
        lastVerifiedTime,
        gatewayVersion,
        io.edgerule.sandbox.RuleManifest.ABI_VERSION,
        DEFAULT_CLOCK_SKEW);
  }
}
