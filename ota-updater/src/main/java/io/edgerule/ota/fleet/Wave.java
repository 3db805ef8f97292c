package io.edgerule.ota.fleet;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * One wave of a rollout: who it adds, and how it is judged. A wave adds either a canary list of
 * gateway ids or every gateway whose {@linkplain RolloutTarget#bucket bucket} is below {@code
 * percent} (waves are cumulative: wave k covers the gateways of waves 0..k).
 *
 * <p>Judged over every gateway the waves so far cover, once at least {@code minSample} of the
 * gateways this wave adds have finished (committed, rolled back or rejected; a gateway that is
 * offline or still busy is pending and counts for nothing): failed / finished above {@code
 * errorPercent} stops the rollout (ABORTED); once {@code soak} has passed since the wave started,
 * committed / finished at or above {@code successPercent} passes it (next wave, or PAUSED when
 * {@code approval} is set); after {@code timeout} without either, the rollout is PAUSED for an
 * operator.
 *
 * @param canary gateway ids (empty for a percentage wave)
 * @param percent 0 for a canary wave, else 0 < percent <= 100
 * @param minSample finished gateways of this wave needed before it is judged (fewer if the wave
 *     adds fewer)
 */
public record Wave(
    List<String> canary,
    double percent,
    int minSample,
    double successPercent,
    double errorPercent,
    Duration soak,
    Duration timeout,
    boolean approval) {

  /** Most gateways in a canary list. */
  public static final int MAX_CANARY = 1000;

  public Wave {
    canary = List.copyOf(new LinkedHashSet<>(Objects.requireNonNull(canary, "canary")));
    canary.forEach(g -> Ids.check("canary gateway", g));
    if (canary.size() > MAX_CANARY) {
      throw new IllegalArgumentException(
          "a canary list holds at most " + MAX_CANARY + " gateways, got " + canary.size());
    }
    if (canary.isEmpty() == (percent == 0)) {
      throw new IllegalArgumentException(
          "a wave is either a canary list or a percentage (0 < percent <= 100), not "
              + (canary.isEmpty() ? "neither" : "both"));
    }
    if (!(percent >= 0 && percent <= 100)) {
      throw new IllegalArgumentException("percent must be in 0..100, got " + percent);
    }
    if (minSample < 1) {
      throw new IllegalArgumentException("min_sample must be >= 1, got " + minSample);
    }
    if (!(successPercent >= 0 && successPercent <= 100)
        || !(errorPercent >= 0 && errorPercent <= 100)) {
      throw new IllegalArgumentException("success_percent and error_percent must be in 0..100");
    }
    if (successPercent + errorPercent < 100) {
      // failed/finished > error% and committed/finished >= success% could then both hold
      throw new IllegalArgumentException(
          "success_percent ("
              + successPercent
              + ") + error_percent ("
              + errorPercent
              + ") must be >= 100, or a wave could pass and fail at once");
    }
    Objects.requireNonNull(soak, "soak");
    Objects.requireNonNull(timeout, "timeout");
    if (soak.isNegative() || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("soak must be >= 0 and timeout > 0");
    }
    if (timeout.compareTo(soak) <= 0) {
      throw new IllegalArgumentException(
          "timeout (" + timeout + ") must be longer than soak (" + soak + ")");
    }
  }

  /** True for a canary wave. */
  public boolean isCanary() {
    return !canary.isEmpty();
  }

  /** The same judgement settings for another set of gateways. */
  public Wave withPercent(double p) {
    return new Wave(List.of(), p, minSample, successPercent, errorPercent, soak, timeout, approval);
  }

  public Wave withCanary(List<String> gateways) {
    return new Wave(gateways, 0, minSample, successPercent, errorPercent, soak, timeout, approval);
  }
}
