package io.edgerule.sandbox.internal;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;

/**
 * Keeps the deadline for instructions that do unbounded work without a back edge: {@code
 * memory.fill}, {@code memory.copy}, {@code memory.init}, {@code memory.grow} and the table
 * instructions. Chicory's compiled code checks for interruption only on backward branches and
 * calls, so one straight-line function of thousands of {@code memory.fill}s over a large memory ran
 * for seconds past a 100 ms deadline. Every such instruction checks on entry and again after every
 * {@link #CHUNK} bytes, so the work between two checks is bounded by one chunk.
 */
final class BulkWork {
  /**
   * Bytes moved between two checks: 64 KiB, a few microseconds of {@code memset} or {@code
   * memmove}; the check itself (a thread-field load) is noise against it.
   */
  static final int CHUNK = 64 * 1024;

  private BulkWork() {}

  /**
   * Stops the rule if its thread was interrupted (the watchdog's deadline or the host's shutdown),
   * with the same exception Chicory's own checks throw, so the call is classified the same way.
   */
  static void checkInterrupt() {
    if (Thread.currentThread().isInterrupted()) {
      throw new ChicoryInterruptedException("Thread interrupted");
    }
  }
}
