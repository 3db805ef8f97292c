package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.AdapterHealth;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A device's health as its reads show it: UP when every read answered at its latest attempt since
 * the connection was made, DOWN when none did, DEGRADED in between, and the last error. Changed
 * only by one poller's serial tasks; read by {@code health()} from any thread.
 */
final class ReadHealth {
  /**
   * Whether each read's latest attempt since the connection was made got an answer. Keyed by
   * identity: every block read is an instance of the plan, and a record's hashCode hashed all its
   * point configs at every response (most of the adapter thread's time with 100 points a read).
   */
  private final Map<ReadBlock, Boolean> answered = new IdentityHashMap<>();

  private volatile AdapterHealth.State state = AdapterHealth.State.STARTING;
  private volatile String lastError = "";

  AdapterHealth.State state() {
    return state;
  }

  String lastError() {
    return lastError;
  }

  /** A new connection: health follows its first answers (or failures). */
  void connected() {
    answered.clear();
  }

  void answered(ReadBlock block) {
    answered.put(block, true);
    update();
  }

  void failed(ReadBlock block, String error) {
    answered.put(block, false);
    lastError = error;
    update();
  }

  /** The block is no longer read (split into single reads). */
  void forget(ReadBlock block) {
    answered.remove(block);
  }

  /** No connection: {@code reason} says why. */
  void down(String reason) {
    lastError = reason;
    state = AdapterHealth.State.DOWN;
  }

  void stopped() {
    state = AdapterHealth.State.STOPPED;
  }

  /**
   * Why a write cannot go out now, said once: before the first connection there is no error to
   * quote (it said "device not connected: not connected"), and a link's own "not connected" adds
   * nothing.
   */
  String notConnected(String endpoint) {
    String error = lastError;
    if (error.isEmpty()) {
      return "device not connected yet (connecting to " + endpoint + ")";
    }
    if (error.equals("not connected")) {
      return "device not connected (connecting to " + endpoint + " again)";
    }
    return "device not connected: " + error;
  }

  /** Unchanged until the first answer or failure on a new connection. */
  private void update() {
    long ok = answered.values().stream().filter(a -> a).count();
    long failed = answered.size() - ok;
    if (failed == 0 && ok > 0) {
      state = AdapterHealth.State.UP;
      lastError = "";
    } else if (failed > 0) {
      state = ok > 0 ? AdapterHealth.State.DEGRADED : AdapterHealth.State.DOWN;
    }
  }
}
