package io.edgerule.sandbox.internal;

import io.edgerule.sandbox.FailureKind;
import io.edgerule.sandbox.RuleAction;
import java.util.ArrayList;
import java.util.List;

/**
 * The actions of the call in progress. They leave only through {@link #commit} after the rule
 * returned normally; a failed call {@link #discard}s them. Enforces the per-batch limits.
 */
public final class ActionStage {
  private final int maxActions;
  private final int maxBytes;
  private final List<RuleAction> actions = new ArrayList<>();
  private long bytes;

  public ActionStage(int maxActions, int maxBytes) {
    this.maxActions = maxActions;
    this.maxBytes = maxBytes;
  }

  /**
   * Stages an action that carries {@code size} bytes of names and payload.
   *
   * @throws RuleAbort LIMIT if the batch would exceed its action or byte limit
   */
  public void add(RuleAction action, int size) {
    if (actions.size() >= maxActions) {
      throw new RuleAbort(
          FailureKind.LIMIT,
          "more than " + maxActions + " actions in one call (limits.max_actions)");
    }
    if (bytes + size > maxBytes) {
      throw tooManyBytes();
    }
    actions.add(action);
    bytes += size;
  }

  /** Fails early, before the host copies a payload that cannot fit anyway. */
  public void checkFits(long size) {
    if (bytes + size > maxBytes) {
      throw tooManyBytes();
    }
  }

  private RuleAbort tooManyBytes() {
    return new RuleAbort(
        FailureKind.LIMIT,
        "more than " + maxBytes + " bytes of actions in one call (limits.max_action_bytes)");
  }

  public List<RuleAction> commit() {
    List<RuleAction> out = List.copyOf(actions);
    discard();
    return out;
  }

  public void discard() {
    actions.clear();
    bytes = 0;
  }
}
