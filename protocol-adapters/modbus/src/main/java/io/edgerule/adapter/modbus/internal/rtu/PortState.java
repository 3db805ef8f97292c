package io.edgerule.adapter.modbus.internal.rtu;

import io.edgerule.adapter.AdapterHealth;
import java.time.Duration;

/**
 * Whether an {@link RtuBus}'s port is open, why not, and when it last failed. Written by the bus
 * thread (which opens the port and sees it fail) and read by the units' pollers and health checks,
 * hence volatile.
 */
final class PortState {
  private volatile boolean open;
  private volatile String lastError = "";
  private volatile boolean everOpened;
  private volatile long lastFailure;
  private volatile boolean failedBefore;

  boolean isOpen() {
    return open;
  }

  /** Why the port is not open ("" while it is, and before the first attempt). */
  String lastError() {
    return lastError;
  }

  /**
   * The port opened.
   *
   * @return whether it had been open before (this is a reconnect)
   */
  boolean opened() {
    boolean reopened = everOpened;
    everOpened = true;
    lastError = "";
    open = true;
    return reopened;
  }

  /**
   * Opening the port failed, or the open port was lost, for {@code reason}. The caller marks it
   * closed after this: a unit's poller that sees the port closed reads {@link #lastError()} for its
   * BAD quality, and must read the reason, not the empty error of the port that was open.
   */
  void failed(String reason) {
    lastError = reason;
    lastFailure = System.nanoTime();
    failedBefore = true;
  }

  void closed() {
    open = false;
  }

  /**
   * Whether the port failed less than {@code window} ago (a new attempt would share that failure).
   */
  boolean failedWithin(Duration window) {
    return failedBefore && System.nanoTime() - lastFailure < window.toNanos();
  }

  /**
   * The bus's health while the bus is not closed: UP, DOWN once it failed or was lost, STARTING.
   */
  AdapterHealth.State health() {
    return open
        ? AdapterHealth.State.UP
        : everOpened || failedBefore ? AdapterHealth.State.DOWN : AdapterHealth.State.STARTING;
  }
}
