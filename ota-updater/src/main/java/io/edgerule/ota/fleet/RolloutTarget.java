package io.edgerule.ota.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a rollout asks of one gateway: a pure function of the rollout document and the gateway's id,
 * so the controller and every gateway reach the same answer without talking to each other.
 *
 * @param install true if the gateway should install the rollout's image now
 * @param wave the first wave that covers the gateway, or -1 if none does
 * @param why a short explanation, for the gateway's follow report and logs
 */
public record RolloutTarget(boolean install, int wave, String why) {

  /** Buckets per 100 %: a percentage has a resolution of 0.01 %. */
  public static final int BUCKETS = 10_000;

  /**
   * The gateway's bucket, 0..9999: the first four bytes of the SHA-256 of its id (UTF-8), unsigned,
   * modulo 10,000. A percentage wave of p % covers the gateways whose bucket is below p × 100. The
   * same id always has the same bucket, in every rollout, so the gateways of a 5 % wave are also in
   * the 25 % wave after it.
   */
  public static int bucket(String gatewayId) {
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256").digest(gatewayId.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long v =
        ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
    return (int) (v % BUCKETS);
  }

  /** The first wave of {@code r} that covers {@code gatewayId}, or -1 if none does. */
  public static int waveOf(Rollout r, String gatewayId) {
    int bucket = -1;
    for (int i = 0; i < r.waves().size(); i++) {
      Wave w = r.waves().get(i);
      if (w.isCanary()) {
        if (w.canary().contains(gatewayId)) {
          return i;
        }
      } else {
        if (bucket < 0) {
          bucket = bucket(gatewayId);
        }
        if (bucket < Math.round(w.percent() * (BUCKETS / 100))) {
          return i;
        }
      }
    }
    return -1;
  }

  /** Whether {@code gatewayId} should install the image of {@code r} now. */
  public static RolloutTarget forGateway(Rollout r, String gatewayId) {
    int wave = waveOf(r, gatewayId);
    if (wave < 0) {
      return new RolloutTarget(false, -1, "not in any wave of rollout " + r.id());
    }
    if (wave > r.wave()) {
      return new RolloutTarget(
          false, wave, "in wave " + wave + "; rollout " + r.id() + " is at wave " + r.wave());
    }
    if (!r.state().installs()) {
      return new RolloutTarget(false, wave, "rollout " + r.id() + " is " + r.state());
    }
    return new RolloutTarget(true, wave, "in wave " + wave + " of rollout " + r.id());
  }
}
