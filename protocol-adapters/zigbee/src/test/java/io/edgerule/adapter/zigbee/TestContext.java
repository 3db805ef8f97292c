package io.edgerule.adapter.zigbee;

import io.edgerule.adapter.AdapterContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The executors a daemon would lend an adapter, owned by the test. */
final class TestContext implements AutoCloseable {
  final ScheduledExecutorService scheduler;
  final ExecutorService blockingIo;
  final AdapterContext context;

  TestContext(Path stateDirectory) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads =
        r -> {
          Thread t = new Thread(r, "test-adapter-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    scheduler = Executors.newScheduledThreadPool(1, threads);
    blockingIo = Executors.newCachedThreadPool(threads);
    context = new AdapterContext(scheduler, blockingIo, threads, Clock.systemUTC(), stateDirectory);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    blockingIo.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
      blockingIo.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
