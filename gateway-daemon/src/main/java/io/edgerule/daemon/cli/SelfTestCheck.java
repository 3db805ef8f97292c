package io.edgerule.daemon.cli;

import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleLimits;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.RuleStateStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runs a rule's self-test vectors the way {@code edgerule rule test} does (same engine, default
 * limits, virtual clock from the first event, empty state) and compares the output with the
 * expected lines, so {@code image build} never ships vectors that fail on the build machine.
 */
final class SelfTestCheck {
  private SelfTestCheck() {}

  /**
   * @return why the vectors fail, or empty when the output equals the expected lines
   * @throws IllegalArgumentException when the events cannot be read or the rule does not load
   */
  static Optional<String> mismatch(
      String eventsName, byte[] events, byte[] expected, byte[] wasm, RuleManifest manifest) {
    EventJsonl.Parsed parsed = EventJsonl.parse(events);
    if (!parsed.errors().isEmpty()) {
      EventJsonl.LineError first = parsed.errors().get(0);
      throw new IllegalArgumentException(
          eventsName
              + ":"
              + first.line()
              + ": "
              + first.message()
              + " ("
              + parsed.errors().size()
              + " bad line(s))");
    }
    Instant origin =
        parsed.events().isEmpty() ? Instant.EPOCH : parsed.events().get(0).receiveTime();
    RuleReplay.VirtualClock clock = new RuleReplay.VirtualClock(origin);
    List<String> actual = new ArrayList<>();
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    try (RuleEngine engine =
        new RuleEngine(RuleLimits.defaults(), watchdog, clock, RuleStateStore.inMemory())) {
      Rule rule = engine.load(manifest.name(), wasm, manifest);
      new RuleReplay(engine, rule, clock, origin, manifest.tickPeriod(), actual::add)
          .run(parsed.events(), Optional.empty());
    } finally {
      watchdog.shutdownNow();
    }
    List<String> want =
        new String(expected, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    for (int i = 0; i < Math.max(want.size(), actual.size()); i++) {
      String w = i < want.size() ? want.get(i) : "(nothing)";
      String a = i < actual.size() ? actual.get(i) : "(nothing)";
      if (!w.equals(a)) {
        return Optional.of("expected line " + (i + 1) + " is " + w + " but the rule gives " + a);
      }
    }
    return Optional.empty();
  }
}
