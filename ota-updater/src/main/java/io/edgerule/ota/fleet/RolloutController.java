package io.edgerule.ota.fleet;

import io.edgerule.mqtt.InboundMessage;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.trust.internal.Doc;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet controller: keeps the rollout in the broker (retained {@code <prefix>/fleet/rollout}),
 * learns the fleet from the gateways' retained status, follow and trust reports ({@link
 * FleetView}), judges the current wave ({@link WaveJudge}) and moves the rollout on; takes the
 * operator's commands (start, pause, resume, abort, the rollback switch). Every decision and
 * command is appended to the {@link AuditLog} (fsynced) before it is published.
 *
 * <p>The broker holds the truth, so a controller can stop and start again at any moment: {@link
 * #start} reads the retained rollout (and the whole fleet's retained reports) before anything is
 * decided, and carries on from the same wave and wave start, so no wave starts twice. A document
 * with a higher revision published by someone else (another {@code edgerule fleet pause}) is
 * adopted. Only one controller should write at a time: MQTT 3.1.1 has no compare-and-set, and of
 * two documents of the same revision the broker keeps the later.
 *
 * <p>All decisions run on the lent single-threaded executor; MQTT callbacks only hand over (status
 * and follow reports are merged into the view on the callback thread, which is thread-safe).
 */
public final class RolloutController {
  private static final Logger log = LoggerFactory.getLogger(RolloutController.class);
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);

  private final MqttLink mqtt;
  private final FleetTopics topics;
  private final AuditLog audit;
  private final ScheduledExecutorService exec;
  private final Clock clock;
  private final FleetView view;
  private final RetainedSync sync;
  private volatile Rollout rollout; // written on exec only
  private volatile boolean ready;

  public RolloutController(
      MqttLink mqtt,
      FleetTopics topics,
      AuditLog audit,
      ScheduledExecutorService exec,
      Clock clock) {
    this(mqtt, topics, audit, exec, clock, RetainedSync.QUIET);
  }

  /**
   * @param retainedQuiet see {@link RetainedSync#QUIET}; zero only with a broker that sends every
   *     retained message of a subscription before its next packet (the unit tests' one in memory)
   */
  RolloutController(
      MqttLink mqtt,
      FleetTopics topics,
      AuditLog audit,
      ScheduledExecutorService exec,
      Clock clock,
      Duration retainedQuiet) {
    this.sync = new RetainedSync(retainedQuiet);
    this.mqtt = Objects.requireNonNull(mqtt, "mqtt");
    this.topics = Objects.requireNonNull(topics, "topics");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.exec = Objects.requireNonNull(exec, "exec");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.view = new FleetView(topics);
  }

  /**
   * Subscribes to the rollout and to every gateway's status and follow report, then waits until the
   * broker has sent what it retains ({@link RetainedSync}: a marker round trip, then no retained
   * copy for {@link RetainedSync#QUIET}).
   */
  public CompletionStage<Void> start() {
    String marker = topics.prefix() + "/fleet/sync/" + UUID.randomUUID();
    return mqtt.subscribe(topics.rollout(), 1, sync.noting(this::onRollout))
        .thenCompose(v -> mqtt.subscribe(topics.statusFilter(), 1, sync.noting(this::onReport)))
        .thenCompose(v -> mqtt.subscribe(topics.followFilter(), 1, sync.noting(this::onReport)))
        .thenCompose(
            v -> mqtt.subscribe(topics.trustReportFilter(), 1, sync.noting(this::onReport)))
        .thenCompose(v -> sync.await(mqtt, marker, exec))
        .thenCompose(v -> CompletableFuture.runAsync(() -> {}, exec)) // after the handed-over docs
        .thenRun(() -> ready = true);
  }

  public Optional<Rollout> rollout() {
    return Optional.ofNullable(rollout);
  }

  public FleetView fleet() {
    return view;
  }

  private void onRollout(InboundMessage m) {
    byte[] p = m.payload();
    exec.execute(
        () -> {
          if (p.length == 0) {
            return;
          }
          try {
            Rollout r = RolloutJson.read(p, m.topic());
            if (rollout == null || r.revision() > rollout.revision()) {
              if (rollout != null) {
                log.info("adopted {} revision {} ({})", r.id(), r.revision(), r.state());
              }
              rollout = r;
            }
          } catch (Doc.Invalid e) {
            log.warn("retained rollout refused: {}", e.getMessage());
          }
        });
  }

  private void onReport(InboundMessage m) {
    view.accept(m.topic(), m.payload());
  }

  /**
   * Starts a rollout of a published image.
   *
   * @throws IllegalStateException (in the stage) if a rollout is RUNNING or PAUSED
   */
  public CompletionStage<Rollout> begin(String id, RolloutImage image, List<Wave> waves) {
    return onExec(
        () -> {
          Rollout cur = rollout;
          if (cur != null && !cur.state().isFinal()) {
            throw new IllegalStateException(
                "rollout " + cur.id() + " is " + cur.state() + ": abort it first");
          }
          var now = clock.instant();
          Rollout r =
              new Rollout(
                  id,
                  cur == null ? 1 : cur.revision() + 1,
                  image,
                  RolloutState.RUNNING,
                  0,
                  false,
                  waves,
                  now,
                  now,
                  now,
                  "started");
          return change(r, "start", "image " + image + ", " + waves.size() + " waves");
        });
  }

  /** Pauses a running rollout (gateways start no new install). */
  public CompletionStage<Rollout> pause(String why) {
    return onExec(
        () -> {
          Rollout r = current(RolloutState.RUNNING);
          return change(
              r.next(RolloutState.PAUSED, r.wave(), false, clock.instant(), "paused: " + why),
              "pause",
              why);
        });
  }

  /**
   * Resumes a paused rollout: after a wave that passed and waited for approval, the next wave
   * starts; otherwise the same wave runs again with fresh soak and timeout.
   */
  public CompletionStage<Rollout> resume(String why) {
    return onExec(
        () -> {
          Rollout r = current(RolloutState.PAUSED);
          Rollout next;
          if (r.wavePassed() && r.isLastWave()) {
            next = r.next(RolloutState.DONE, r.wave(), false, clock.instant(), "approved: " + why);
          } else if (r.wavePassed()) {
            next =
                r.next(
                    RolloutState.RUNNING,
                    r.wave() + 1,
                    false,
                    clock.instant(),
                    "wave " + r.wave() + " approved: " + why);
          } else {
            next =
                r.next(RolloutState.RUNNING, r.wave(), false, clock.instant(), "resumed: " + why);
          }
          return change(next, "resume", why);
        });
  }

  /** Stops the rollout for good. */
  public CompletionStage<Rollout> abort(String why) {
    return onExec(
        () -> {
          Rollout r = rollout;
          if (r == null || r.state().isFinal()) {
            throw new IllegalStateException(
                r == null ? "there is no rollout" : "rollout " + r.id() + " is " + r.state());
          }
          return change(
              r.next(RolloutState.ABORTED, r.wave(), false, clock.instant(), "aborted: " + why),
              "abort",
              why);
        });
  }

  /**
   * Publishes a signed rollback switch (retained) and aborts the rollout it names if it still runs.
   * The switch is not verified here (the gateways do, against their trust roots).
   */
  public CompletionStage<Void> rollback(RollbackSwitches.Envelope signed) {
    return onExec(
        () -> {
          RollbackSwitch s = signed.command();
          audit.append(
              "rollback",
              s.rollout(),
              rollout == null ? 0 : rollout.revision(),
              "switch "
                  + s.id()
                  + " for "
                  + s.image()
                  + (s.gateways().isEmpty()
                      ? " (whole fleet)"
                      : " (" + s.gateways().size() + " gateways)")
                  + ", "
                  + signed.signatures().size()
                  + " signatures: "
                  + s.reason());
          await(mqtt.publish(topics.rollback(s.id()), signed.bytes(), 1, true));
          Rollout r = rollout;
          if (r != null && r.id().equals(s.rollout()) && !r.state().isFinal()) {
            change(
                r.next(
                    RolloutState.ABORTED,
                    r.wave(),
                    false,
                    clock.instant(),
                    "halted by rollback switch " + s.id() + ": " + s.reason()),
                "abort",
                "rollback switch " + s.id());
          }
          return null;
        });
  }

  /** Appends a command that changes no rollout (publishing an image) to the audit log. */
  public void audit(String action, String rolloutId, String detail) throws IOException {
    Rollout r = rollout;
    audit.append(action, rolloutId, r == null ? 0 : r.revision(), detail);
  }

  /** Judges the current wave once and moves the rollout on if the verdict says so. */
  public CompletionStage<WaveJudge.Verdict> step() {
    return onExec(
        () -> {
          Rollout r = rollout;
          if (!ready || r == null || r.state() != RolloutState.RUNNING) {
            return null;
          }
          var now = clock.instant();
          WaveJudge.Verdict v = WaveJudge.judge(r, view.gateways().values(), now);
          Rollout next = WaveJudge.apply(r, v, now);
          if (next != null) {
            change(
                next,
                v.action().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                v.reason());
          }
          return v;
        });
  }

  /**
   * Steps every {@code every} until the returned future is cancelled. The scheduled task only
   * queues the step behind itself: waiting for it there would wait for the executor's only thread,
   * which is the one waiting.
   */
  public ScheduledFuture<?> drive(Duration every) {
    return exec.scheduleWithFixedDelay(
        () ->
            step()
                .whenComplete(
                    (v, e) -> {
                      if (e != null) {
                        log.warn("rollout step failed: {}", e.toString());
                      }
                    }),
        0,
        every.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private Rollout current(RolloutState expected) {
    Rollout r = rollout;
    if (r == null) {
      throw new IllegalStateException("there is no rollout");
    }
    if (r.state() != expected) {
      throw new IllegalStateException(
          "rollout " + r.id() + " is " + r.state() + ", not " + expected);
    }
    return r;
  }

  /** Audits, then publishes (retained, acknowledged) and adopts {@code next}. Runs on exec. */
  private Rollout change(Rollout next, String action, String detail) throws IOException {
    audit.append(action, next.id(), next.revision(), detail);
    await(mqtt.publish(topics.rollout(), RolloutJson.write(next), 1, true));
    rollout = next;
    log.info(
        "rollout {} revision {}: {} wave {} ({})",
        next.id(),
        next.revision(),
        next.state(),
        next.wave(),
        next.reason());
    return next;
  }

  private static void await(CompletionStage<Void> publish) throws IOException {
    try {
      publish.toCompletableFuture().get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while publishing", e);
    } catch (ExecutionException e) {
      throw new IOException("publish failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the broker did not acknowledge within " + PUBLISH_TIMEOUT, e);
    }
  }

  private interface Work<T> {
    T run() throws Exception;
  }

  private <T> CompletionStage<T> onExec(Work<T> w) {
    CompletableFuture<T> f = new CompletableFuture<>();
    exec.execute(
        () -> {
          try {
            f.complete(w.run());
          } catch (Exception e) {
            f.completeExceptionally(e);
          }
        });
    return f;
  }
}
