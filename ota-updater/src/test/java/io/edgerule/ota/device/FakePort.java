package io.edgerule.ota.device;

import io.edgerule.sandbox.ShadowReport;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A deploy port that records what it was asked and answers as the test sets it up. */
final class FakePort implements DeployPort {
  final List<String> deployed = new CopyOnWriteArrayList<>();
  volatile List<String> selfTestFailures = List.of();
  volatile long shadowFailures;
  final AtomicLong calls = new AtomicLong();
  final AtomicLong traps = new AtomicLong();
  volatile boolean failDeployOf2;

  /** While this version is the last one deployed, every look sees one more trap. */
  volatile String trapsWhileRunning;

  @Override
  public CompletionStage<DeployResult> deploy(SlotImage image) {
    if (failDeployOf2 && image.id().version().equals("2")) {
      return CompletableFuture.failedFuture(new DeployException("rule 'pump' cannot be loaded"));
    }
    deployed.add(image.id().version());
    return CompletableFuture.completedFuture(
        new DeployResult(List.of(), image.rules(), List.of(), Map.of()));
  }

  @Override
  public CompletionStage<DeployResult> deployConfigured() {
    deployed.add("config");
    return CompletableFuture.completedFuture(
        new DeployResult(List.of(), List.of(), List.of(), Map.of()));
  }

  @Override
  public CompletionStage<List<String>> selfTest(SlotImage image) {
    return CompletableFuture.completedFuture(selfTestFailures);
  }

  @Override
  public CompletionStage<Collection<String>> startShadow(SlotImage image) {
    return CompletableFuture.completedFuture(image.rules());
  }

  @Override
  public CompletionStage<Map<String, ShadowReport>> stopShadow() {
    return CompletableFuture.completedFuture(
        Map.of(
            "pump",
            new ShadowReport(
                "pump", "00", 10, 10 - shadowFailures, shadowFailures, shadowFailures, List.of())));
  }

  @Override
  public Map<String, ShadowReport> shadowReports() {
    return Map.of();
  }

  @Override
  public RuleHealth health(Collection<String> rules) {
    calls.addAndGet(10); // the rules keep running between two looks
    if (!deployed.isEmpty() && deployed.get(deployed.size() - 1).equals(trapsWhileRunning)) {
      traps.incrementAndGet();
    }
    return new RuleHealth(calls.get(), traps.get(), 0, traps.get(), Set.of(), Set.of(), Map.of());
  }
}
