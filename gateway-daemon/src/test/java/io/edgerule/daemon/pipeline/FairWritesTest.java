package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class FairWritesTest {
  private static final PointId P = PointId.parse("dev/p");

  /** Holds every write until the test answers it, or answers at once. */
  private static final class Held implements ProtocolAdapter {
    final List<WriteCommand> got = new ArrayList<>();
    final List<CompletableFuture<WriteResult>> open = new ArrayList<>();
    boolean answerAtOnce;

    @Override
    public String name() {
      return "held";
    }

    @Override
    public List<PointInfo> points() {
      return List.of();
    }

    @Override
    public CompletionStage<Void> start(EventSink sink) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<WriteResult> write(WriteCommand command) {
      got.add(command);
      if (answerAtOnce) {
        return CompletableFuture.completedFuture(WriteResult.ok(command));
      }
      CompletableFuture<WriteResult> f = new CompletableFuture<>();
      open.add(f);
      return f;
    }

    void answerOldest() {
      CompletableFuture<WriteResult> f;
      WriteCommand c;
      synchronized (this) {
        f = open.remove(0);
        c = got.get(got.size() - open.size() - 1);
      }
      f.complete(WriteResult.ok(c));
    }

    @Override
    public AdapterHealth health() {
      return new AdapterHealth("held", AdapterHealth.State.UP, List.of());
    }

    @Override
    public void close() {}
  }

  private static WriteCommand w(String origin, long v) {
    return new WriteCommand(P, PointValue.of(v), origin);
  }

  @Test
  void originsTakeTurnsAndAFullQueueDropsItsOwnOldestWrite() {
    Held dev = new Held();
    List<WriteCommand> dropped = new ArrayList<>();
    FairWrites q = new FairWrites(dev, 3, dropped::add);
    for (int i = 0; i < FairWrites.IN_FLIGHT; i++) {
      q.submit(w("rule:a", i));
    }
    assertEquals(FairWrites.IN_FLIGHT, dev.got.size(), "the first writes go straight through");
    List<CompletionStage<WriteResult>> flood = new ArrayList<>();
    for (int i = 10; i < 15; i++) {
      flood.add(q.submit(w("rule:a", i)));
    }
    CompletionStage<WriteResult> good = q.submit(w("rule:b", 99));
    assertEquals(List.of(10L, 11L), values(dropped), "a's two oldest waiting writes made room");
    assertEquals(WriteResult.Status.REJECTED, flood.get(0).toCompletableFuture().join().status());
    assertEquals(3, q.waiting("rule:a"));
    assertEquals(FairWrites.IN_FLIGHT, dev.got.size(), "nothing more in the adapter");

    dev.answerOldest(); // a slot frees: a (first in turn) sends 12
    dev.answerOldest(); // the next: b's write, before a's 13 and 14
    List<Long> sent = values(dev.got.subList(FairWrites.IN_FLIGHT, dev.got.size()));
    assertEquals(List.of(12L, 99L), sent);
    while (!dev.open.isEmpty()) {
      dev.answerOldest();
    }
    assertEquals(WriteResult.Status.OK, good.toCompletableFuture().join().status());
    assertEquals(0, q.waiting());
    assertEquals(0, q.inFlight());
  }

  @Test
  void aLongQueueAnsweredAtOnceIsServedInALoopNotByRecursion() {
    Held dev = new Held();
    FairWrites q = new FairWrites(dev, 200_000, c -> {});
    for (int i = 0; i < FairWrites.IN_FLIGHT; i++) {
      q.submit(w("rule:a", i));
    }
    List<CompletionStage<WriteResult>> all = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      all.add(q.submit(w("rule:" + (i % 7), i)));
    }
    dev.answerAtOnce = true;
    dev.answerOldest(); // every waiting write now answered at once, on this thread
    assertTrue(all.stream().allMatch(s -> s.toCompletableFuture().isDone()));
    assertEquals(0, q.waiting());
  }

  private static List<Long> values(List<WriteCommand> cs) {
    return cs.stream().map(c -> ((PointValue.Int64) c.value()).value()).toList();
  }
}
