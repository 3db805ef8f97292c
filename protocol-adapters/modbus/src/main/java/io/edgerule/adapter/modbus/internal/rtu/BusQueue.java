package io.edgerule.adapter.modbus.internal.rtu;

import io.edgerule.adapter.modbus.internal.rtu.BusJob.OpenJob;
import io.edgerule.adapter.modbus.internal.rtu.BusJob.RequestJob;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The jobs waiting for an {@link RtuBus}'s thread, in the order they go on the wire: an open of the
 * port before anything, then writes, then reads, each first come, first served. A write goes before
 * waiting reads: a rule switching a pump off should not wait behind a meter's reads (that writes
 * cannot stop the polling is the pollers' part: each alternates its writes with its waiting reads).
 *
 * <p>Not thread-safe: the bus guards it with its lock.
 */
final class BusQueue {
  private final Deque<BusJob> urgent = new ArrayDeque<>();
  private final Deque<BusJob> normal = new ArrayDeque<>();

  void addOpen(OpenJob job) {
    urgent.addFirst(job);
  }

  void addRequest(RequestJob job, boolean write) {
    (write ? urgent : normal).addLast(job);
  }

  boolean isEmpty() {
    return urgent.isEmpty() && normal.isEmpty();
  }

  /** The next job, or null when none waits. */
  BusJob poll() {
    return urgent.isEmpty() ? normal.poll() : urgent.poll();
  }

  /** Takes every waiting job out, in order. */
  List<BusJob> takeAll() {
    List<BusJob> all = new ArrayList<>(urgent);
    all.addAll(normal);
    urgent.clear();
    normal.clear();
    return all;
  }
}
