package io.edgerule.daemon.adapters;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each adapter's own executor for blocking calls ({@code AdapterContext.blockingIo()}): DNS, serial
 * opens, an OPC-UA connect that waits several request timeouts for a PLC that does not answer. With
 * one shared pool, four unreachable PLCs took every thread and Zigbee's work waited behind them;
 * with a lane per adapter, a device's blocked calls hold up only that adapter's own work.
 *
 * <p>Bounded both ways: at most {@value #THREADS} threads, started when work comes and ended after
 * {@value #IDLE_SECONDS} s idle (fifty quiet Modbus devices hold no lane thread), and at most
 * {@value #QUEUE} waiting tasks; past that a task is refused with {@code
 * RejectedExecutionException}, which the adapters handle as they handle a shutdown.
 */
public final class BlockingLanes {
  static final int THREADS = 4;
  static final int QUEUE = 256;
  static final int IDLE_SECONDS = 30;

  private BlockingLanes() {}

  /** A new lane for the adapter under {@code key}; its threads are named after the key. */
  public static ExecutorService open(String key) {
    ThreadPoolExecutor lane =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            named("edgerule-io-" + key),
            new ThreadPoolExecutor.AbortPolicy());
    lane.allowCoreThreadTimeOut(true);
    return lane;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
