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

  /** One piece of a bulk operation: {@code n} bytes (at most a {@link #CHUNK}) at {@code done}. */
  @FunctionalInterface
  interface Chunk {
    void apply(int done, int n);
  }

  /**
   * {@code length} bytes of work in chunks, front to back, the deadline checked on entry and before
   * every chunk after the first.
   */
  static void forward(int length, Chunk chunk) {
    checkInterrupt();
    for (int done = 0; done < length; done += CHUNK) {
      if (done > 0) {
        checkInterrupt();
      }
      chunk.apply(done, Math.min(CHUNK, length - done));
    }
  }

  /**
   * A move within one memory in memmove order, as {@link #forward}: a chunk never reads bytes an
   * earlier chunk wrote (front to back when moving down, back to front when moving up).
   */
  static void move(int dest, int src, int length, Chunk chunk) {
    if (dest <= src) {
      forward(length, chunk);
      return;
    }
    checkInterrupt();
    for (int left = length; left > 0; left -= CHUNK) {
      if (left < length) {
        checkInterrupt();
      }
      int n = Math.min(CHUNK, left);
      chunk.apply(left - n, n);
    }
  }

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
