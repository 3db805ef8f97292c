package io.edgerule.ota.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rollback switch: a signed command that halts a rollout and returns the gateways running (or
 * trying) its image to the image each committed before it. Published retained on {@code
 * <prefix>/fleet/rollback/<id>} as a DSSE envelope ({@link RollbackSwitches}); a gateway acts on it
 * only if {@code threshold} distinct keys of its trust root signed it, as for an image.
 *
 * @param id names the switch (its topic's last level)
 * @param rollout the rollout it halts: gateways stop following it for good
 * @param image the image given up: a gateway running it or trying it returns to the image it
 *     committed before
 * @param gateways the gateways it applies to; empty: the whole fleet
 * @param issued when it was made; a rollout created after it is not halted by it
 * @param expires after this the switch is refused (a replayed old switch does nothing)
 * @param reason why, for operators and the gateways' status
 */
public record RollbackSwitch(
    String id,
    String rollout,
    RolloutImage image,
    List<String> gateways,
    Instant issued,
    Instant expires,
    String reason) {
  public RollbackSwitch {
    Ids.check("id", id);
    Ids.check("rollout", rollout);
    Objects.requireNonNull(image, "image");
    gateways = List.copyOf(gateways);
    gateways.forEach(g -> Ids.check("gateways", g));
    Objects.requireNonNull(issued, "issued");
    Objects.requireNonNull(expires, "expires");
    reason = reason == null ? "" : reason;
    if (!expires.isAfter(issued)) {
      throw new IllegalArgumentException("expires (" + expires + ") must be after issued");
    }
  }

  /** True if the switch applies to {@code gatewayId} (it names it, or names no gateway). */
  public boolean covers(String gatewayId) {
    return gateways.isEmpty() || gateways.contains(gatewayId);
  }

  /** True if the switch halts {@code r}: it names it, and it was not created after the switch. */
  public boolean halts(Rollout r) {
    return r.id().equals(rollout) && !r.created().isAfter(issued);
  }

  /** The group it applies to, for messages. */
  public Optional<List<String>> group() {
    return gateways.isEmpty() ? Optional.empty() : Optional.of(gateways);
  }
}
