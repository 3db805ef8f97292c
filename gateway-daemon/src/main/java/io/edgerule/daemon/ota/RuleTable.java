package io.edgerule.daemon.ota;

import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import java.util.List;
import java.util.Map;

/**
 * The gateway's loaded rules as a deploy changes them (implemented by the Gateway, which owns the
 * routing and the tick timers). Safe to call from any thread.
 */
public interface RuleTable {
  /** The loaded rules' slots. */
  List<RuleSlot> slots();

  /** A slot for a freshly loaded rule, not yet routed. */
  RuleSlot newSlot(Rule rule);

  /** Routes events to the slot from now on and starts its ticks. */
  void add(RuleSlot slot);

  /** Stops routing events to the slot and cancels its ticks (it may still hold queued events). */
  void remove(RuleSlot slot);

  /** After a swap in the slot: routing and ticks follow the new version's manifest. */
  void rerouted(RuleSlot slot);

  /** Replaces the list of rules that failed to load (shown on the state topic). */
  void setFailed(Map<String, String> failed);

  RuleEngine engine();

  /** The rules the config names. */
  List<RuleConfig> configured();
}
