package io.edgerule.daemon.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.testing.PushAdapter;
import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.RuleModule;
import io.edgerule.ota.device.SlotImage;
import io.edgerule.ota.device.SlotImages;
import io.edgerule.ota.device.TrialPolicy;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.sandbox.Rule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole device-side trial in a real gateway: the example rules' self-test vectors run as {@code
 * rule test} runs them (a wrong expected line rejects the image), shadow, live, commit, and the
 * committed image is what a restarted gateway loads.
 */
class OtaTrialIT {
  private static final Path EXAMPLES = Path.of("..", "examples", "rules");
  private static final TrialPolicy QUICK =
      new TrialPolicy(
          Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(50), 3, 0, 0, 0.01);

  @TempDir Path tmp;

  private Gateway start() throws Exception {
    GatewayConfig config =
        new GatewayConfig(
            new GatewaySection("trial-gw", tmp.resolve("state")),
            List.of(new PushAdapter.Device("tank")),
            List.of(),
            null,
            new PipelineConfig(10_000, 64, 2, Duration.ofSeconds(30)),
            null);
    List<AdapterFactory<?>> factories = List.of(new PushAdapter.Factory());
    return Gateway.start(config, factories, GatewayListener.NONE, Clock.systemUTC());
  }

  private static SlotImage image(String version, long sv, byte[] pumpExpected) throws Exception {
    Map<String, byte[]> extras = new LinkedHashMap<>();
    extras.put(
        SlotImages.selfTestEvents("pump"),
        Files.readAllBytes(EXAMPLES.resolve("pump.events.jsonl")));
    extras.put(SlotImages.selfTestExpected("pump"), pumpExpected);
    return new SlotImage(
        new ImageId("plant", version, sv),
        List.of(
            new RuleModule(
                "pump",
                Files.readAllBytes(EXAMPLES.resolve("pump.wasm")),
                Files.readAllBytes(EXAMPLES.resolve("pump.yaml")))),
        extras);
  }

  @Test
  void selfTestShadowLiveCommitAndTheImageSurvivesARestart() throws Exception {
    ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
    List<UpdateStatus> published = new CopyOnWriteArrayList<>();
    try (Gateway gw = start()) {
      DeviceUpdater updater =
          new DeviceUpdater(
              gw.ota().store(),
              gw.ota().deployPort(),
              published::add,
              QUICK,
              exec,
              Clock.systemUTC());
      byte[] expected = Files.readAllBytes(EXAMPLES.resolve("pump.expected.jsonl"));
      byte[] wrong =
          new String(expected, StandardCharsets.UTF_8)
              .replaceFirst("\"value\":true", "\"value\":false")
              .getBytes(StandardCharsets.UTF_8);
      UpdateStatus rejected =
          updater.install(image("1", 1, wrong)).toCompletableFuture().get(120, TimeUnit.SECONDS);
      assertEquals(UpdateState.REJECTED, rejected.state());
      assertTrue(
          rejected.detail().contains("rule 'pump' self-test output line 1"), rejected.detail());
      assertEquals(List.of(), gw.rules(), "nothing ran");

      UpdateStatus committed =
          updater.install(image("2", 2, expected)).toCompletableFuture().get(120, TimeUnit.SECONDS);
      assertEquals(UpdateState.COMMITTED, committed.state(), committed.detail());
      assertEquals(List.of("pump"), gw.rules().stream().map(Rule::name).toList());
      assertEquals(
          List.of("STAGED", "TRIAL", "TRIAL", "TRIAL", "COMMITTED"),
          published.subList(published.size() - 5, published.size()).stream()
              .map(s -> s.state().name())
              .toList());
    } finally {
      exec.shutdownNow();
    }
    try (Gateway again = start()) {
      assertEquals(List.of("pump"), again.rules().stream().map(Rule::name).toList());
      assertEquals("2", again.ota().updater().status().image().version());
    }
  }
}
