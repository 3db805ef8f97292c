package io.edgerule.daemon.namespace.sparkplug;

/**
 * The payload {@code seq} of an edge node: 0 on NBIRTH, then one more for every message of the node
 * and its devices, 255 followed by 0 (Sparkplug B 3.0, "Sequence Number"). Not thread-safe: the
 * namespace numbers under its lock, in the order it hands messages out.
 */
final class SequenceNumbers {
  private int next;

  /** The NBIRTH's number (0); the next message gets 1. */
  long birth() {
    next = 1;
    return 0;
  }

  long next() {
    int n = next;
    next = (next + 1) & 0xFF;
    return n;
  }

  /** Takes back {@code n}, the number last handed out, when its message was not sent. */
  void giveBack(long n) {
    if (((n + 1) & 0xFF) == next) {
      next = (int) n;
    }
  }
}
