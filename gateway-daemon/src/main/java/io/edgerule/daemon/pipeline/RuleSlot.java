package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointEvent;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleOutcome;
import io.edgerule.sandbox.ShadowRun;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One loaded rule's inbox. Events for the rule queue here; a batch at a time runs on the lent rule
 * executor, so a rule never runs two batches at once and a slow rule only delays itself. A full
 * inbox drops its oldest event (counted).
 *
 * <p>Everything else that touches the rule runs in the same turn, between batches and never
 * concurrently with one: ticks ({@link #requestTick}), hot swaps and shadow changes ({@link
 * #runBetweenBatches}), and the shadow candidate, which runs right after the active rule on the
 * same batch.
 *
 * <p>Each turn is charged the CPU time of its thread against the rule's {@link CpuShare}; a rule
 * over its share has its next turn deferred (its events wait in the inbox, bounded as above) so the
 * other rules keep their latency. Deferred turns are counted ({@link #throttled}).
 */
public final class RuleSlot {
  /** Receives each batch's (or tick's: empty batch) outcome, on the rule thread. */
  public interface OutcomeHandler {
    void handle(RuleSlot slot, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed);
  }

  private final RuleEngine engine;
  private final Executor executor;
  private final OutcomeHandler handler;
  private final int batchSize;
  private final int capacity;
  private final ArrayDeque<PointEvent> inbox = new ArrayDeque<>();
  private final ArrayDeque<Runnable> control = new ArrayDeque<>(); // guarded by this
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final ScheduledExecutorService timer;
  private final CpuShare cpu; // touched only by the rule's turns, which never overlap
  private volatile Rule rule;
  private volatile ShadowRun shadow;
  private boolean tickDue; // guarded by this
  private boolean running; // guarded by this

  public RuleSlot(
      Rule rule,
      RuleEngine engine,
      Executor executor,
      OutcomeHandler handler,
      int batchSize,
      int capacity) {
    this(rule, engine, executor, handler, batchSize, capacity, 1.0, null);
  }

  /**
   * @param cpuShare the share of one thread's CPU time the rule may use ({@code
   *     pipeline.rule_cpu_share}, 0..1]; 1 with a null timer: no limit
   * @param timer runs deferred turns of a rule over its share
   */
  public RuleSlot(
      Rule rule,
      RuleEngine engine,
      Executor executor,
      OutcomeHandler handler,
      int batchSize,
      int capacity,
      double cpuShare,
      ScheduledExecutorService timer) {
    this.timer = timer;
    this.cpu =
        timer == null || !THREADS.isCurrentThreadCpuTimeSupported()
            ? null
            : new CpuShare(cpuShare, System.nanoTime());
    this.rule = rule;
    this.engine = engine;
    this.executor = executor;
    this.handler = handler;
    this.batchSize = batchSize;
    this.capacity = capacity;
  }

  /** The active version of the rule (changes at a hot swap). */
  public Rule rule() {
    return rule;
  }

  public String name() {
    return rule.name();
  }

  /** The shadow candidate running beside the rule, or null. */
  public ShadowRun shadow() {
    return shadow;
  }

  public void offer(PointEvent event) {
    if (queue(event)) {
      submit();
    }
  }

  /**
   * Puts an event in the inbox without starting the rule's turn, so that a dispatcher handing on a
   * batch of events wakes the rule once for all of them (starting the turn at the first event woke
   * it for one or two events at a time). Returns true when the caller must call {@link #startTurn}
   * once it has queued the rest; until then the rule does not run.
   */
  public boolean queue(PointEvent event) {
    synchronized (this) {
      if (inbox.size() >= capacity) {
        inbox.pollFirst();
        dropped.incrementAndGet();
      }
      inbox.addLast(event);
      boolean schedule = !running;
      running = true;
      return schedule;
    }
  }

  /** Starts the turn that {@link #queue} asked for. */
  public void startTurn() {
    submit();
  }

  /** Asks for one {@code er_on_tick}; requests while one is pending coalesce. */
  public void requestTick() {
    boolean schedule;
    synchronized (this) {
      tickDue = true;
      schedule = !running;
      running = true;
    }
    if (schedule) {
      submit();
    }
  }

  /**
   * Runs {@code task} on the rule's turn, before the next batch: nothing of the rule (or its
   * shadow) runs at the same time. Used for hot swaps and shadow starts and stops.
   */
  public void runBetweenBatches(Runnable task) {
    boolean schedule;
    synchronized (this) {
      control.addLast(task);
      schedule = !running;
      running = true;
    }
    if (schedule) {
      submit();
    }
  }

  /** Makes {@code next} the active rule. Call only from a {@link #runBetweenBatches} task. */
  public void switchTo(Rule next) {
    rule = next;
  }

  /** Sets or clears the shadow. Call only from a {@link #runBetweenBatches} task. */
  public void setShadow(ShadowRun run) {
    shadow = run;
  }

  private void submit() {
    try {
      executor.execute(this::runTurn);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        running = false;
        notifyAll();
      }
    }
  }

  private void runTurn() {
    List<Runnable> tasks;
    List<PointEvent> batch = new ArrayList<>(batchSize);
    boolean tick;
    synchronized (this) {
      tasks = List.copyOf(control);
      control.clear();
      for (int i = 0; i < batchSize && !inbox.isEmpty(); i++) {
        batch.add(inbox.pollFirst());
      }
      tick = tickDue;
      tickDue = false;
    }
    long cpu0 = cpu == null ? 0 : THREADS.getCurrentThreadCpuTime();
    try {
      for (Runnable task : tasks) {
        task.run();
      }
      if (!batch.isEmpty()) {
        runBatch(batch);
      }
      if (tick) {
        runTick();
      }
    } finally {
      long wait = 0;
      if (cpu != null) {
        long now = System.nanoTime();
        cpu.charge(THREADS.getCurrentThreadCpuTime() - cpu0, now);
        wait = cpu.waitNanos(now);
      }
      boolean again;
      synchronized (this) {
        again = !inbox.isEmpty() || tickDue || !control.isEmpty();
        running = again;
        notifyAll();
      }
      if (again && wait > 0) {
        deferredSubmit(wait);
      } else if (again) {
        submit();
      }
    }
  }

  /** The rule is over its CPU share: its next turn waits until the share allows it. */
  private void deferredSubmit(long waitNanos) {
    throttled.incrementAndGet();
    try {
      timer.schedule(this::submit, waitNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        running = false;
        notifyAll();
      }
    }
  }

  private void runBatch(List<PointEvent> batch) {
    Rule active = rule;
    long start = System.nanoTime();
    RuleOutcome outcome = engine.evaluate(active, batch);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    batches.incrementAndGet();
    handler.handle(this, batch, outcome, elapsed);
    ShadowRun candidate = shadow;
    if (candidate != null) {
      candidate.evaluate(batch, outcome);
    }
  }

  private void runTick() {
    Rule active = rule;
    if (active.manifest().tickPeriod().isEmpty()) {
      return; // a swap removed the tick; the daemon cancels its timer
    }
    long start = System.nanoTime();
    RuleOutcome outcome = engine.tick(active);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    ticks.incrementAndGet();
    handler.handle(this, List.of(), outcome, elapsed);
    ShadowRun candidate = shadow;
    if (candidate != null) {
      candidate.tick(outcome);
    }
  }

  /** Events waiting in the inbox (not those of a batch already taken). */
  public synchronized int queued() {
    return inbox.size();
  }

  /** True when nothing is queued or running. */
  public synchronized boolean idle() {
    return !running && inbox.isEmpty() && control.isEmpty();
  }

  /** Waits until idle or the deadline passes. */
  public synchronized boolean awaitIdle(long deadlineNanos) throws InterruptedException {
    while (!idle()) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  public long dropped() {
    return dropped.get();
  }

  public long batches() {
    return batches.get();
  }

  public long ticks() {
    return ticks.get();
  }

  /** Turns deferred because the rule had used up its CPU share. */
  public long throttled() {
    return throttled.get();
  }
}
