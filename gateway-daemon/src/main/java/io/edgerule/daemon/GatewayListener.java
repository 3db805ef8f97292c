package io.edgerule.daemon;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.WriteResult;
import io.edgerule.sandbox.RuleOutcome;
import java.time.Duration;
import java.util.List;

/**
 * Observes the pipeline (the demo's live log, tests, `rule record`). Callbacks run on pipeline
 * threads and must return quickly; an exception thrown by a listener is logged and ignored.
 */
public interface GatewayListener {
  GatewayListener NONE = new GatewayListener() {};

  /** Every event taken from the ingress queue, in sequence order. */
  default void onEvent(PointEvent event) {}

  /** The outcome of one rule batch and how long the sandbox call took. */
  default void onRuleOutcome(
      String rule, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {}

  /** The result of a device write requested by a rule or a command. */
  default void onWriteResult(WriteResult result) {}

  /** A rule that could not be loaded (the others run). */
  default void onRuleLoadFailed(String rule, String error) {}
}
