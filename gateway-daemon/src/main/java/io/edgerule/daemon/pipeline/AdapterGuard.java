package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of one adapter: every call into the adapter, and every sample out of it, goes
 * through here, so an adapter that breaks its contract ({@link ProtocolAdapter}) harms only itself.
 * Nothing the adapter throws escapes into a gateway thread, no sample the adapter hands in makes
 * the adapter's own thread fail, and every kind of misbehaviour is logged once (with the adapter's
 * name) and shown in its health as a {@value #GATEWAY_ENTRY} entry with the last error and
 * counters.
 *
 * <ul>
 *   <li>start: throwing, returning null or a failed stage marks the adapter DOWN; a stage that has
 *       not completed after {@code adapter_timeout} is reported; the other adapters start anyway.
 *   <li>points: throwing or null offers no points; duplicates are ignored after the first.
 *   <li>samples: null ones, ones for points the adapter does not own, and ones after close() are
 *       refused and counted; those after close() (a sample racing shutdown, expected) are logged at
 *       DEBUG only and leave the last error alone.
 *   <li>write: throwing, null, a failed stage or an answer for another point is answered FAILED; no
 *       answer within {@code adapter_timeout} is answered TIMEOUT.
 *   <li>health: throwing or null reports the adapter DOWN.
 *   <li>close: throwing is logged; blocking is bounded by the gateway ({@link #closeWithin}).
 * </ul>
 */
public final class AdapterGuard implements ProtocolAdapter {
  private static final Logger log = LoggerFactory.getLogger(AdapterGuard.class);

  /** The device name of the gateway's own entry in an adapter's health. */
  public static final String GATEWAY_ENTRY = "(gateway)";

  private enum Start {
    NOT_STARTED,
    STARTING,
    RUNNING,
    FAILED
  }

  private final ProtocolAdapter adapter;
  private final String name;
  private final ScheduledExecutorService scheduler;
  private final Duration timeout;
  private final Set<String> logged = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private volatile PointDirectory directory;
  private volatile Ingress.Lane lane;
  private volatile Start start = Start.NOT_STARTED;
  private volatile boolean closed;
  private volatile String lastError = "";

  /**
   * @param fallbackName used if the adapter's own {@code name()} fails
   * @param scheduler for write and start timeouts
   * @param timeout {@code pipeline.adapter_timeout}
   */
  public AdapterGuard(
      ProtocolAdapter adapter,
      String fallbackName,
      ScheduledExecutorService scheduler,
      Duration timeout) {
    this.adapter = adapter;
    this.name = nameOf(adapter, fallbackName);
    this.scheduler = scheduler;
    this.timeout = timeout;
  }

  private static String nameOf(ProtocolAdapter adapter, String fallback) {
    try {
      String n = adapter.name();
      return n == null || n.isBlank() ? fallback : n;
    } catch (RuntimeException e) {
      log.error("adapter {}: name() failed: {}", fallback, e.toString());
      return fallback;
    }
  }

  /** Lets the guard check that samples are for points this adapter owns. */
  public void attach(PointDirectory directory) {
    this.directory = directory;
  }

  /** The guarded adapter (for tests and logs). */
  public ProtocolAdapter adapter() {
    return adapter;
  }

  /**
   * Records a misbehaviour: logged the first time per {@code kind}, counted, kept as the last error
   * for health.
   */
  void problem(String kind, String message) {
    lastError = message;
    count(kind);
    if (logged.add(kind)) {
      log.error("adapter {}: {} (further occurrences are counted, not logged)", name, message);
    }
  }

  private void count(String kind) {
    counters.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<PointInfo> points() {
    List<PointInfo> points;
    try {
      points = adapter.points();
    } catch (RuntimeException e) {
      problem("points_failed", "points() failed: " + e);
      return List.of();
    }
    if (points == null) {
      problem("points_failed", "points() returned nothing (null)");
      return List.of();
    }
    Map<PointId, PointInfo> unique = new LinkedHashMap<>();
    for (PointInfo p : points) {
      if (p == null) {
        problem("points_invalid", "points() listed a null point");
      } else if (unique.putIfAbsent(p.id(), p) != null) {
        problem("points_duplicate", "points() lists point " + p.id() + " twice; the first is used");
      }
    }
    return List.copyOf(unique.values());
  }

  /**
   * Starts the adapter; never throws and never waits for it. {@code sink} should be this adapter's
   * own {@link Ingress#lane}, so its overload drops are counted in its health.
   */
  @Override
  public CompletionStage<Void> start(EventSink sink) {
    lane = sink instanceof Ingress.Lane l ? l : null;
    start = Start.STARTING;
    CompletionStage<Void> stage;
    try {
      stage = adapter.start(new GuardedSink(this, sink));
    } catch (RuntimeException e) {
      // Used to escape from Gateway.start: the gateway never came up, the adapters after this one
      // were never started, and the threads already made were left running.
      startFailed("start() threw " + e);
      return CompletableFuture.completedFuture(null);
    }
    if (stage == null) {
      startFailed("start() returned no stage (null)");
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    stage.whenComplete(
        (ok, e) -> {
          if (e != null) {
            startFailed("start failed: " + unwrap(e));
          } else if (start == Start.STARTING) {
            start = Start.RUNNING;
          }
          done.complete(null);
        });
    if (!done.isDone()) {
      schedule(
          () -> {
            if (start == Start.STARTING) {
              problem(
                  "start_pending",
                  "start has not finished after " + timeout.toMillis() + " ms (still waiting)");
            }
          });
    }
    return done;
  }

  private void startFailed(String why) {
    start = Start.FAILED;
    problem("start_failed", why);
  }

  /** Whether a sample may go on; says why (counted) when not. Runs on the adapter's threads. */
  boolean admissible(PointSample sample) {
    if (sample == null) {
      problem("events_invalid", "handed in an empty sample (null)");
      return false;
    }
    if (closed) {
      // Expected at shutdown: a poll answered while the adapter was being closed. Counted, and
      // only at DEBUG (it was an ERROR in 12 of 68 benchmark runs, at every normal stop).
      count("events_after_close");
      log.debug("adapter {}: handed in a sample of {} after close()", name, sample.point());
      return false;
    }
    PointDirectory d = directory;
    if (d != null && !d.owns(this, sample.point())) {
      problem(
          "events_unknown_point",
          "handed in a sample of "
              + sample.point()
              + ", a point it does not offer"
              + d.ownerIfKnown(sample.point()).map(o -> " (" + o.name() + " does)").orElse(""));
      return false;
    }
    return true;
  }

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    CompletionStage<WriteResult> stage;
    try {
      stage = adapter.write(command);
    } catch (RuntimeException e) {
      problem("writes_failed", "write of " + command.point() + " threw " + e);
      return CompletableFuture.completedFuture(
          WriteResult.failed(command, "adapter " + name + " failed: " + e));
    }
    if (stage == null) {
      problem("writes_failed", "write of " + command.point() + " returned no stage (null)");
      return CompletableFuture.completedFuture(
          WriteResult.failed(command, "adapter " + name + " returned no result"));
    }
    CompletableFuture<WriteResult> answer = new CompletableFuture<>();
    // Whoever settles the write (the timeout or the adapter's answer) counts it before answering:
    // completing the answer runs the caller's code at once, and a caller that read the health
    // then saw writes_timed_out one short (the count used to follow the answer).
    AtomicBoolean settled = new AtomicBoolean();
    // An answer that never comes used to leave the write counted in flight for ever (shutdown then
    // waited its whole grace) and the MQTT command without an answer.
    ScheduledFuture<?> timer =
        schedule(
            () -> {
              if (settled.compareAndSet(false, true)) {
                String why =
                    "no answer from adapter " + name + " within " + timeout.toMillis() + " ms";
                problem("writes_timed_out", "write of " + command.point() + ": " + why);
                answer.complete(WriteResult.timeout(command, why));
              }
            });
    stage.whenComplete(
        (r, e) -> {
          if (timer != null) {
            timer.cancel(false);
          }
          WriteResult result = checked(command, r, e); // counts a bad answer, even a late one
          if (settled.compareAndSet(false, true)) {
            answer.complete(result);
          }
        });
    return answer;
  }

  private WriteResult checked(WriteCommand command, WriteResult r, Throwable e) {
    if (e != null) {
      problem("writes_failed", "write of " + command.point() + " failed: " + unwrap(e));
      return WriteResult.failed(command, "adapter error: " + unwrap(e));
    }
    if (r == null) {
      problem("writes_failed", "write of " + command.point() + " completed without a result");
      return WriteResult.failed(command, "adapter " + name + " answered with no result");
    }
    if (!command.point().equals(r.command().point())) {
      // Reported as it came, the result of another point reached the command's asker as if its
      // own write had been carried out.
      problem(
          "writes_failed",
          "write of " + command.point() + " was answered for " + r.command().point());
      return WriteResult.failed(
          command,
          "adapter " + name + " answered for " + r.command().point() + " (" + r.status() + ")");
    }
    return r.command() == command ? r : new WriteResult(command, r.status(), r.detail());
  }

  @Override
  public AdapterHealth health() {
    AdapterHealth own = null;
    try {
      own = adapter.health();
      if (own == null) {
        problem("health_failed", "health() returned nothing (null)");
      }
    } catch (RuntimeException e) {
      problem("health_failed", "health() failed: " + e);
    }
    AdapterHealth.State state = own == null ? AdapterHealth.State.DOWN : own.state();
    Start s = start;
    if (s == Start.FAILED) {
      state = AdapterHealth.State.DOWN;
    }
    List<AdapterHealth.DeviceHealth> devices = new ArrayList<>();
    if (own != null) {
      devices.addAll(own.devices());
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counters.forEach((k, v) -> counts.put(k, v.get()));
    Ingress.Lane l = lane;
    if (l != null && l.dropped() > 0) {
      counts.put("events_dropped", l.dropped());
    }
    if (!counts.isEmpty() || !lastError.isEmpty()) {
      AdapterHealth.State mine =
          switch (s) {
            case FAILED -> AdapterHealth.State.DOWN;
            case STARTING -> AdapterHealth.State.STARTING;
            default -> own == null ? AdapterHealth.State.DOWN : AdapterHealth.State.DEGRADED;
          };
      devices.add(new AdapterHealth.DeviceHealth(GATEWAY_ENTRY, mine, lastError, counts));
    }
    return new AdapterHealth(name, state, devices);
  }

  /** Closes the adapter on the caller's thread; refuses its samples from now on. Never throws. */
  @Override
  public void close() {
    closed = true;
    try {
      adapter.close();
    } catch (RuntimeException e) {
      problem("close_failed", "close() failed: " + e);
    }
  }

  /**
   * Starts closing the adapter on a thread of its own, so that an adapter blocking in close()
   * cannot hold up the gateway's shutdown or the closing of the other adapters.
   *
   * @return the closing thread, for the caller to wait on with its own deadline
   */
  public Thread closeWithin(ThreadFactory threads) {
    closed = true;
    Thread t = threads.newThread(this::close);
    t.start();
    return t;
  }

  /** Called when close() did not return in time. */
  public void closeTimedOut(long waitedMillis) {
    problem(
        "close_timed_out",
        "close() did not return within " + waitedMillis + " ms; left behind, shutdown goes on");
  }

  private ScheduledFuture<?> schedule(Runnable task) {
    try {
      return scheduler.schedule(task, timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // the gateway is shutting down; its grace bounds the wait instead
    }
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  @Override
  public String toString() {
    return name;
  }
}
