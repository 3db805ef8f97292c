package io.edgerule.daemon;

import io.edgerule.daemon.config.GatewayConfig;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's shared threads: the scheduler, the rule threads, the sandbox watchdog, the OTA
 * deploy thread and the config reload thread. Blocking adapter work does not run here: each adapter
 * has a lane of its own ({@link io.edgerule.daemon.adapters.BlockingLanes}).
 */
final class GatewayThreads implements AutoCloseable {
  final ScheduledExecutorService scheduler;
  final ExecutorService ruleThreads;
  final ScheduledExecutorService watchdog;
  final ExecutorService deployThread;
  final ExecutorService reloadThread;

  GatewayThreads(GatewayConfig config) {
    ScheduledThreadPoolExecutor sched =
        new ScheduledThreadPoolExecutor(2, named("edgerule-scheduler"));
    // Every device write arms a timeout (pipeline.adapter_timeout) that is cancelled when the
    // answer comes: drop cancelled timers at once instead of keeping them until they are due.
    sched.setRemoveOnCancelPolicy(true);
    scheduler = sched;
    int stackKib = config.ruleLimits().stackKib();
    // rule_threads are kept ready; a rule whose turn comes while all are busy gets a new thread
    // (each rule has at most one turn queued or running, so at most one thread per rule): a good
    // rule never waits behind another rule's long batch, and CPU time is shared by the rules'
    // CPU shares (pipeline.rule_cpu_share) and the OS, not by queueing for a fixed pool.
    ruleThreads =
        new ThreadPoolExecutor(
            config.pipeline().ruleThreads(),
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            ruleThreadFactory("edgerule-rule", stackKib));
    watchdog = Executors.newSingleThreadScheduledExecutor(named("edgerule-watchdog"));
    deployThread = Executors.newSingleThreadExecutor(named("edgerule-deploy"));
    // Reloads (SIGHUP, file change, the reload command) one after the other, off their callers.
    reloadThread = Executors.newSingleThreadExecutor(named("edgerule-reload"));
  }

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
  static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Rule threads get a bounded stack ({@code rule_limits.stack_kib}): recursion in a rule ends as a
   * RESOURCE fault of that rule at a known depth, whatever the JVM's default thread stack is.
   */
  private static ThreadFactory ruleThreadFactory(String prefix, int stackKib) {
    AtomicInteger n = new AtomicInteger();
    ThreadGroup group = new ThreadGroup(prefix);
    return r -> {
      Thread t = new Thread(group, r, prefix + "-" + n.incrementAndGet(), stackKib * 1024L);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    for (ExecutorService e :
        List.of(reloadThread, deployThread, ruleThreads, scheduler, watchdog)) {
      e.shutdownNow();
    }
  }
}
