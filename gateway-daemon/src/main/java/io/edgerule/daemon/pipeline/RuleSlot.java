package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointEvent;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleOutcome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One loaded rule's inbox. Events for the rule queue here; a batch at a time runs on the lent rule
 * executor, so a rule never runs two batches at once and a slow rule only delays itself. A full
 * inbox drops its oldest event (counted).
 */
public final class RuleSlot {
  /** Receives each batch's outcome, on the rule thread. */
  public interface OutcomeHandler {
    void handle(RuleSlot slot, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed);
  }

  private final Rule rule;
  private final RuleEngine engine;
  private final Executor executor;
  private final OutcomeHandler handler;
  private final int batchSize;
  private final int capacity;
  private final ArrayDeque<PointEvent> inbox = new ArrayDeque<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private boolean running;

  public RuleSlot(
      Rule rule,
      RuleEngine engine,
      Executor executor,
      OutcomeHandler handler,
      int batchSize,
      int capacity) {
    this.rule = rule;
    this.engine = engine;
    this.executor = executor;
    this.handler = handler;
    this.batchSize = batchSize;
    this.capacity = capacity;
  }

  public Rule rule() {
    return rule;
  }

  public String name() {
    return rule.name();
  }

  public void offer(PointEvent event) {
    boolean schedule;
    synchronized (this) {
      if (inbox.size() >= capacity) {
        inbox.pollFirst();
        dropped.incrementAndGet();
      }
      inbox.addLast(event);
      schedule = !running;
      running = true;
    }
    if (schedule) {
      submit();
    }
  }

  private void submit() {
    try {
      executor.execute(this::runBatch);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        running = false;
      }
    }
  }

  private void runBatch() {
    List<PointEvent> batch = new ArrayList<>(batchSize);
    synchronized (this) {
      for (int i = 0; i < batchSize && !inbox.isEmpty(); i++) {
        batch.add(inbox.pollFirst());
      }
    }
    if (!batch.isEmpty()) {
      long start = System.nanoTime();
      RuleOutcome outcome = engine.evaluate(rule, batch);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      batches.incrementAndGet();
      handler.handle(this, batch, outcome, elapsed);
    }
    boolean again;
    synchronized (this) {
      again = !inbox.isEmpty();
      running = again;
      notifyAll();
    }
    if (again) {
      submit();
    }
  }

  /** True when nothing is queued or running. */
  public synchronized boolean idle() {
    return !running && inbox.isEmpty();
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
}
