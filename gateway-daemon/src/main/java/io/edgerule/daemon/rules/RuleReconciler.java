package io.edgerule.daemon.rules;

import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.ShadowRun;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the loaded rules in line with a reloaded config's {@code rules:}: a rule whose module and
 * manifest are byte for byte the same keeps running untouched (its slot, inbox and state); a
 * changed one is hot-swapped between two batches with its state handed over ({@link
 * RuleSupervisor#swap}: no event lost or seen twice); a new or re-enabled one is loaded; a removed
 * or disabled one stops taking events and is unloaded once its queued events are processed.
 */
public final class RuleReconciler {
  private static final Logger log = LoggerFactory.getLogger(RuleReconciler.class);

  private final RuleSupervisor rules;
  // SHA-256 of each running rule's manifest file as it was loaded; the module's is the rule's own.
  private final Map<String, String> manifests = new HashMap<>();

  /** Call after the config's rules were loaded: remembers their manifests as they are now. */
  public RuleReconciler(RuleSupervisor rules) {
    this.rules = rules;
    Map<String, RuleConfig> configured = byName(rules.configured());
    for (RuleSlot s : rules.slots()) {
      RuleConfig rc = configured.get(s.name());
      if (rc != null) {
        try {
          manifests.put(s.name(), sha256(Files.readAllBytes(rc.manifest())));
        } catch (IOException e) {
          // Not readable now: the next reload that can read it swaps the rule, which is harmless.
        }
      }
    }
  }

  /** Applies {@code next}, the new config's rules; see the class comment. */
  public synchronized RuleChanges apply(List<RuleConfig> next) {
    Map<String, RuleConfig> wanted = new LinkedHashMap<>();
    for (RuleConfig rc : next) {
      if (rc.enabled()) {
        wanted.put(rc.name(), rc);
      }
    }
    Map<String, RuleSlot> loaded = new LinkedHashMap<>();
    rules.slots().forEach(s -> loaded.put(s.name(), s));
    List<String> added = new ArrayList<>();
    List<String> swapped = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    List<CompletableFuture<Void>> retiring = new ArrayList<>();
    for (RuleSlot s : loaded.values()) {
      if (!wanted.containsKey(s.name())) {
        rules.remove(s);
        manifests.remove(s.name());
        removed.add(s.name());
        retiring.add(retire(s));
      }
    }
    for (RuleConfig rc : wanted.values()) {
      RuleSlot slot = loaded.get(rc.name());
      try {
        if (slot == null) {
          byte[] manifest = Files.readAllBytes(rc.manifest());
          var loadedSlot = rules.loadOne(rc);
          if (loadedSlot.isPresent()) {
            rules.add(loadedSlot.get());
            manifests.put(rc.name(), sha256(manifest));
            added.add(rc.name());
          } else {
            failed.put(rc.name(), rules.failedRules().get(rc.name()));
          }
          continue;
        }
        byte[] wasm = Files.readAllBytes(rc.wasm());
        byte[] manifestBytes = Files.readAllBytes(rc.manifest());
        String manifestDigest = sha256(manifestBytes);
        if (sha256(wasm).equals(slot.rule().moduleDigest())
            && manifestDigest.equals(manifests.get(rc.name()))) {
          continue; // the same rule: it keeps running untouched
        }
        RuleManifest manifest = RuleManifest.load(rc.manifest());
        rules.swap(rc.name(), wasm, manifest);
        manifests.put(rc.name(), manifestDigest);
        swapped.add(rc.name());
      } catch (IOException e) {
        failed.put(rc.name(), "cannot read " + e.getMessage());
      } catch (RuntimeException e) {
        failed.put(rc.name(), String.valueOf(e.getMessage()));
      }
      if (failed.containsKey(rc.name()) && slot != null) {
        log.error("rule '{}' keeps its running version: {}", rc.name(), failed.get(rc.name()));
      }
    }
    // Only rules the new config names stay listed as failed.
    Map<String, String> stillFailed = new LinkedHashMap<>();
    rules
        .failedRules()
        .forEach(
            (name, why) -> {
              if (wanted.containsKey(name) && !rules.isLoaded(name)) {
                stillFailed.put(name, why);
              }
            });
    failed.forEach(
        (name, why) -> {
          if (!rules.isLoaded(name)) {
            stillFailed.put(name, why);
          }
        });
    rules.setFailed(stillFailed);
    rules.configure(next);
    for (int i = 0; i < retiring.size(); i++) {
      try {
        RuleSupervisor.await(retiring.get(i), "unloading removed rule '" + removed.get(i) + "'");
      } catch (RuntimeException e) {
        // It takes no events any more; it is unloaded when its turn comes.
        log.warn("{}", e.getMessage());
      }
    }
    return new RuleChanges(added, swapped, removed, failed, null);
  }

  /**
   * Unloads a rule no longer routed once its queued events are processed: a turn that finds its
   * inbox empty lets its own batch (taken before the check) run, and the next turn unloads it.
   */
  private CompletableFuture<Void> retire(RuleSlot s) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    retire(s, done);
    return done;
  }

  private void retire(RuleSlot s, CompletableFuture<Void> done) {
    s.runBetweenBatches(
        () -> {
          if (s.queued() > 0) {
            retire(s, done);
            return;
          }
          s.runBetweenBatches(
              () -> {
                ShadowRun shadow = s.shadow();
                if (shadow != null) {
                  s.setShadow(null);
                  rules.engine().unload(shadow.candidate());
                }
                rules.engine().unload(s.rule());
                done.complete(null);
              });
        });
  }

  private static Map<String, RuleConfig> byName(List<RuleConfig> configs) {
    Map<String, RuleConfig> out = new HashMap<>();
    configs.forEach(rc -> out.put(rc.name(), rc));
    return out;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
