package io.edgerule.ota.fleet.sim;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-threaded scheduler for one virtual gateway, without a thread of its own: tasks run one
 * at a time, in order, on a pool shared by every gateway of the simulator, and delays are kept by
 * one shared timer. The device side ({@code DeviceUpdater}, {@code RolloutFollower}) asks for a
 * single-threaded scheduler; 10,000 gateways with a thread each would measure the threads, not the
 * fleet. Tasks of one gateway never overlap, and each sees what the previous one wrote (the queue
 * and the running flag order them).
 *
 * <p>Only what the device side calls is supported: {@code execute}, {@code schedule}; periodic
 * scheduling throws.
 */
final class SerialScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private static final Logger log = LoggerFactory.getLogger(SerialScheduler.class);
  private static final int BATCH = 64;

  private final Executor pool;
  private final ScheduledExecutorService timer;
  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean shutdown;

  SerialScheduler(Executor pool, ScheduledExecutorService timer) {
    this.pool = pool;
    this.timer = timer;
  }

  @Override
  public void execute(Runnable task) {
    if (shutdown) {
      return; // the gateway is gone: its late work is dropped, as a stopped gateway's would be
    }
    queue.add(task);
    kick();
  }

  private void kick() {
    if (!queue.isEmpty() && running.compareAndSet(false, true)) {
      pool.execute(this::drain);
    }
  }

  private void drain() {
    try {
      for (int n = 0; n < BATCH; n++) {
        Runnable r = queue.poll();
        if (r == null) {
          break;
        }
        try {
          r.run();
        } catch (RuntimeException | Error e) {
          log.warn("virtual gateway task failed", e);
        }
      }
    } finally {
      running.set(false);
      kick(); // more arrived, or the batch was cut to let other gateways run
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return timer.schedule(() -> execute(command), delay, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("schedule(Callable) is not used by the device side");
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("periodic tasks are not used by the device side");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("periodic tasks are not used by the device side");
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = List.copyOf(queue);
    queue.clear();
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && queue.isEmpty() && !running.get();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }
}
