package io.edgerule.daemon.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A lane is bounded: at most THREADS calls run at once, at most QUEUE wait, the rest refused. */
class BlockingLanesTest {
  @Test
  void runsAtMostItsThreadsAndQueuesAtMostItsBoundThenRefuses() throws Exception {
    ExecutorService lane = BlockingLanes.open("test:lane");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch allRunning = new CountDownLatch(BlockingLanes.THREADS);
    AtomicInteger started = new AtomicInteger();
    Runnable hang =
        () -> {
          started.incrementAndGet();
          allRunning.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    try {
      for (int i = 0; i < BlockingLanes.THREADS + BlockingLanes.QUEUE; i++) {
        lane.execute(hang);
      }
      assertTrue(allRunning.await(1, TimeUnit.MINUTES), "THREADS calls run at once");
      assertThrows(RejectedExecutionException.class, () -> lane.execute(hang));
      assertEquals(BlockingLanes.THREADS, started.get(), "the others wait in the queue");
    } finally {
      release.countDown();
      lane.shutdown();
      assertTrue(lane.awaitTermination(1, TimeUnit.MINUTES));
    }
    assertEquals(BlockingLanes.THREADS + BlockingLanes.QUEUE, started.get(), "queued ones ran");
  }
}
