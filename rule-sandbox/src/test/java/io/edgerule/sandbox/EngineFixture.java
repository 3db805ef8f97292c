package io.edgerule.sandbox;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A RuleEngine per test with its own watchdog scheduler, closed after the test. */
abstract class EngineFixture {
  protected ScheduledExecutorService scheduler;
  protected RuleEngine engine;

  @BeforeEach
  void startEngine() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "rule-watchdog");
              t.setDaemon(true);
              return t;
            });
    engine = new RuleEngine(hostCaps(), scheduler, clock());
  }

  protected Clock clock() {
    return Clock.systemUTC();
  }

  /** The gateway's ceiling for every rule's limits. */
  protected RuleLimits hostCaps() {
    return RuleLimits.defaults();
  }

  @AfterEach
  void stopEngine() throws InterruptedException {
    engine.close();
    scheduler.shutdownNow();
    scheduler.awaitTermination(5, TimeUnit.SECONDS);
  }

  static RuleManifest manifest(String yaml) {
    return RuleManifest.parse(yaml, "test.yaml");
  }

  /** A manifest for rule "t" subscribing to tank/#, with extra YAML lines appended. */
  static RuleManifest named(String name, String... lines) {
    return manifest("name: " + name + "\ninputs: ['tank/#']\n" + String.join("\n", lines) + "\n");
  }

  Rule load(byte[] wasm, RuleManifest manifest) {
    return engine.load(manifest.name(), wasm, manifest);
  }
}
