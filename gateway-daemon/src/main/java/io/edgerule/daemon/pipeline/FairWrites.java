package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The writes waiting for one adapter: a bounded queue per origin (a rule, an MQTT client), served
 * round-robin, with at most {@link #IN_FLIGHT} writes handed to the adapter at a time. A rule
 * writing its own coil as fast as it was allowed used to queue writes without bound inside the
 * adapter (1 GB of heap), ahead of everyone else's writes and of the device's reads.
 *
 * <ul>
 *   <li>An origin's queue holds at most {@code capacity} writes ({@code
 *       pipeline.rule_write_queue}); when full, its oldest waiting write is answered REJECTED and
 *       counted against that origin only (fresh setpoints matter more than old ones).
 *   <li>A write waits for at most {@code IN_FLIGHT} writes in the adapter plus one write of each
 *       other origin that has writes waiting.
 *   <li>The adapter never holds more than {@code IN_FLIGHT} writes of the gateway's, so whatever it
 *       queues inside stays small (the Modbus poller also alternates writes with reads).
 * </ul>
 *
 * Every write handed in is answered: by the adapter (whose guard answers TIMEOUT after {@code
 * pipeline.adapter_timeout}), or REJECTED when dropped.
 */
final class FairWrites {
  /** Writes of the gateway's an adapter holds at most at a time. */
  static final int IN_FLIGHT = 4;

  private record Pending(WriteCommand command, CompletableFuture<WriteResult> answer) {}

  private final ProtocolAdapter adapter;
  private final int capacity;
  private final Consumer<WriteCommand> onDropped;
  private final Map<String, ArrayDeque<Pending>> queues = new HashMap<>(); // guarded by this
  private final ArrayDeque<String> turns = new ArrayDeque<>(); // origins with writes waiting
  private int inFlight; // guarded by this
  private int waiting; // guarded by this

  /**
   * @param onDropped told of each write dropped from a full queue (after it was answered)
   */
  FairWrites(ProtocolAdapter adapter, int capacity, Consumer<WriteCommand> onDropped) {
    this.adapter = adapter;
    this.capacity = capacity;
    this.onDropped = onDropped;
  }

  /** Queues the write behind its origin's earlier ones; the stage is its answer. */
  CompletionStage<WriteResult> submit(WriteCommand command) {
    CompletableFuture<WriteResult> answer = new CompletableFuture<>();
    Pending dropped = null;
    Pending send = null;
    synchronized (this) {
      if (inFlight < IN_FLIGHT && waiting == 0) {
        inFlight++;
        send = new Pending(command, answer);
      } else {
        ArrayDeque<Pending> q = queues.get(command.origin());
        if (q == null) {
          q = new ArrayDeque<>();
          queues.put(command.origin(), q);
          turns.addLast(command.origin());
        }
        if (q.size() >= capacity) {
          dropped = q.pollFirst();
          waiting--;
        }
        q.addLast(new Pending(command, answer));
        waiting++;
      }
    }
    if (dropped != null) {
      dropped.answer.complete(
          WriteResult.rejected(
              dropped.command,
              "dropped: "
                  + dropped.command.origin()
                  + " has "
                  + capacity
                  + " writes waiting for "
                  + adapter.name()
                  + " (pipeline.rule_write_queue); a newer write took its place"));
      onDropped.accept(dropped.command);
    }
    if (send != null) {
      send(send);
    }
    return answer;
  }

  /**
   * Hands {@code p} to the adapter in the slot it holds; while answers come at once, goes on with
   * the next waiting write in a loop (not by recursion: a long queue answered synchronously, e.g.
   * all refused, must not overflow the stack).
   */
  private void send(Pending p) {
    while (p != null) {
      CompletableFuture<WriteResult> stage = call(p.command);
      if (!stage.isDone()) {
        Pending mine = p;
        stage.whenComplete(
            (r, e) -> {
              answer(mine, r, e);
              send(next());
            });
        return;
      }
      WriteResult r = null;
      Throwable e = null;
      try {
        r = stage.join();
      } catch (CompletionException ex) { // join() wraps the adapter's own exception: report that
        e = ex.getCause() == null ? ex : ex.getCause();
      } catch (RuntimeException ex) {
        e = ex;
      }
      answer(p, r, e);
      p = next();
    }
  }

  private CompletableFuture<WriteResult> call(WriteCommand command) {
    try {
      CompletionStage<WriteResult> stage = adapter.write(command);
      return stage == null
          ? CompletableFuture.failedFuture(new IllegalStateException("no result (null)"))
          : stage.toCompletableFuture();
    } catch (RuntimeException e) { // the guard never throws; a bare adapter might
      return CompletableFuture.failedFuture(e);
    }
  }

  private static void answer(Pending p, WriteResult r, Throwable e) {
    if (e != null) {
      p.answer.completeExceptionally(e);
    } else {
      p.answer.complete(r);
    }
  }

  /**
   * A slot came free: the next origin in turn gets it for its oldest write (null: nothing waits,
   * the slot is released).
   */
  private Pending next() {
    synchronized (this) {
      String origin = turns.pollFirst();
      if (origin == null) {
        inFlight--;
        return null;
      }
      ArrayDeque<Pending> q = queues.get(origin);
      Pending p = q.pollFirst();
      waiting--;
      if (q.isEmpty()) {
        queues.remove(origin); // an origin with nothing waiting keeps nothing here
      } else {
        turns.addLast(origin);
      }
      return p;
    }
  }

  /** Writes waiting (not yet handed to the adapter), all origins. */
  synchronized int waiting() {
    return waiting;
  }

  /** Writes of {@code origin} waiting. */
  synchronized int waiting(String origin) {
    ArrayDeque<Pending> q = queues.get(origin);
    return q == null ? 0 : q.size();
  }

  /** Writes handed to the adapter and not answered yet. */
  synchronized int inFlight() {
    return inFlight;
  }
}
