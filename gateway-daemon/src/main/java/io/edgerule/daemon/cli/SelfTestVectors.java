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
 * Runs a rule's self-test vectors exactly as {@code edgerule rule test} runs a recording (same
 * engine limits, virtual clock from the first event, fresh in-memory state) and compares the output
 * lines with the expected ones: the OTA trial's first step.
 */
public final class SelfTestVectors {
  private SelfTestVectors() {}

  /**
   * @return empty if the rule printed exactly the expected lines; else what differs, naming {@code
   *     where}
   */
  public static Optional<String> check(
      String where, byte[] wasm, RuleManifest manifest, byte[] eventsJsonl, byte[] expectedJsonl) {
    EventJsonl.Parsed parsed = EventJsonl.parse(eventsJsonl);
    if (!parsed.errors().isEmpty()) {
      EventJsonl.LineError e = parsed.errors().get(0);
      return Optional.of(where + " events line " + e.line() + ": " + e.message());
    }
    Instant origin =
        parsed.events().isEmpty() ? Instant.EPOCH : parsed.events().get(0).receiveTime();
    RuleReplay.VirtualClock clock = new RuleReplay.VirtualClock(origin);
    List<String> out = new ArrayList<>();
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    try (RuleEngine engine =
        new RuleEngine(RuleLimits.defaults(), watchdog, clock, RuleStateStore.inMemory())) {
      Rule rule;
      try {
        rule = engine.load(manifest.name(), wasm, manifest);
      } catch (RuntimeException e) {
        return Optional.of(where + ": does not load: " + e.getMessage());
      }
      new RuleReplay(engine, rule, clock, origin, manifest.tickPeriod(), out::add)
          .run(parsed.events(), Optional.empty());
    } finally {
      watchdog.shutdownNow();
    }
    List<String> expected =
        new String(expectedJsonl, StandardCharsets.UTF_8)
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .toList();
    for (int i = 0; i < Math.max(out.size(), expected.size()); i++) {
      String want = i < expected.size() ? expected.get(i) : "(nothing)";
      String got = i < out.size() ? out.get(i) : "(nothing)";
      if (!want.equals(got)) {
        return Optional.of(
            where + " output line " + (i + 1) + ": expected " + want + ", got " + got);
      }
    }
    return Optional.empty();
  }
}
