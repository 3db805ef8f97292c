package io.edgerule.ota.fleet;

import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollback switches the {@link RolloutFollower} has seen: each verified against the trust root
 * as it arrives (a refused one is logged and reported through {@link
 * RolloutFollower.Revert#refused} and kept nowhere), which of them ask this gateway to return from
 * an image, and which were acted on in this process. Used on the follower's executor only.
 */
final class SwitchesSeen {
  private static final Logger log = LoggerFactory.getLogger(SwitchesSeen.class);

  private final String gatewayId;
  private final Supplier<TrustRoot> trust;
  private final RolloutFollower.Revert revert;
  private final Clock clock;
  private final Map<String, RollbackSwitch> switches = new LinkedHashMap<>();
  private final Set<String> actedOn = new HashSet<>();

  SwitchesSeen(
      String gatewayId, Supplier<TrustRoot> trust, RolloutFollower.Revert revert, Clock clock) {
    this.gatewayId = gatewayId;
    this.trust = trust;
    this.revert = revert;
    this.clock = clock;
  }

  /**
   * Takes the retained message of {@code topic} (empty: the switch was cleared).
   *
   * @return true if a verified switch was added or replaced (the follower decides again)
   */
  boolean arrived(byte[] payload, String topic) {
    String id = topic.substring(topic.lastIndexOf('/') + 1);
    if (payload.length == 0) {
      switches.remove(id);
      return false;
    }
    RollbackSwitch s;
    try {
      s = RollbackSwitches.verify(payload, topic, trust.get(), clock.instant());
    } catch (TrustException e) {
      log.warn("rollback switch refused ({}): {}", e.reason(), e.getMessage());
      revert.refused(topic, e.reason() + ": " + e.getMessage());
      return false;
    }
    if (!s.id().equals(id)) {
      log.warn("rollback switch refused: {} carries switch '{}'", topic, s.id());
      revert.refused(topic, topic + " carries switch '" + s.id() + "'");
      return false;
    }
    switches.put(id, s);
    return true;
  }

  /**
   * The first switch not acted on yet that applies to this gateway under {@code rollout} (the
   * current one, or null) and names the image it runs or is trying; null if none.
   */
  RollbackSwitch toActOn(Rollout rollout, UpdateStatus last) {
    for (RollbackSwitch s : switches.values()) {
      if (applies(s, rollout) && !actedOn.contains(s.id()) && touches(last, s.image().id())) {
        return s;
      }
    }
    return null;
  }

  /** {@code s} is being acted on: never again in this process. */
  void actingOn(RollbackSwitch s) {
    actedOn.add(s.id());
  }

  /** The switch covering this gateway that halts {@code r}, or null. */
  RollbackSwitch haltedBy(Rollout r) {
    for (RollbackSwitch s : switches.values()) {
      if (s.covers(gatewayId) && s.halts(r)) {
        return s;
      }
    }
    return null;
  }

  /** A switch applies unless a rollout created after it is the current one. */
  private boolean applies(RollbackSwitch s, Rollout rollout) {
    return s.covers(gatewayId)
        && clock.instant().isBefore(s.expires())
        && (rollout == null || !rollout.created().isAfter(s.issued()));
  }

  /** The gateway runs {@code img}, or is trying it. */
  private static boolean touches(UpdateStatus last, ImageId img) {
    return last != null
        && (img.equals(last.running()) || (img.equals(last.image()) && !last.state().isFinal()));
  }
}
