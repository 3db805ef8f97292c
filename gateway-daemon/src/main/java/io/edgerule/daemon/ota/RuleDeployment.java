package io.edgerule.daemon.ota;

import io.edgerule.daemon.cli.SelfTestVectors;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.ota.device.DeployException;
import io.edgerule.ota.device.DeployPort;
import io.edgerule.ota.device.DeployResult;
import io.edgerule.ota.device.RuleHealth;
import io.edgerule.ota.device.RuleModule;
import io.edgerule.ota.device.SlotImage;
import io.edgerule.ota.device.SlotImages;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.ShadowReport;
import io.edgerule.sandbox.ShadowRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's side of the OTA deploy port: adds, replaces and removes rules between batches.
 * Deploys run one after another on the lent deploy thread; each new version is loaded (validated,
 * compiled, initialised) while the old one keeps running, then every switch happens on its rule's
 * own turn, between two batches, like {@code Gateway.swapRule}: state handed over, no event lost or
 * seen by both versions. The caller never waits.
 */
public final class RuleDeployment implements DeployPort {
  private static final Logger log = LoggerFactory.getLogger(RuleDeployment.class);

  private final RuleTable table;
  private final HealthCounters health;
  private final Executor deployThread;
  private final boolean selfTests;
  private CompletableFuture<?> last = CompletableFuture.completedFuture(null); // guarded by this

  /** One rule ready to switch to; {@code slot} is the loaded version's, null for a new rule. */
  private record Prepared(String name, Rule rule, RuleSlot slot) {}

  public RuleDeployment(RuleTable table, HealthCounters health, Executor deployThread) {
    this(table, health, deployThread, true);
  }

  /**
   * @param selfTests run the images' self-test vectors ({@code ota.self_test}); false: every image
   *     passes the self-test phase
   */
  public RuleDeployment(
      RuleTable table, HealthCounters health, Executor deployThread, boolean selfTests) {
    this.table = table;
    this.health = health;
    this.deployThread = deployThread;
    this.selfTests = selfTests;
  }

  /**
   * Loads an image's rules into an empty gateway at start, on the caller's thread. A rule that
   * cannot be loaded is reported (the trial's health gate sees it missing) and the others run.
   */
  public void loadAtStart(SlotImage image) {
    Map<String, String> failed = new LinkedHashMap<>();
    for (RuleModule m : image.modules()) {
      try {
        RuleManifest manifest = manifest(image, m);
        table.add(table.newSlot(table.engine().load(m.rule(), m.wasm(), manifest)));
        log.info("rule '{}' loaded from image {}", m.rule(), image.id());
      } catch (RuntimeException e) {
        failed.put(m.rule(), e.getMessage());
        log.error("rule '{}' of image {} not loaded: {}", m.rule(), image.id(), e.getMessage());
      }
    }
    table.setFailed(failed);
  }

  @Override
  public CompletionStage<DeployResult> deploy(SlotImage image) {
    return enqueue(() -> switchTo(prepareImage(image), Map.of()));
  }

  @Override
  public CompletionStage<DeployResult> deployConfigured() {
    return enqueue(
        () -> {
          Map<String, String> failed = new LinkedHashMap<>();
          return switchTo(prepareConfigured(failed), failed);
        });
  }

  private synchronized <T> CompletionStage<T> enqueue(Supplier<CompletionStage<T>> work) {
    CompletableFuture<T> next =
        last.handle((x, e) -> null).thenComposeAsync(v -> work.get(), deployThread);
    last = next;
    return next;
  }

  private Map<String, RuleSlot> loaded() {
    Map<String, RuleSlot> out = new LinkedHashMap<>();
    for (RuleSlot s : table.slots()) {
      out.put(s.name(), s);
    }
    return out;
  }

  private static RuleManifest manifest(SlotImage image, RuleModule m) {
    String source = "image " + image.id().name() + " " + image.id().version() + ": " + m.rule();
    RuleManifest manifest =
        RuleManifest.parse(new String(m.manifest(), StandardCharsets.UTF_8), source + ".yaml");
    if (!manifest.name().equals(m.rule())) {
      throw new IllegalArgumentException(
          source + ".yaml: the manifest is for rule '" + manifest.name() + "'");
    }
    return manifest;
  }

  /** Loads every rule of the image; all or nothing. */
  private List<Prepared> prepareImage(SlotImage image) {
    Map<String, RuleSlot> loaded = loaded();
    RuleEngine engine = table.engine();
    List<Prepared> ready = new ArrayList<>();
    for (RuleModule m : image.modules()) {
      try {
        RuleManifest manifest = manifest(image, m);
        RuleSlot s = loaded.get(m.rule());
        Rule r =
            s == null
                ? engine.load(m.rule(), m.wasm(), manifest)
                : engine.prepareSwap(s.rule(), m.wasm(), manifest.sourceName(), manifest);
        ready.add(new Prepared(m.rule(), r, s));
      } catch (RuntimeException e) {
        ready.forEach(p -> engine.unload(p.rule()));
        throw new DeployException(
            "image " + image.id() + ": rule '" + m.rule() + "' cannot be loaded: " + e.getMessage(),
            e);
      }
    }
    return ready;
  }

  /** Loads what the config names and can be loaded, as a start does. */
  private List<Prepared> prepareConfigured(Map<String, String> failed) {
    Map<String, RuleSlot> loaded = loaded();
    RuleEngine engine = table.engine();
    List<Prepared> ready = new ArrayList<>();
    for (RuleConfig rc : table.configured()) {
      if (!rc.enabled()) {
        continue;
      }
      try {
        RuleManifest manifest = RuleManifest.load(rc.manifest());
        RuleSlot s = loaded.get(rc.name());
        Rule r =
            s == null
                ? engine.load(rc.name(), rc.wasm(), manifest)
                : engine.prepareSwap(
                    s.rule(), Files.readAllBytes(rc.wasm()), rc.wasm().toString(), manifest);
        ready.add(new Prepared(rc.name(), r, s));
      } catch (IOException | RuntimeException e) {
        failed.put(rc.name(), e.getMessage());
        log.error("rule '{}' not loaded: {}", rc.name(), e.getMessage());
      }
    }
    return ready;
  }

  private CompletionStage<DeployResult> switchTo(List<Prepared> ready, Map<String, String> failed) {
    RuleEngine engine = table.engine();
    List<String> added = new ArrayList<>();
    List<String> replaced = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<CompletableFuture<?>> switches = new ArrayList<>();
    Map<String, RuleSlot> loaded = loaded();
    for (Prepared p : ready) {
      loaded.remove(p.name());
      if (p.slot() == null) {
        table.add(table.newSlot(p.rule()));
        added.add(p.name());
        continue;
      }
      replaced.add(p.name());
      CompletableFuture<Void> done = new CompletableFuture<>();
      switches.add(done);
      RuleSlot s = p.slot();
      s.runBetweenBatches(
          () -> {
            try {
              dropShadow(s);
              engine.completeSwap(s.rule(), p.rule());
              s.switchTo(p.rule());
              table.rerouted(s);
              done.complete(null);
            } catch (RuntimeException e) {
              engine.unload(p.rule());
              done.completeExceptionally(
                  new DeployException(
                      "rule '" + p.name() + "' kept its old version: " + e.getMessage(), e));
            }
          });
    }
    for (RuleSlot s : loaded.values()) {
      table.remove(s);
      removed.add(s.name());
      CompletableFuture<Void> done = new CompletableFuture<>();
      switches.add(done);
      retire(s, done);
    }
    table.setFailed(failed);
    return CompletableFuture.allOf(switches.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              log.info("deployed: added {}, replaced {}, removed {}", added, replaced, removed);
              return new DeployResult(added, replaced, removed, failed);
            });
  }

  /**
   * Unloads a rule no longer routed once its queued events are processed: a turn that finds its
   * inbox empty lets its own batch (taken before the check) run, and the next turn unloads it.
   */
  private void retire(RuleSlot s, CompletableFuture<Void> done) {
    s.runBetweenBatches(
        () -> {
          if (s.queued() > 0) {
            retire(s, done);
            return;
          }
          s.runBetweenBatches(
              () -> {
                dropShadow(s);
                table.engine().unload(s.rule());
                done.complete(null);
              });
        });
  }

  private void dropShadow(RuleSlot s) {
    ShadowRun shadow = s.shadow();
    if (shadow != null) {
      s.setShadow(null);
      table.engine().unload(shadow.candidate());
    }
  }

  @Override
  public CompletionStage<List<String>> selfTest(SlotImage image) {
    if (!selfTests) {
      log.info("self-test of image {} skipped (ota.self_test: false)", image.id());
      return CompletableFuture.completedFuture(List.of());
    }
    return enqueue(
        () -> {
          List<String> failures = new ArrayList<>();
          for (RuleModule m : image.modules()) {
            byte[] events = image.extras().get(SlotImages.selfTestEvents(m.rule()));
            byte[] expected = image.extras().get(SlotImages.selfTestExpected(m.rule()));
            if (events == null || expected == null) {
              continue;
            }
            try {
              SelfTestVectors.check(
                      "rule '" + m.rule() + "' self-test",
                      m.wasm(),
                      manifest(image, m),
                      events,
                      expected)
                  .ifPresent(failures::add);
            } catch (RuntimeException e) {
              failures.add("rule '" + m.rule() + "' self-test: " + e.getMessage());
            }
          }
          return CompletableFuture.completedFuture(List.copyOf(failures));
        });
  }

  @Override
  public CompletionStage<Collection<String>> startShadow(SlotImage image) {
    return enqueue(
        () -> {
          Map<String, RuleSlot> loaded = loaded();
          RuleEngine engine = table.engine();
          List<String> names = new ArrayList<>();
          List<CompletableFuture<?>> started = new ArrayList<>();
          for (RuleModule m : image.modules()) {
            RuleSlot s = loaded.get(m.rule());
            if (s == null) {
              continue;
            }
            RuleManifest manifest = manifest(image, m);
            Rule candidate = engine.loadShadow(s.rule(), m.wasm(), manifest.sourceName(), manifest);
            CompletableFuture<Void> done = new CompletableFuture<>();
            started.add(done);
            names.add(m.rule());
            s.runBetweenBatches(
                () -> {
                  dropShadow(s);
                  s.setShadow(new ShadowRun(engine, candidate));
                  done.complete(null);
                });
          }
          return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
              .thenApply(v -> List.copyOf(names));
        });
  }

  @Override
  public CompletionStage<Map<String, ShadowReport>> stopShadow() {
    return enqueue(
        () -> {
          Map<String, ShadowReport> reports = new java.util.concurrent.ConcurrentHashMap<>();
          List<CompletableFuture<?>> stopped = new ArrayList<>();
          for (RuleSlot s : table.slots()) {
            if (s.shadow() == null) {
              continue;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            stopped.add(done);
            s.runBetweenBatches(
                () -> {
                  ShadowRun run = s.shadow();
                  if (run != null) {
                    reports.put(s.name(), run.report());
                    dropShadow(s);
                  }
                  done.complete(null);
                });
          }
          return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
              .thenApply(v -> Map.copyOf(reports));
        });
  }

  @Override
  public Map<String, ShadowReport> shadowReports() {
    Map<String, ShadowReport> out = new LinkedHashMap<>();
    for (RuleSlot s : table.slots()) {
      ShadowRun run = s.shadow();
      if (run != null) {
        out.put(s.name(), run.report());
      }
    }
    return out;
  }

  @Override
  public RuleHealth health(Collection<String> rules) {
    return health.sample(rules, table.slots());
  }
}
