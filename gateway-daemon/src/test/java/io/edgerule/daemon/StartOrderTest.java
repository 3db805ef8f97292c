package io.edgerule.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.RecordingUplink;
import io.edgerule.daemon.testing.UplinkRig;
import io.edgerule.daemon.testing.Wat;
import io.edgerule.sandbox.RuleOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapters start before the rule engine warms up and compiles the rules (so the first polls and
 * their telemetry overlap the longest part of a start), and the rules still see every event handed
 * in meanwhile: the dispatch thread starts only once they are loaded.
 */
class StartOrderTest {
  private static final int EARLY = 100;

  @TempDir Path tmp;

  /**
   * The adapter's start writes the rule's module and hands in {@link #EARLY} samples. A gateway
   * that loaded its rules before it started its adapters finds no module there and the rule fails
   * to load; one that starts the dispatcher before the rules are loaded gives those samples to no
   * rule.
   */
  @Test
  void adaptersStartBeforeTheRulesAreLoadedAndTheRulesSeeTheirFirstEvents() throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    Path wasm = rules.resolve("count.wasm");
    Files.writeString(
        rules.resolve("count.yaml"), "name: count\ninputs: [tank/level]\nlimits: {deadline: 1s}\n");
    Path built =
        Wat.compile(
            "(module (memory (export \"memory\") 1 1)\n"
                + "(func (export \"edgerule_abi_v1\"))\n"
                + "(func (export \"er_init\") (result i32) (i32.const 0))\n"
                + "(func (export \"er_buffer\") (param i32) (result i32) (i32.const 1024))\n"
                + "(func (export \"er_on_events\") (param i32 i32) (result i32) (i32.const 0)))",
            tmp.resolve("count.wasm"));
    EarlyDevice.Factory devices = new EarlyDevice.Factory(built, wasm);
    GatewayConfig base =
        UplinkRig.config(
            "start-gw",
            tmp.resolve("state"),
            "tcp://127.0.0.1:1", // not used: the recording uplink is given
            new EarlyDevice.Config("tank"),
            FlushSetting.DEFAULT,
            1L << 20,
            1000,
            null);
    GatewayConfig config =
        new GatewayConfig(
            base.gateway(),
            base.devices(),
            List.of(new RuleConfig("count", wasm, null, true)),
            base.mqtt(),
            base.pipeline(),
            null,
            base.outbox());
    AtomicInteger seenByRule = new AtomicInteger();
    AtomicInteger dispatched = new AtomicInteger();
    GatewayListener listener =
        new GatewayListener() {
          @Override
          public void onEvent(PointEvent event) {
            dispatched.incrementAndGet();
          }

          @Override
          public void onRuleOutcome(
              String rule, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
            if (outcome instanceof RuleOutcome.Committed) {
              seenByRule.addAndGet(batch.size());
            }
          }
        };
    RecordingUplink uplink = new RecordingUplink();
    try (Gateway gw =
        Gateway.start(config, List.of(devices), listener, Clock.systemUTC(), uplink)) {
      assertTrue(devices.started, "the adapter was started");
      assertEquals(List.of(), List.copyOf(gw.failedRules().keySet()), "rules that failed to load");
      assertEquals(1, gw.rules().size(), "the rule is loaded");
      assertEquals(
          EARLY,
          uplink.on("edgerule/start-gw/telemetry/tank/level").size(),
          "the early samples' telemetry is in the uplink");
      Poll.until(
          () -> seenByRule.get() >= EARLY, Duration.ofMinutes(2), "the rule sees the early events");
      assertEquals(EARLY, dispatched.get(), "events dispatched");
      assertEquals(EARLY, seenByRule.get(), "events the rule saw");
    }
  }

  /** A device whose start writes a rule module and hands in samples before it returns. */
  static final class EarlyDevice implements ProtocolAdapter {
    record Config(String name) implements DeviceConfig {}

    static final class Factory implements AdapterFactory<Config> {
      final Path module;
      final Path target;
      volatile boolean started;

      Factory(Path module, Path target) {
        this.module = module;
        this.target = target;
      }

      @Override
      public String protocol() {
        return "early";
      }

      @Override
      public Class<Config> configType() {
        return Config.class;
      }

      @Override
      public ProtocolAdapter createAdapter(List<Config> unit, AdapterContext context) {
        return new EarlyDevice(this);
      }
    }

    private final Factory factory;
    private final PointId level = PointId.parse("tank/level");

    EarlyDevice(Factory factory) {
      this.factory = factory;
    }

    @Override
    public String name() {
      return "early:tank";
    }

    @Override
    public List<PointInfo> points() {
      return List.of(new PointInfo(level, ValueType.FLOAT64, false, "level"));
    }

    @Override
    public CompletionStage<Void> start(EventSink sink) {
      try {
        Files.copy(factory.module, factory.target);
      } catch (java.io.IOException e) {
        return CompletableFuture.failedFuture(e);
      }
      factory.started = true;
      for (int i = 0; i < EARLY; i++) {
        sink.accept(PointSample.good(level, PointValue.of((double) i), Instant.now()));
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<WriteResult> write(WriteCommand command) {
      return CompletableFuture.completedFuture(WriteResult.rejected(command, "read-only"));
    }

    @Override
    public AdapterHealth health() {
      return new AdapterHealth(name(), AdapterHealth.State.UP, List.of());
    }

    @Override
    public void close() {}
  }
}
