package io.edgerule.mqtt.outbox;

import io.edgerule.mqtt.outbox.internal.ReplayPlan;
import io.edgerule.mqtt.outbox.internal.StoredMessage;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains an {@link Outbox} into a {@link Publisher} on one thread of its own: at most {@code
 * window} publishes unacknowledged; an acknowledged message is removed from the outbox. A message
 * is sent as soon as it is appended, before its commit (the outbox keeps it until acknowledged).
 * When a publish fails, sending stops, the outstanding ones settle, and after a growing pause
 * everything still in the outbox is sent again from its oldest message (go-back-N: a message whose
 * acknowledgement was lost goes out twice; duplicates are counted in {@link #resent()}). Each such
 * round starts a {@link ReplayPlan}: the messages already waiting are the backlog, replayed beside
 * live messages at {@link ForwarderConfig#backlogShare()}.
 */
public final class Forwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

  private final Outbox outbox;
  private final Publisher publisher;
  private final ForwarderConfig config;
  private final Semaphore window;
  private final Thread thread;
  private final AtomicBoolean failed = new AtomicBoolean();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong resent = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean running = true;
  private volatile boolean replaying;
  private long highestSent;

  public Forwarder(Outbox outbox, Publisher publisher, ForwarderConfig config) {
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.config = Objects.requireNonNull(config, "config");
    this.window = new Semaphore(config.window());
    this.thread = new Thread(this::run, "outbox-forwarder");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Publishes acknowledged (and so removed from the outbox). */
  public long acked() {
    return acked.get();
  }

  /** Publishes handed to the publisher, including resends. */
  public long sent() {
    return sent.get();
  }

  /** Messages sent again because an earlier send was not acknowledged (possible duplicates). */
  public long resent() {
    return resent.get();
  }

  /** Publishes that failed. */
  public long failures() {
    return failures.get();
  }

  /** True while a backlog is being replayed beside live messages. */
  public boolean replaying() {
    return replaying;
  }

  private void run() {
    long pause = config.retryMin().toNanos();
    while (running) {
      long ackedBefore = acked.get();
      try {
        round();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("outbox forwarder: {}", e.toString());
        failed.set(true);
      }
      if (!running) {
        return;
      }
      try {
        // Let every outstanding publish settle before going back to the oldest message.
        window.acquire(config.window());
        window.release(config.window());
        pause = acked.get() > ackedBefore ? config.retryMin().toNanos() : pause;
        TimeUnit.NANOSECONDS.sleep(pause); // retry backoff after a failure, not synchronisation
        pause = Math.min(pause * 2, config.retryMax().toNanos());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Sends until a publish fails. */
  private void round() throws InterruptedException {
    failed.set(false);
    outbox.roundStarted(); // what the last round sent has settled
    long boundary = outbox.durableThrough();
    ReplayPlan plan =
        new ReplayPlan(
            outbox::readToSend,
            boundary,
            outbox.lastIdPerTopic(boundary),
            config.backlogShare(),
            config.maxHeldLive());
    long highestBefore = highestSent;
    boolean burst = false; // publishes since the publisher was last told to send what it holds
    try {
      while (running && !failed.get()) {
        replaying = plan.replaying();
        if (!window.tryAcquire()) {
          burst = endBurst(burst); // before waiting: what is held may be what the window waits for
          if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            continue;
          }
        }
        long appended = outbox.appendedThrough();
        StoredMessage m = plan.next();
        if (m == null) {
          window.release();
          burst = endBurst(burst);
          outbox.awaitAppendedAfter(appended, 100);
          continue;
        }
        if (!burst) {
          publisher.burstStarted();
          burst = true;
        }
        send(m, highestBefore);
      }
    } finally {
      endBurst(burst);
    }
  }

  private boolean endBurst(boolean burst) {
    if (burst) {
      publisher.burstEnded();
    }
    return false;
  }

  private void send(StoredMessage m, long highestBefore) {
    if (m.id() <= highestBefore) {
      resent.incrementAndGet();
    }
    highestSent = Math.max(highestSent, m.id());
    sent.incrementAndGet();
    CompletionStage<Void> done;
    try {
      done = publisher.publish(m.topic(), m.payload(), m.qos(), m.retain());
    } catch (RuntimeException e) {
      done = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    done.whenComplete(
        (ok, e) -> {
          if (e == null) {
            outbox.ack(m);
            acked.incrementAndGet();
          } else {
            failures.incrementAndGet();
            failed.set(true);
          }
          window.release();
        });
  }

  /** Stops sending; outstanding publishes may still complete (and be acknowledged). */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
