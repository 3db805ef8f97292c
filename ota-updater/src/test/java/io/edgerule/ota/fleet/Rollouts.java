package io.edgerule.ota.fleet;

import io.edgerule.ota.device.ImageId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Rollout documents for tests. */
final class Rollouts {
  static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  static final RolloutImage IMAGE =
      new RolloutImage("ab".repeat(32), 18342, new ImageId("plant", "2.1.0", 7));

  private Rollouts() {}

  static Wave wave(double percent) {
    return new Wave(
        List.of(), percent, 5, 95, 5, Duration.ofMinutes(10), Duration.ofHours(1), false);
  }

  static Wave canary(String... gateways) {
    return wave(1).withCanary(List.of(gateways));
  }

  static Rollout running(int wave, Wave... waves) {
    return new Rollout(
        "plant-2.1.0", 1, IMAGE, RolloutState.RUNNING, wave, false, List.of(waves), T0, T0, T0, "");
  }
}
