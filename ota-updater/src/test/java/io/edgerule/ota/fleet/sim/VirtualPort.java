package io.edgerule.ota.fleet.sim;

import io.edgerule.ota.device.DeployPort;
import io.edgerule.ota.device.DeployResult;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.RuleHealth;
import io.edgerule.ota.device.SlotImage;
import io.edgerule.sandbox.ShadowReport;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A virtual gateway's rules, as the device side sees them through its deploy port: deploys succeed
 * at once and the rules run without faults, except while the image {@code failing} is deployed on a
 * gateway chosen to fail with it: then its rules trap on every call, so the trial's health gate
 * rolls the image back. Also the deploy port of RolloutFollowerTest's gateways.
 */
public final class VirtualPort implements DeployPort {
  private final ImageId failing; // null: nothing fails here
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong traps = new AtomicLong();
  private volatile ImageId deployed; // null: the config's rules

  /** Rules that trap while {@code failing} is deployed; null: rules that never trap. */
  public VirtualPort(ImageId failing) {
    this.failing = failing;
  }

  /** The image whose rules run now (null: the config's rules). */
  ImageId deployed() {
    return deployed;
  }

  @Override
  public CompletionStage<DeployResult> deploy(SlotImage image) {
    deployed = image.id();
    return CompletableFuture.completedFuture(
        new DeployResult(List.of(), image.rules(), List.of(), Map.of()));
  }

  @Override
  public CompletionStage<DeployResult> deployConfigured() {
    deployed = null;
    return CompletableFuture.completedFuture(
        new DeployResult(List.of(), List.of(), List.of(), Map.of()));
  }

  @Override
  public CompletionStage<List<String>> selfTest(SlotImage image) {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public CompletionStage<Collection<String>> startShadow(SlotImage image) {
    return CompletableFuture.completedFuture(image.rules());
  }

  @Override
  public CompletionStage<Map<String, ShadowReport>> stopShadow() {
    return CompletableFuture.completedFuture(Map.of());
  }

  @Override
  public Map<String, ShadowReport> shadowReports() {
    return Map.of();
  }

  @Override
  public RuleHealth health(Collection<String> rules) {
    calls.addAndGet(10);
    ImageId now = deployed;
    if (now != null && now.equals(failing)) {
      traps.addAndGet(10);
    }
    long t = traps.get();
    return new RuleHealth(
        calls.get(),
        t,
        0,
        t,
        Set.of(),
        Set.of(),
        t > 0
            ? Map.of(rules.isEmpty() ? "rule" : rules.iterator().next(), "TRAP: unreachable")
            : Map.of());
  }
}
