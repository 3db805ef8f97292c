package io.edgerule.daemon.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.PushAdapter;
import io.edgerule.daemon.testing.Wat;
import io.edgerule.ota.device.DeployException;
import io.edgerule.ota.device.DeployResult;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.ImageStore;
import io.edgerule.ota.device.RuleModule;
import io.edgerule.ota.device.SlotImage;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's deploy port in a real gateway fed by a push adapter: adds, replaces and removes
 * rules under load without losing an event, refuses a broken image untouched, and loads the active
 * image slot at start instead of the config's rules.
 */
class OtaDeployIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  /** Sequence numbers written by each rule, in commit order. */
  static final class Recorder implements GatewayListener {
    final List<Long> events = new CopyOnWriteArrayList<>();
    final Map<String, List<Long>> written = new java.util.concurrent.ConcurrentHashMap<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(PointEvent event) {
      if (event.point().toString().equals("tank/level")) {
        events.add(event.sequence());
      }
    }

    @Override
    public void onRuleOutcome(
        String name, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
      if (outcome instanceof RuleOutcome.Committed c) {
        for (RuleAction a : c.actions()) {
          if (a instanceof RuleAction.WritePoint w) {
            written
                .computeIfAbsent(name, k -> new CopyOnWriteArrayList<>())
                .add(((PointValue.Int64) w.value()).value());
          }
        }
      } else {
        failures.add(name + ": " + outcome);
      }
    }

    List<Long> of(String rule) {
      return written.getOrDefault(rule, List.of());
    }
  }

  static String manifest(String name) {
    return "name: "
        + name
        + "\ninputs: [tank/level]\nwritable_points: [tank/out]\n"
        + "limits: {deadline: 1s, actions_per_second: 100000}\n";
  }

  private byte[] echo(String version) {
    String wat = Wat.rule("", "(func (export \"" + version + "\"))\n" + Wat.ECHO_SEQUENCES);
    try {
      return Files.readAllBytes(
          Wat.compile(wat, Files.createDirectories(tmp.resolve("w")).resolve(version + ".wasm")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static RuleModule module(String rule, byte[] wasm) {
    return new RuleModule(rule, wasm, manifest(rule).getBytes(StandardCharsets.UTF_8));
  }

  static SlotImage image(String version, RuleModule... modules) {
    return new SlotImage(new ImageId("plant", version, 1), List.of(modules), Map.of());
  }

  private Gateway start(PushAdapter.Factory push, GatewayListener listener, byte[] configEcho)
      throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    Files.write(rules.resolve("echo.wasm"), configEcho);
    Files.writeString(rules.resolve("echo.yaml"), manifest("echo"));
    GatewayConfig config =
        new GatewayConfig(
            new GatewaySection("ota-gw", tmp.resolve("state")),
            List.of(new PushAdapter.Device("tank")),
            List.of(new RuleConfig("echo", rules.resolve("echo.wasm"), null, true)),
            null,
            new PipelineConfig(100_000, 64, 2, Duration.ofSeconds(30)),
            null);
    List<AdapterFactory<?>> factories = List.of(push);
    return Gateway.start(config, factories, listener, Clock.systemUTC());
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void addReplaceAndRemoveUnderLoadLoseNoEvent() throws Exception {
    byte[] v1 = echo("v1");
    byte[] v2 = echo("v2");
    byte[] v3 = echo("v3");
    PushAdapter.Factory push = new PushAdapter.Factory();
    Recorder rec = new Recorder();
    try (Gateway gw = start(push, rec, v1)) {
      PushAdapter tank = push.last;
      AtomicBoolean producing = new AtomicBoolean(true);
      AtomicInteger produced = new AtomicInteger();
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; producing.get() && i < 90_000; i++) {
                  tank.push("level", i);
                  produced.incrementAndGet();
                  if (i % 25 == 24) {
                    LockSupport.parkNanos(5_000_000);
                  }
                }
              },
              "producer");
      producer.start();
      Poll.until(() -> rec.of("echo").size() > 500, WAIT, "the first events echoed");

      DeployResult first =
          await(gw.ota().deployPort().deploy(image("2", module("echo", v2), module("copy", v3))));
      assertEquals(List.of("copy"), first.added());
      assertEquals(List.of("echo"), first.replaced());
      assertEquals(List.of(), first.removed());
      Poll.until(() -> rec.of("copy").size() > 500, WAIT, "the added rule running");
      int echoed = rec.of("echo").size();
      Poll.until(() -> rec.of("echo").size() > echoed + 500, WAIT, "echo after the swap");

      DeployResult second = await(gw.ota().deployPort().deploy(image("3", module("echo", v3))));
      assertEquals(List.of("copy"), second.removed());
      assertEquals(List.of("echo"), second.replaced());
      assertEquals(List.of("echo"), gw.rules().stream().map(Rule::name).toList());
      int copied = rec.of("copy").size();
      int after = rec.of("echo").size();
      Poll.until(() -> rec.of("echo").size() > after + 500, WAIT, "echo after the removal");
      assertEquals(copied, rec.of("copy").size(), "the removed rule gets no more events");

      producing.set(false);
      producer.join(WAIT.toMillis());
      int total = produced.get();
      Poll.until(() -> rec.of("echo").size() >= total, WAIT, "every event echoed");
      assertEquals(List.of(), rec.failures);
      assertEquals(total, rec.events.size());
      assertEquals(rec.events, rec.of("echo"), "each sequence number exactly once, in order");
      List<Long> copy = rec.of("copy");
      assertEquals(
          rec.events.subList(
              rec.events.indexOf(copy.get(0)), rec.events.indexOf(copy.get(copy.size() - 1)) + 1),
          copy,
          "the added rule saw a gapless run of events until its removal");
    }
  }

  @Test
  void aBrokenImageIsRefusedAndTheRunningVersionKeepsRunning() throws Exception {
    byte[] v1 = echo("v1");
    PushAdapter.Factory push = new PushAdapter.Factory();
    Recorder rec = new Recorder();
    try (Gateway gw = start(push, rec, v1)) {
      String before = gw.rules().get(0).moduleDigest();
      byte[] garbage = "not wasm".getBytes(StandardCharsets.UTF_8);
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  await(
                      gw.ota()
                          .deployPort()
                          .deploy(
                              image("2", module("copy", echo("v2")), module("echo", garbage)))));
      DeployException de = assertInstanceOf(DeployException.class, e.getCause());
      assertTrue(de.getMessage().contains("rule 'echo'"), de.getMessage());
      assertEquals(List.of("echo"), gw.rules().stream().map(Rule::name).toList(), "nothing added");
      assertEquals(before, gw.rules().get(0).moduleDigest(), "old version untouched");
      push.last.push("level", 1);
      Poll.until(() -> rec.of("echo").size() == 1, WAIT, "the old version still runs");
    }
  }

  @Test
  void theActiveImageSlotIsLoadedAtStartInsteadOfTheConfigsRules() throws Exception {
    byte[] v1 = echo("v1");
    byte[] v2 = echo("v2");
    ImageStore store = ImageStore.open(tmp.resolve("state/ota"));
    store.beginTrial(store.stage(image("2", module("echo", v2), module("copy", v1))));
    store.commit();
    PushAdapter.Factory push = new PushAdapter.Factory();
    Recorder rec = new Recorder();
    try (Gateway gw = start(push, rec, v1)) {
      assertEquals(
          List.of("echo", "copy"), gw.rules().stream().map(Rule::name).toList(), "the image's");
      String v2Digest = io.edgerule.ota.device.internal.Sha256.hex(v2);
      assertEquals(v2Digest, gw.rules().get(0).moduleDigest());
      assertNotEquals(v2Digest, io.edgerule.ota.device.internal.Sha256.hex(v1));
      push.last.push("level", 1);
      Poll.until(() -> rec.of("echo").size() == 1 && rec.of("copy").size() == 1, WAIT, "both run");
    }
  }
}
