package io.edgerule.sandbox.internal;

/**
 * The heap one rule instance may still take at run time: {@code limits.heap_bytes} less what the
 * instance keeps from the start ({@link ModuleCost#retainedBytes}, linear memory counted at its
 * cap). Table growth draws on it, across all of the rule's tables: a rule growing its tables every
 * batch used to drive the JVM into OutOfMemoryError (issue 16, class 4); now {@code table.grow}
 * returns -1 once the budget is spent. Linear memory needs no run-time accounting: it was charged
 * at its cap. Not thread-safe (one call at a time per rule).
 */
public final class HeapBudget {
  private long left;

  public HeapBudget(long bytes) {
    this.left = Math.max(0, bytes);
  }

  /** Takes {@code bytes} if that many are left. */
  boolean take(long bytes) {
    if (bytes < 0 || bytes > left) {
      return false;
    }
    left -= bytes;
    return true;
  }

  public long left() {
    return left;
  }
}
