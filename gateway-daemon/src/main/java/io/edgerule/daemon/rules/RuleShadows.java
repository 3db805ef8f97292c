package io.edgerule.daemon.rules;

import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.ShadowReport;
import io.edgerule.sandbox.ShadowRun;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Shadow runs of the loaded rules: a candidate version runs beside the active one on the same
 * batches and ticks, its actions compared, never executed. Changes are made between two of the
 * rule's batches.
 */
public final class RuleShadows {
  private final RuleSupervisor rules;

  public RuleShadows(RuleSupervisor rules) {
    this.rules = rules;
  }

  /**
   * Runs {@code wasm} as a shadow candidate beside the active rule: same batches and ticks, its
   * actions compared and reported ({@link #shadowReport}), never executed; its state is a private
   * copy. Replaces a running shadow of the same rule.
   */
  public void startShadow(String name, byte[] wasm, RuleManifest manifest) {
    RuleSlot s = rules.slot(name);
    Rule candidate = rules.engine().loadShadow(s.rule(), wasm, manifest.sourceName(), manifest);
    CompletableFuture<Long> started = new CompletableFuture<>();
    s.runBetweenBatches(
        () -> {
          ShadowRun old = s.shadow();
          s.setShadow(new ShadowRun(rules.engine(), candidate));
          if (old != null) {
            rules.engine().unload(old.candidate());
          }
          started.complete(0L);
        });
    RuleSupervisor.await(started, "shadow start of rule '" + name + "'");
  }

  /** The running shadow's comparison so far. */
  public Optional<ShadowReport> shadowReport(String name) {
    ShadowRun run = rules.slot(name).shadow();
    return run == null ? Optional.empty() : Optional.of(run.report());
  }

  /** Stops the shadow and returns its final report (empty if none ran). */
  public Optional<ShadowReport> stopShadow(String name) {
    RuleSlot s = rules.slot(name);
    CompletableFuture<ShadowReport> stopped = new CompletableFuture<>();
    s.runBetweenBatches(
        () -> {
          ShadowRun run = s.shadow();
          s.setShadow(null);
          if (run != null) {
            rules.engine().unload(run.candidate());
          }
          stopped.complete(run == null ? null : run.report());
        });
    return Optional.ofNullable(RuleSupervisor.await(stopped, "shadow stop of rule '" + name + "'"));
  }
}
