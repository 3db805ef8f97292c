package io.edgerule.daemon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.testing.ChaosAdapter;
import io.edgerule.daemon.testing.ChaosRig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter that calls the sink from many threads at once, with null samples, for points it never
 * declared, after close(), and a million times as fast as it can: nothing is thrown back at its
 * threads, what it did wrong is counted, the queue stays bounded and the other adapter's events all
 * reach their rule, exactly once and in order.
 */
class ChaosEventsTest {
  private static final PointId GHOST = PointId.parse("pump/ghost");

  @TempDir Path tmp;

  /** Runs {@code body} on {@code n} threads started together; collects what they throw. */
  private static List<Thread> threads(
      int n, CountDownLatch go, ConcurrentLinkedQueue<Throwable> thrown, Runnable body) {
    List<Thread> list = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      Thread th =
          new Thread(
              () -> {
                try {
                  go.await();
                  body.run();
                } catch (Throwable e) {
                  thrown.add(e);
                }
              },
              "chaos-" + t);
      th.start();
      list.add(th);
    }
    return list;
  }

  private static void joinAll(List<Thread> threads) throws InterruptedException {
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(20));
      assertTrue(!t.isAlive(), t.getName() + " still running");
    }
  }

  @Test
  void manyThreadsBadSamplesAndSamplesAfterClose() throws Exception {
    try (ChaosRig rig = new ChaosRig(tmp)) {
      rig.start();
      EventSink sink = rig.chaos.sink;
      CountDownLatch go = new CountDownLatch(1);
      ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
      List<Thread> chaos =
          threads(
              4,
              go,
              thrown,
              () -> {
                for (int i = 0; i < 5_000; i++) {
                  sink.accept(ChaosAdapter.sample(ChaosAdapter.TEMP, i));
                  if (i % 50 == 0) {
                    sink.accept(ChaosAdapter.sample(GHOST, i)); // never declared
                  }
                  if (i % 500 == 0) {
                    sink.accept(null);
                  }
                }
              });
      // One more thread that keeps calling the sink once the adapter is closed.
      List<Thread> late =
          threads(
              1,
              go,
              thrown,
              () -> {
                try {
                  rig.chaos.closeCalled.await();
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
                for (int i = 0; i < 100; i++) {
                  sink.accept(ChaosAdapter.sample(ChaosAdapter.TEMP, i));
                }
              });
      go.countDown();
      rig.pushTank(0, 100);
      joinAll(chaos);
      rig.awaitTankWrites(100);
      rig.closeGateway();
      joinAll(late);

      assertEquals(List.of(), List.copyOf(thrown), "nothing thrown at the adapter's threads");
      assertEquals(20_000 + 100, rig.events.get(), "every declared sample became one event");
      assertEquals(400L, rig.chaosCounter("events_unknown_point"));
      assertEquals(40L, rig.chaosCounter("events_invalid"));
      assertEquals(100L, rig.chaosCounter("events_after_close"));
      rig.assertTankExact(100);
    }
  }

  @Test
  void aMillionSamplesAsFastAsPossible() throws Exception {
    int capacity = 1_000;
    int perThread = 500_000;
    try (ChaosRig rig = new ChaosRig(tmp)) {
      rig.queueCapacity = capacity;
      rig.start();
      EventSink sink = rig.chaos.sink;
      CountDownLatch go = new CountDownLatch(1);
      ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
      AtomicInteger sent = new AtomicInteger();
      List<Thread> flood =
          threads(
              2,
              go,
              thrown,
              () -> {
                for (int i = 0; i < perThread; i++) {
                  sink.accept(ChaosAdapter.sample(ChaosAdapter.TEMP, i));
                  sent.incrementAndGet();
                }
              });
      go.countDown();
      // The tank's samples arrive in the middle of the flood.
      AtomicBoolean bounded = new AtomicBoolean(true);
      int pushed = 0;
      while (pushed < 200) {
        if (sent.get() >= pushed * 2_000) {
          rig.tank.push("level", pushed++);
          GatewayState.Pipeline pipeline = rig.gw.snapshot("online").pipeline();
          if (pipeline.queueDepth() > capacity) {
            bounded.set(false);
          }
        } else {
          Thread.onSpinWait();
        }
      }
      joinAll(flood);
      rig.awaitTankWrites(200);
      GatewayState.Pipeline pipeline = rig.gw.snapshot("online").pipeline();
      long dropped = pipeline.dropped();
      rig.closeGateway();

      assertEquals(List.of(), List.copyOf(thrown));
      assertTrue(bounded.get(), "the queue never held more than its capacity");
      assertEquals(2L * perThread + 200, pipeline.accepted());
      assertTrue(dropped > 0, "the flood overflowed the queue: " + pipeline);
      assertEquals(dropped, rig.chaosCounter("events_dropped"), "all drops were the flooder's");
      assertEquals(2L * perThread + 200 - dropped, rig.events.get(), "dropped or delivered, once");
      rig.assertTankExact(200);
    }
  }
}
