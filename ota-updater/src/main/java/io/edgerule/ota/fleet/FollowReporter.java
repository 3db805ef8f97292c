package io.edgerule.ota.fleet;

import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the {@link RolloutFollower}'s {@link FollowReport} (retained, on {@code
 * <prefix>/<gateway>/ota/follow}) when what it says changes. Used on the follower's executor only.
 */
final class FollowReporter {
  private static final Logger log = LoggerFactory.getLogger(FollowReporter.class);

  private final String gatewayId;
  private final FleetTopics topics;
  private final MqttLink mqtt;
  private final DeviceUpdater updater;
  private final Clock clock;
  private FollowReport reported;

  FollowReporter(
      String gatewayId, FleetTopics topics, MqttLink mqtt, DeviceUpdater updater, Clock clock) {
    this.gatewayId = gatewayId;
    this.topics = topics;
    this.mqtt = mqtt;
    this.updater = updater;
    this.clock = clock;
  }

  /**
   * Reports what the gateway makes of {@code rollout} (null: none).
   *
   * @param t what the rollout asks of this gateway (null: nothing is known of it)
   * @param tried how this process's own install of the rollout's image ended, if it did
   */
  void report(Rollout rollout, RolloutTarget t, String detail, UpdateStatus tried) {
    UpdateStatus last = updater.status();
    FollowReport r =
        new FollowReport(
            gatewayId,
            rollout == null ? null : rollout.id(),
            rollout == null ? 0 : rollout.revision(),
            t == null ? -1 : t.wave(),
            t != null && t.install(),
            detail,
            result(rollout, last, tried),
            last == null ? null : last.running(),
            clock.instant());
    if (r.sameAs(reported)) {
      return;
    }
    reported = r;
    mqtt.publish(topics.follow(gatewayId), r.toJson(), 1, true)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                log.debug("follow report not published: {}", e.toString());
              }
            });
  }

  /** How the install of the rollout's image ended here, if it did. */
  private static UpdateState result(Rollout rollout, UpdateStatus last, UpdateStatus mine) {
    if (rollout == null) {
      return null;
    }
    RolloutImage img = rollout.image();
    if (last != null && last.state().isFinal() && img.id().equals(last.image())) {
      return last.state();
    }
    if (last != null && last.state().isFinal() && img.id().equals(last.running())) {
      return UpdateState.COMMITTED;
    }
    return mine == null || !mine.state().isFinal() ? null : mine.state();
  }
}
