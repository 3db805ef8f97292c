package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.modbus.ModbusPointConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One device's read cycles: the plan (the reads of one cycle), whether a cycle runs and which of
 * its reads still wait for their turn, whether another cycle was asked for meanwhile (an overrun),
 * and whether the running one is an integrity report. Changed only by one poller's serial tasks;
 * {@link #plan} is read from any thread.
 */
final class ReadCycle {
  private final IntegrityClock integrity;
  private volatile List<ReadBlock> plan;
  private final Deque<ReadBlock> waiting = new ArrayDeque<>();
  private boolean running;
  private boolean again;
  private boolean integrityDue;
  private long start;

  ReadCycle(List<ReadBlock> plan, IntegrityClock integrity) {
    this.plan = List.copyOf(plan);
    this.integrity = integrity;
  }

  /** The reads of one cycle as planned now (it changes when a coalesced read is split). */
  List<ReadBlock> plan() {
    return plan;
  }

  boolean running() {
    return running;
  }

  /** Starts a cycle at {@code now} (the poll timer's scale): every read of the plan waits. */
  void begin(long now) {
    running = true;
    start = now;
    integrityDue = integrity.dueForCycle(now);
    waiting.addAll(plan);
  }

  /** A tick came while the cycle runs: another starts when it ends. */
  void askAgain() {
    again = true;
  }

  /** Whether what is read now is an integrity report: every point reported. */
  boolean integrity() {
    return integrityDue && running;
  }

  /**
   * An integrity report outside a cycle (every point BAD while disconnected) when one is due at
   * {@code now}.
   */
  boolean integrityOutsideCycle(long now) {
    return integrity.takeIfDue(now);
  }

  /**
   * The running cycle's reads are done.
   *
   * @return whether another cycle was asked for meanwhile: it should start now
   */
  boolean end() {
    running = false;
    integrity.cycleEnded(start, integrityDue);
    integrityDue = false;
    boolean next = again;
    again = false;
    return next;
  }

  /** The next read waiting, or null. */
  ReadBlock next() {
    return waiting.poll();
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** The connection is gone: no cycle runs, no read waits, none is asked for. */
  void abandon() {
    waiting.clear();
    running = false;
    again = false;
  }

  /**
   * Reads {@code block}'s points one by one from now on, instead of {@code block}: in the plan, and
   * first among the waiting reads.
   *
   * @return the single reads
   */
  List<ReadBlock> split(ReadBlock block) {
    List<ReadBlock> singles = ReadPlanner.single(block);
    List<ReadBlock> newPlan = new ArrayList<>();
    for (ReadBlock b : plan) {
      if (b.equals(block)) {
        newPlan.addAll(singles);
      } else {
        newPlan.add(b);
      }
    }
    plan = List.copyOf(newPlan);
    waiting.removeIf(block::equals); // e.g. queued again by a write's read-back
    for (int i = singles.size() - 1; i >= 0; i--) {
      waiting.addFirst(singles.get(i));
    }
    return singles;
  }

  /** Queues the read holding {@code point} first, unless it is waiting already. */
  void readBack(ModbusPointConfig point) {
    for (ReadBlock b : plan) {
      if (b.points().contains(point) && !waiting.contains(b)) {
        waiting.addFirst(b);
        return;
      }
    }
  }
}
