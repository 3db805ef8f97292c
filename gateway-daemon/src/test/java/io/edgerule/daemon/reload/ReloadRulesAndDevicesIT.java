package io.edgerule.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.PushAdapter;
import io.edgerule.daemon.testing.Wat;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config reload of rules and devices in a gateway fed by a push adapter: a rule whose module
 * changed is hot-swapped under load with every event seen exactly once by one version or the other;
 * a rule or device added to the file is started, one removed is stopped.
 */
class ReloadRulesAndDevicesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Path EXAMPLES = Path.of("..", "examples", "rules");

  @TempDir Path tmp;

  /** The echo rule's outputs (its input's sequence numbers) in commit order, and its events. */
  static final class Recorder implements GatewayListener {
    final List<Long> events = new CopyOnWriteArrayList<>();
    final List<Long> written = new CopyOnWriteArrayList<>();
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
      if (!name.equals("echo")) {
        return;
      }
      if (outcome instanceof RuleOutcome.Committed c) {
        for (RuleAction a : c.actions()) {
          if (a instanceof RuleAction.WritePoint w) {
            written.add(((PointValue.Int64) w.value()).value());
          }
        }
      } else {
        failures.add(outcome.toString());
      }
    }
  }

  private static String echo(String version) {
    return Wat.rule("", "(func (export \"" + version + "\"))\n" + Wat.ECHO_SEQUENCES);
  }

  private static String config(String extraDevices, String extraRules) {
    return """
        gateway: {id: swap-gw, state_dir: state}
        devices:
          - {protocol: push, name: tank}
        %s
        rules:
          - {name: echo, wasm: rules/echo.wasm}
        %s
        pipeline: {queue_capacity: 100000, batch_size: 64, rule_threads: 2}
        http: {enabled: false}
        """
        .formatted(extraDevices, extraRules);
  }

  /** A new module in place of the rule's, renamed over it as a deployment tool would. */
  private void replaceModule(String wat) throws Exception {
    Path next = Wat.compile(wat, tmp.resolve("next.wasm"));
    Files.move(
        next,
        tmp.resolve("rules/echo.wasm"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aChangedRuleIsSwappedWithoutLosingAnEventAndAddedOrRemovedOnesFollowTheFile()
      throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    Wat.compile(echo("v1"), rules.resolve("echo.wasm"));
    Files.writeString(
        rules.resolve("echo.yaml"),
        "name: echo\ninputs: [tank/level]\nwritable_points: [tank/out]\n"
            + "limits: {deadline: 1s, actions_per_second: 100000}\n");
    for (String f : List.of("overtemp.wasm", "overtemp.yaml")) {
      Files.copy(EXAMPLES.resolve(f), rules.resolve(f));
    }
    Path file = tmp.resolve("gateway.yaml");
    Files.writeString(file, config("", ""));
    PushAdapter.Factory push = new PushAdapter.Factory();
    ConfigLoader loader = new ConfigLoader(List.of(push));
    Recorder recorder = new Recorder();
    try (Gateway gw =
        Gateway.start(loader.load(file), List.of(push), recorder, Clock.systemUTC())) {
      gw.reloadFrom(ConfigSource.file(file, loader));
      PushAdapter tank = push.last;
      AtomicBoolean producing = new AtomicBoolean(true);
      AtomicInteger produced = new AtomicInteger();
      Thread producer =
          new Thread(
              () -> {
                // ~5,000 events/s, at most 90,000: under the queue's 100,000, none dropped.
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
      String v1 = gw.rules().get(0).moduleDigest();
      try {
        Poll.until(() -> recorder.written.size() > 1000, WAIT, "the first events echoed");
        for (String version : List.of("v2", "v3")) {
          replaceModule(echo(version));
          int seen = recorder.written.size();
          ReloadReport swap = gw.reload().get();
          assertEquals(List.of("echo"), swap.rules().swapped(), swap.summary());
          assertTrue(swap.devices().isEmpty(), swap.summary());
          Poll.until(() -> recorder.written.size() > seen + 500, WAIT, "events after " + version);
        }
      } finally {
        producing.set(false);
        producer.join(WAIT.toMillis());
      }
      int total = produced.get();
      Poll.until(() -> recorder.written.size() >= total, WAIT, "every event echoed");
      assertEquals(List.of(), recorder.failures);
      assertEquals(total, recorder.events.size(), "events the gateway took");
      assertEquals(
          recorder.events, recorder.written, "each sequence number exactly once, in order");
      Rule running = gw.rules().get(0);
      assertNotEquals(v1, running.moduleDigest(), "the new module runs");

      // A rule and a device added to the file start; removed again, they stop.
      Files.writeString(
          file,
          config(
              "  - {protocol: push, name: pump}",
              "  - {name: overtemp, wasm: rules/overtemp.wasm}"));
      ReloadReport added = gw.reload().get();
      assertEquals(List.of("push:pump"), added.devices().added(), added.summary());
      assertEquals(List.of("overtemp"), added.rules().added(), added.summary());
      assertEquals(List.of(), added.rules().swapped(), "echo unchanged: " + added.summary());
      assertTrue(names(gw).contains("push:pump"), names(gw).toString());
      assertEquals(List.of("echo", "overtemp"), gw.rules().stream().map(Rule::name).toList());
      // The new device's samples reach the pipeline.
      PushAdapter pump = push.last;
      int before = recorder.events.size();
      pump.push("level", 1);
      tank.push("level", 1);
      Poll.until(() -> recorder.events.size() > before, WAIT, "the pipeline runs on");

      Files.writeString(file, config("", ""));
      ReloadReport removed = gw.reload().get();
      assertEquals(List.of("push:pump"), removed.devices().removed(), removed.summary());
      assertEquals(List.of("overtemp"), removed.rules().removed(), removed.summary());
      assertTrue(pump.closed, "the removed device's adapter was closed");
      assertFalse(names(gw).contains("push:pump"), names(gw).toString());
      assertEquals(List.of("echo"), gw.rules().stream().map(Rule::name).toList());
      assertTrue(gw.failedRules().isEmpty(), gw.failedRules().toString());
      assertSame(running, gw.rules().get(0), "echo kept running untouched throughout");
    }
  }

  private static List<String> names(Gateway gw) {
    return gw.health().stream().map(AdapterHealth::adapter).toList();
  }
}
