package io.edgerule.daemon.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.ota.device.BootChoice;
import io.edgerule.ota.device.DeployPort;
import io.edgerule.ota.device.DeployResult;
import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.ImageStore;
import io.edgerule.ota.device.RuleHealth;
import io.edgerule.ota.device.RuleModule;
import io.edgerule.ota.device.SlotImage;
import io.edgerule.ota.device.TrialPolicy;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.fleet.RollbackSwitch;
import io.edgerule.ota.fleet.RolloutImage;
import io.edgerule.sandbox.ShadowReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A verified switch returns the gateway once, also across restarts, and every one is reported. */
class SwitchHandlingTest {
  private static final TrialPolicy QUICK =
      new TrialPolicy(Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(10), 3, 0, 0, 1);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
  final List<String> deployed = new CopyOnWriteArrayList<>();
  final List<JsonNode> reports = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    exec.shutdownNow();
  }

  static SlotImage image(String version, long sv) {
    return new SlotImage(
        new ImageId("plant", version, sv),
        List.of(
            new RuleModule(
                "pump",
                ("wasm " + version).getBytes(StandardCharsets.UTF_8),
                "name: pump\n".getBytes(StandardCharsets.UTF_8))),
        Map.of());
  }

  static RollbackSwitch switchFor(String id, ImageId image) {
    Instant now = Instant.now();
    return new RollbackSwitch(
        id,
        "r1",
        new RolloutImage("ab".repeat(32), 100, image),
        List.of(),
        now.minusSeconds(5),
        now.plusSeconds(3600),
        "pump traps");
  }

  SwitchHandling handling(DeviceUpdater u) {
    return new SwitchHandling(
        "gw-1",
        u,
        new SwitchLedger(tmp.resolve("ota").resolve("switches.json")),
        b -> {
          try {
            reports.add(JSON.readTree(b));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        },
        Clock.systemUTC());
  }

  static <T> T await(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  JsonNode lastReport() {
    return reports.get(reports.size() - 1);
  }

  @Test
  void aSwitchActsOnceAndAReplayAfterARestartChangesNothing() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("ota"));
    DeviceUpdater u = new DeviceUpdater(store, new Port(), s -> {}, QUICK, exec, Clock.systemUTC());
    await(u.start(BootChoice.decide(store, 3)));
    assertEquals(UpdateState.COMMITTED, await(u.install(image("1", 1))).state());
    assertEquals(UpdateState.COMMITTED, await(u.install(image("2", 2))).state());
    RollbackSwitch rb = switchFor("rb-1", image("2", 2).id());

    UpdateStatus back = await(handling(u).revert(rb));
    assertEquals(UpdateState.ROLLED_BACK, back.state());
    assertEquals("1", back.running().version());
    assertEquals("rollback switch rb-1: pump traps", back.detail());
    assertEquals("APPLIED", lastReport().path("result").asText(), lastReport().toString());
    assertEquals("1", lastReport().path("running").path("version").asText());

    // The same image installed again later; the old switch, replayed after a restart, does nothing.
    assertEquals(UpdateState.COMMITTED, await(u.install(image("2", 2))).state());
    int deploys = deployed.size();
    UpdateStatus replay = await(handling(u).revert(rb));
    assertEquals("2", replay.running().version());
    assertEquals("ALREADY_APPLIED", lastReport().path("result").asText());
    assertEquals(deploys, deployed.size(), "nothing deployed");

    // A switch for an image the gateway does not run; a refused one.
    await(handling(u).revert(switchFor("rb-2", image("7", 7).id())));
    assertEquals("NOT_RUNNING", lastReport().path("result").asText());
    handling(u).refused("edgerule/fleet/rollback/rb-3", "UNKNOWN_KEY: signed by a stranger");
    JsonNode refused = lastReport();
    assertEquals("rb-3", refused.path("switch").asText());
    assertEquals("REFUSED", refused.path("result").asText());
    assertTrue(refused.path("detail").asText().contains("UNKNOWN_KEY"), refused.toString());
    assertEquals("2", u.status().running().version(), "nothing changed");
  }

  @Test
  void aSwitchThatCannotReturnIsReportedAndChangesNothing() throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve("ota"));
    DeviceUpdater u = new DeviceUpdater(store, new Port(), s -> {}, QUICK, exec, Clock.systemUTC());
    await(u.install(image("1", 1)));
    await(u.install(image("2", 2)));
    await(u.install(image("3", 3))); // staged over image 1: nothing before 2 is kept
    RollbackSwitch first = switchFor("rb-1", image("3", 3).id());
    assertEquals("2", await(handling(u).revert(first)).running().version());
    RollbackSwitch second = switchFor("rb-2", image("2", 2).id());
    handling(u).revert(second).toCompletableFuture().handle((s, e) -> e).get(60, TimeUnit.SECONDS);
    JsonNode failed = lastReport();
    assertEquals("FAILED", failed.path("result").asText(), failed.toString());
    assertTrue(failed.path("detail").asText().contains("no longer kept"), failed.toString());
    assertEquals("2", u.status().running().version());
  }

  /** Deploys succeed at once; the rules never fail. */
  final class Port implements DeployPort {
    @Override
    public CompletionStage<DeployResult> deploy(SlotImage image) {
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
      return new RuleHealth(10, 0, 0, 0, Set.of(), Set.of(), Map.of());
    }
  }
}
