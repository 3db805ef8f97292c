package io.edgerule.ota.device;

import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.image.ImageRejected;
import io.edgerule.ota.image.ImageVerifier;
import io.edgerule.ota.image.VerifiedImage;
import io.edgerule.ota.image.VerifyContext;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.sandbox.ShadowReport;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device side of an update: stage a verified image in the free slot, try it (self-test vectors,
 * shadow mode beside the running versions, then live under the health gate for the trial window)
 * and commit it, or roll back to the committed slot by itself. Every transition is persisted in the
 * store, then published ({@link StatusPublisher}); after a restart the last one is published again,
 * a live trial resumes, and a fallback made at start is reported.
 *
 * <p>All work runs on the lent single-threaded scheduler; no method blocks its caller. One update
 * at a time: another arriving meanwhile is rejected with the reason.
 */
public final class DeviceUpdater {
  private static final Logger log = LoggerFactory.getLogger(DeviceUpdater.class);

  private final ImageStore store;
  private final DeployPort port;
  private final TrialPolicy policy;
  private final HealthGate gate;
  private final ScheduledExecutorService exec;
  private final Clock clock;
  private final UpdateRecords records;
  private final StatusLog statusLog;
  private CompletableFuture<UpdateStatus> current; // touched only on exec
  private Instant pendingTimeFloor; // of the image on trial; touched only on exec
  private SlotImage living; // the image live on trial; null ends its health checks (exec only)

  /**
   * @param exec a single-threaded scheduler the updater runs on (not shut down by it)
   */
  public DeviceUpdater(
      ImageStore store,
      DeployPort port,
      StatusPublisher publisher,
      TrialPolicy policy,
      ScheduledExecutorService exec,
      Clock clock) {
    this.store = store;
    this.port = port;
    this.policy = policy;
    this.gate = new HealthGate(policy);
    this.exec = exec;
    this.clock = clock;
    this.records = new UpdateRecords(store.folder());
    this.statusLog = new StatusLog(store, records, publisher, clock);
  }

  /** The last transition (also one from before a restart); null if there never was an update. */
  public UpdateStatus status() {
    return statusLog.last();
  }

  /**
   * Call once after the gateway has loaded its rules: reports a fallback made at start, resumes a
   * live trial, or publishes the last status again (the retained message may have been lost).
   */
  public CompletionStage<UpdateStatus> start(BootChoice boot) {
    CompletableFuture<UpdateStatus> done = new CompletableFuture<>();
    exec.execute(
        () -> {
          if (boot.fallback().isPresent()) {
            done.complete(
                report(
                    boot.fellBackFrom().orElse(null),
                    UpdateState.ROLLED_BACK,
                    boot.fallback().get()));
          } else if (boot.onTrial()) {
            SlotImage image = boot.image().orElseThrow();
            current = done;
            living = image;
            report(
                image.id(),
                UpdateState.TRIAL,
                "live: resumed after a restart (start " + boot.boots() + " of the trial)");
            live(image, Instant.now(clock), port.health(image.rules()));
          } else if (status() != null && !status().state().isFinal()) {
            UpdateStatus last = status();
            // Restarted before the image went live (REJECTED: nothing had changed), or during a
            // rollback whose pointer was already back (ROLLED_BACK); say what runs.
            boolean wasLive = last.state() == UpdateState.TRIAL && last.detail().startsWith("live");
            boolean committed = wasLive && last.image() != null && last.image().equals(running());
            String why =
                "the gateway restarted during " + last.state() + " (" + last.detail() + ")";
            done.complete(
                committed
                    ? report(last.image(), UpdateState.COMMITTED, "committed just before a restart")
                    : report(
                        last.image(),
                        wasLive ? UpdateState.ROLLED_BACK : UpdateState.REJECTED,
                        why));
          } else {
            statusLog.republish();
            done.complete(status());
          }
        });
    return done;
  }

  /**
   * Installs a verified image; completes with the final status (COMMITTED, ROLLED_BACK or
   * REJECTED).
   */
  public CompletionStage<UpdateStatus> install(VerifiedImage image) {
    CompletableFuture<UpdateStatus> done = new CompletableFuture<>();
    exec.execute(
        () -> {
          if (current == null || current.isDone()) {
            pendingTimeFloor = image.timeFloor();
          }
          begin(SlotImages.of(image), done);
        });
    return done;
  }

  /**
   * Verifies a downloaded {@code .rimg} against the gateway's trust root, its anti-rollback floor
   * and the latest time it has verified, then installs it; an image that fails verification is
   * REJECTED with the reason.
   */
  public CompletionStage<UpdateStatus> installFile(
      byte[] file, String name, TrustRoot root, GatewayVersion gatewayVersion) {
    VerifyContext ctx =
        VerifyContext.of(
            root, Instant.now(clock), store.pointer().floor(), timeFloor(), gatewayVersion);
    try {
      return install(new ImageVerifier().verify(file, name, ctx));
    } catch (ImageRejected e) {
      return reject((ImageId) null, name + " not verified: " + e.reason() + ": " + e.getMessage());
    }
  }

  /**
   * The latest time this gateway has verified (the time floor of the last committed image): a clock
   * behind it is reported by the verifier instead of trusted.
   */
  public Optional<Instant> timeFloor() {
    return records.timeFloor();
  }

  /** Installs an image's content; completes with the final status. */
  public CompletionStage<UpdateStatus> install(SlotImage image) {
    CompletableFuture<UpdateStatus> done = new CompletableFuture<>();
    exec.execute(() -> begin(image, done));
    return done;
  }

  /** Reports an update that failed before it could be staged (download, verification). */
  public CompletionStage<UpdateStatus> reject(ImageId image, String reason) {
    return CompletableFuture.supplyAsync(() -> report(image, UpdateState.REJECTED, reason), exec);
  }

  /**
   * Returns from {@code image} to the image committed before it (a verified rollback switch): a
   * live trial of it is rolled back; if it is the committed image, the image committed before it
   * (or the config's rules, if they ran before it) is active and committed again and deployed
   * ({@link ImageStore#revertToPrevious}; the anti-rollback floor does not fall). Reported as
   * ROLLED_BACK with {@code why}.
   *
   * @return the ROLLED_BACK status; the last status when the gateway neither runs nor tries {@code
   *     image} (nothing to do); completes exceptionally, nothing changed, when it cannot return
   */
  public CompletionStage<UpdateStatus> revert(ImageId image, String why) {
    CompletableFuture<UpdateStatus> done = new CompletableFuture<>();
    exec.execute(() -> revertOnExec(image, why, done));
    return done;
  }

  private void revertOnExec(ImageId image, String why, CompletableFuture<UpdateStatus> done) {
    if (!image.equals(running())) {
      done.complete(status());
    } else if (living != null && living.id().equals(image)) {
      current.whenComplete((s, e) -> done.complete(s));
      rollBack(image, why);
    } else if (current != null && !current.isDone()) {
      done.completeExceptionally(
          new ImageStoreException("another update is in progress: " + statusLog.describeLast()));
    } else {
      try {
        Slot back = store.pointer().previous();
        Optional<SlotImage> previous = back == null ? Optional.empty() : store.read(back);
        store.revertToPrevious();
        current = done;
        (previous.isPresent() ? port.deploy(previous.get()) : port.deployConfigured())
            .whenCompleteAsync(
                (r, e) ->
                    finish(
                        report(
                            image,
                            UpdateState.ROLLED_BACK,
                            e == null ? why : why + "; deploying it failed: " + cause(e))),
                exec);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }
  }

  /** Reports a transition of a download in progress. */
  public void downloading(ImageId image, String progress) {
    exec.execute(() -> report(image, UpdateState.DOWNLOADING, progress));
  }

  private void begin(SlotImage image, CompletableFuture<UpdateStatus> done) {
    if (current != null && !current.isDone()) {
      // Published, not kept: the status kept is the update in progress's.
      UpdateStatus busy =
          statusLog.publishOnly(
              image.id(),
              UpdateState.REJECTED,
              "another update is in progress: " + statusLog.describeLast());
      done.complete(busy);
      return;
    }
    current = done;
    Slot slot;
    SlotImage staged;
    try {
      slot = store.stage(image);
      staged = store.read(slot).orElseThrow();
    } catch (IOException | RuntimeException e) {
      finish(report(image.id(), UpdateState.REJECTED, "not staged: " + e.getMessage()));
      return;
    }
    report(image.id(), UpdateState.STAGED, "slot " + slot);
    report(image.id(), UpdateState.TRIAL, "self-test");
    port.selfTest(staged)
        .whenCompleteAsync(
            (failures, e) -> {
              if (e != null || !failures.isEmpty()) {
                reject(
                    image,
                    "self-test failed: " + (e != null ? cause(e) : String.join("; ", failures)));
              } else {
                shadow(slot, staged);
              }
            },
            exec);
  }

  private void shadow(Slot slot, SlotImage image) {
    if (policy.shadowWindow().isZero()) {
      goLive(slot, image);
      return;
    }
    report(image.id(), UpdateState.TRIAL, "shadow");
    port.startShadow(image)
        .whenCompleteAsync(
            (shadowed, e) -> {
              if (e != null) {
                reject(image, "shadow start failed: " + cause(e));
                return;
              }
              exec.schedule(
                  () ->
                      port.stopShadow()
                          .whenCompleteAsync(
                              (reports, e2) -> judgeShadow(slot, image, reports, e2), exec),
                  policy.shadowWindow().toMillis(),
                  TimeUnit.MILLISECONDS);
            },
            exec);
  }

  private void judgeShadow(
      Slot slot, SlotImage image, Map<String, ShadowReport> reports, Throwable e) {
    if (e != null) {
      reject(image, "shadow stop failed: " + cause(e));
      return;
    }
    Optional<String> bad = ShadowVerdict.failures(reports);
    if (bad.isPresent()) {
      reject(image, bad.get());
      return;
    }
    goLive(slot, image);
  }

  private void goLive(Slot slot, SlotImage image) {
    try {
      store.beginTrial(slot);
    } catch (RuntimeException ex) {
      reject(image, "cannot start the trial: " + ex.getMessage());
      return;
    }
    living = image;
    report(image.id(), UpdateState.TRIAL, "live");
    port.deploy(image)
        .whenCompleteAsync(
            (result, e) -> {
              if (living != image) {
                return; // given up meanwhile (a rollback switch)
              }
              if (e != null) {
                rollBack(image.id(), "deploy failed: " + cause(e));
              } else {
                live(image, Instant.now(clock), port.health(image.rules()));
              }
            },
            exec);
  }

  /** The health gate: checks every checkEvery until the trial window has passed, then commits. */
  private void live(SlotImage image, Instant since, RuleHealth before) {
    if (living != image) {
      return; // the trial ended otherwise (a rollback switch)
    }
    RuleHealth now = port.health(image.rules());
    boolean windowOver = !Instant.now(clock).isBefore(since.plus(policy.trialWindow()));
    String why = gate.judge(before, now, windowOver).orElse(null);
    if (why != null) {
      rollBack(image.id(), "health gate: " + why);
    } else if (windowOver) {
      try {
        store.commit();
        raiseTimeFloor();
      } catch (RuntimeException e) {
        rollBack(image.id(), "commit failed: " + e.getMessage());
        return;
      }
      finish(report(image.id(), UpdateState.COMMITTED, HealthGate.summary(before, now)));
    } else {
      exec.schedule(
          () -> live(image, since, before), policy.checkEvery().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Like the security floor, the time floor rises only at commit. */
  private void raiseTimeFloor() {
    Instant t = pendingTimeFloor;
    pendingTimeFloor = null;
    if (t != null) {
      records.raiseTimeFloor(t);
    }
  }

  private void rollBack(ImageId image, String why) {
    living = null; // no health check of the trial runs during the rollback
    Optional<SlotImage> back;
    try {
      store.rollBack();
      Slot committed = store.pointer().committed();
      back = committed == null ? Optional.empty() : store.read(committed);
    } catch (RuntimeException e) {
      log.error("rollback of {} failed: {}", image, e.getMessage());
      finish(report(image, UpdateState.ROLLED_BACK, why + "; rollback failed: " + e.getMessage()));
      return;
    }
    CompletionStage<DeployResult> deployed =
        back.isPresent() ? port.deploy(back.get()) : port.deployConfigured();
    deployed.whenCompleteAsync(
        (r, e) ->
            finish(
                report(
                    image,
                    UpdateState.ROLLED_BACK,
                    e == null
                        ? why
                        : why + "; redeploying the committed rules failed: " + cause(e))),
        exec);
  }

  private void reject(SlotImage image, String why) {
    finish(report(image.id(), UpdateState.REJECTED, why));
  }

  private void finish(UpdateStatus status) {
    living = null;
    CompletableFuture<UpdateStatus> c = current;
    if (c != null) {
      c.complete(status);
    }
  }

  private UpdateStatus report(ImageId image, UpdateState state, String detail) {
    return statusLog.report(image, state, detail);
  }

  private ImageId running() {
    return statusLog.running();
  }

  private static String cause(Throwable e) {
    Throwable c =
        e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause()
            : e;
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }
}
