package io.edgerule.adapter.zigbee;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.zigbee.internal.ZigbeeStack;
import java.util.concurrent.RejectedExecutionException;

/**
 * The state of one coordinator's link to its dongle, read by every part of the adapter (devices,
 * housekeeping, writes) and changed only by {@link CoordinatorLink} (and {@code started} by the
 * adapter's start): one holder, so that the parts need not know each other to ask "is the network
 * up, and on which stack".
 */
final class LinkState {
  private final AdapterContext context;

  /** The stack that is up; null while it is being brought up, after a lost line, or closed. */
  volatile ZigbeeStack stack;

  /** The stack being brought up; its nodes and frames are ours already. */
  volatile ZigbeeStack starting;

  volatile boolean online;
  volatile boolean bringingUp;
  volatile boolean started;
  volatile boolean closed;
  volatile String lastError = "";

  LinkState(AdapterContext context) {
    this.context = context;
  }

  /** The stack that is up, else the one coming up (its restored nodes arrive during bring-up). */
  ZigbeeStack stackOrStarting() {
    ZigbeeStack s = stack;
    return s != null ? s : starting;
  }

  String offlineReason() {
    return "coordinator offline" + (lastError.isEmpty() ? "" : ": " + lastError);
  }

  /** Runs {@code task} on the blocking pool unless closed; dropped when the daemon shuts down. */
  void runBlocking(Runnable task) {
    if (closed) {
      return;
    }
    try {
      context.blockingIo().execute(task);
    } catch (RejectedExecutionException e) {
      // the daemon is shutting down
    }
  }
}
