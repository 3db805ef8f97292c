package io.edgerule.adapter;

import io.edgerule.adapter.metrics.Metrics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * What the daemon lends an adapter. The daemon owns these executors and shuts them down; an adapter
 * never creates a global pool. An adapter that needs threads of its own (a Netty event loop, a
 * serial reader) makes them with {@code threadFactory}, so they are named and accounted for, and
 * stops them on close.
 *
 * @param scheduler for polls, timeouts and reconnect backoff; tasks must be short and never block
 * @param blockingIo for calls that may block (serial opens, DNS, TLS handshakes); the daemon gives
 *     each adapter a bounded lane of its own, so one adapter's blocked calls never hold up another
 *     adapter's; a task it cannot queue any more is refused with {@link
 *     java.util.concurrent.RejectedExecutionException}
 * @param threadFactory for the adapter's own long-lived threads
 * @param clock the gateway's clock (tests pass a fixed or stepping one)
 * @param stateDirectory where the adapter keeps durable state (certificates, network keys, ...),
 *     under a sub-folder named after its protocol; it exists and survives restarts and upgrades
 * @param metrics where the adapter makes its meters (per-device counters, request timers); the
 *     daemon exports them (docs/reference/metrics.md)
 */
public record AdapterContext(
    ScheduledExecutorService scheduler,
    ExecutorService blockingIo,
    ThreadFactory threadFactory,
    Clock clock,
    Path stateDirectory,
    Metrics metrics) {
  public AdapterContext {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(blockingIo, "blockingIo");
    Objects.requireNonNull(threadFactory, "threadFactory");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(stateDirectory, "stateDirectory");
    Objects.requireNonNull(metrics, "metrics");
  }

  /** A context whose meters stay in this process ({@link Metrics#local()}): tests and tools. */
  public AdapterContext(
      ScheduledExecutorService scheduler,
      ExecutorService blockingIo,
      ThreadFactory threadFactory,
      Clock clock,
      Path stateDirectory) {
    this(scheduler, blockingIo, threadFactory, clock, stateDirectory, Metrics.local());
  }
}
