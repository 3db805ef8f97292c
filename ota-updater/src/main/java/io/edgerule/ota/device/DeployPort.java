package io.edgerule.ota.device;

import io.edgerule.sandbox.ShadowReport;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What the updater needs from the gateway that runs the rules: implemented by the daemon, which
 * this module never depends on. No method blocks its caller: each returns at once and completes
 * when the work is done on the gateway's own threads (the caller may be an MQTT callback thread).
 *
 * <p>Deploys take a {@link SlotImage}, the content of a slot as read back from the {@link
 * ImageStore}: what runs after a deploy is exactly what the gateway loads from the active slot
 * after a restart.
 */
public interface DeployPort {
  /**
   * Makes the image's rules the gateway's rules: rules it names that are loaded are replaced (state
   * handed over, no event lost or seen by both versions), new ones are added, loaded rules it does
   * not name are removed (after their queued events). Every new version is loaded first: if one
   * cannot be, the stage completes exceptionally with a {@link DeployException} naming it and
   * nothing has changed.
   */
  CompletionStage<DeployResult> deploy(SlotImage image);

  /** As {@link #deploy}, back to the rules the gateway's config names (no image committed). */
  CompletionStage<DeployResult> deployConfigured();

  /**
   * Runs the self-test vectors the image carries ({@link SlotImages#selfTestEvents}) for each rule
   * in a sandbox of its own, as {@code edgerule rule test} does, and compares the output with the
   * expected lines. Nothing of the running gateway is touched.
   *
   * @return what failed, one line per rule that did not pass (empty: passed, or no vectors)
   */
  CompletionStage<List<String>> selfTest(SlotImage image);

  /**
   * Runs the image's versions of already loaded rules in shadow mode beside them (their actions
   * compared, never executed); rules the image adds have nothing to be compared with and are not
   * shadowed. Replaces running shadows.
   *
   * @return the rules now shadowed
   */
  CompletionStage<Collection<String>> startShadow(SlotImage image);

  /** Stops every shadow and returns their final reports by rule. */
  CompletionStage<Map<String, ShadowReport>> stopShadow();

  /** The running shadows' reports so far, by rule. */
  Map<String, ShadowReport> shadowReports();

  /** Counters of the named loaded rules, for the trial's health gate. */
  RuleHealth health(Collection<String> rules);
}
