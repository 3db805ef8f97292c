package io.edgerule.ota.fleet;

import io.edgerule.ota.device.DeployPort;
import io.edgerule.ota.device.DeployResult;
import io.edgerule.ota.device.RuleHealth;
import io.edgerule.ota.device.SlotImage;
import io.edgerule.sandbox.ShadowReport;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake deploy port for virtual gateways: deploys succeed at once; while an image whose version is
 * {@code failingVersion} is deployed, its rules trap (so its trial fails at the health gate).
 */
final class SimPort implements DeployPort {
  private final String failingVersion;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong traps = new AtomicLong();
  final AtomicInteger deploys = new AtomicInteger();
  private volatile String deployed = "config";

  SimPort(String failingVersion) {
    this.failingVersion = failingVersion;
  }

  String deployed() {
    return deployed;
  }

  @Override
  public CompletionStage<DeployResult> deploy(SlotImage image) {
    deploys.incrementAndGet();
    deployed = image.id().version();
    return CompletableFuture.completedFuture(
        new DeployResult(List.of(), image.rules(), List.of(), Map.of()));
  }

  @Override
  public CompletionStage<DeployResult> deployConfigured() {
    deploys.incrementAndGet();
    deployed = "config";
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
    if (deployed.equals(failingVersion)) {
      traps.incrementAndGet();
    }
    return new RuleHealth(
        calls.get(),
        traps.get(),
        0,
        traps.get(),
        Set.of(),
        Set.of(),
        traps.get() > 0 ? Map.of("pump", "TRAP: unreachable") : Map.of());
  }
}
