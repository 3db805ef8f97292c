package io.edgerule.sandbox.internal;

import io.edgerule.sandbox.RuleFault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Counts a rule's faults in a sliding window and keeps the most recent ones. Thread-safe. */
public final class FaultWindow {
  /** How many faults a rule remembers for health reports. */
  public static final int HISTORY = 16;

  private final int threshold;
  private final Duration window;
  private final Deque<Instant> inWindow = new ArrayDeque<>();
  private final Deque<RuleFault> recent = new ArrayDeque<>();
  private long total;

  public FaultWindow(int threshold, Duration window) {
    this.threshold = threshold;
    this.window = window;
  }

  /**
   * Records a fault.
   *
   * @return true if this fault brings the count within the window to the threshold
   */
  public synchronized boolean record(RuleFault fault) {
    total++;
    recent.addLast(fault);
    if (recent.size() > HISTORY) {
      recent.removeFirst();
    }
    inWindow.addLast(fault.at());
    Instant horizon = fault.at().minus(window);
    while (!inWindow.isEmpty() && inWindow.peekFirst().isBefore(horizon)) {
      inWindow.removeFirst();
    }
    return inWindow.size() >= threshold;
  }

  /** Forgets the faults in the window (re-admission); history and total stay. */
  public synchronized void reset() {
    inWindow.clear();
  }

  public synchronized List<RuleFault> recent() {
    return List.copyOf(recent);
  }

  public synchronized long total() {
    return total;
  }

  public synchronized int inWindow() {
    return inWindow.size();
  }
}
