package io.edgerule.sandbox.internal;

import io.edgerule.sandbox.FailureKind;

/**
 * Thrown by a host function to end the rule's call with a failure (a limit, a denied emit, an ABI
 * violation). Chicory lets host exceptions through unwrapped; the engine turns this one into {@code
 * Failed(kind, message)}. No stack trace: it is control flow, and it can be frequent.
 */
public final class RuleAbort extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final FailureKind kind;

  public RuleAbort(FailureKind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public FailureKind kind() {
    return kind;
  }
}
