package io.edgerule.mqtt.internal;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one Paho client, owned by the transport and shut down with it. Paho's long-running
 * tasks (connect, receiver, sender, callback) go to a growing pool, its pings and our reconnect
 * timer to one scheduler thread: a fixed pool would let the long-running tasks starve each other.
 * Every thread is a daemon, so a Paho thread that never ends (eclipse-paho/paho.mqtt.java#850) can
 * not keep the JVM alive. Paho renames the threads it runs on; the name is restored after each task
 * so that an idle thread does not look like a busy "MQTT Con".
 */
public final class PahoThreads extends ScheduledThreadPoolExecutor {
  private final ExecutorService tasks;

  public PahoThreads(String clientId) {
    super(1, daemonThreads("edgerule-mqtt-timer " + clientId));
    setRemoveOnCancelPolicy(true);
    setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    tasks =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            daemonThreads("edgerule-mqtt " + clientId));
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + " #" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static Runnable renamed(Runnable task) {
    return () -> {
      Thread self = Thread.currentThread();
      String name = self.getName();
      try {
        task.run();
      } finally {
        self.setName(name);
      }
    };
  }

  @Override
  public void execute(Runnable command) {
    tasks.execute(renamed(command));
  }

  @Override
  public Future<?> submit(Runnable task) {
    return tasks.submit(renamed(task));
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    return tasks.submit(renamed(task), result);
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    return tasks.submit(
        () -> {
          Thread self = Thread.currentThread();
          String name = self.getName();
          try {
            return task.call();
          } finally {
            self.setName(name);
          }
        });
  }

  @Override
  public void shutdown() {
    super.shutdown();
    tasks.shutdown();
  }

  @Override
  public List<Runnable> shutdownNow() {
    List<Runnable> pending = new java.util.ArrayList<>(super.shutdownNow());
    pending.addAll(tasks.shutdownNow());
    return pending;
  }

  @Override
  public boolean isTerminated() {
    return super.isTerminated() && tasks.isTerminated();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    return super.awaitTermination(timeout, unit)
        && tasks.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
  }
}
