package io.edgerule.ota.device;

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
 * One update's way through the gateway, for the {@link DeviceUpdater}: stage in the free slot,
 * self-test, shadow beside the running versions, live under the health gate for the trial window,
 * then commit, or roll back to the committed slot. Holds the update in progress (one at a time) and
 * the image live on trial; every method runs on the updater's single thread ({@code exec}).
 */
final class InstallPipeline {
  private static final Logger log = LoggerFactory.getLogger(InstallPipeline.class);

  private final ImageStore store;
  private final DeployPort port;
  private final TrialPolicy policy;
  private final HealthGate gate;
  private final ScheduledExecutorService exec;
  private final Clock clock;
  private final UpdateRecords records;
  private final StatusLog statusLog;
  private CompletableFuture<UpdateStatus> current;
  private Instant pendingTimeFloor; // of the image on trial
  private SlotImage living; // the image live on trial; null ends its health checks

  InstallPipeline(
      ImageStore store,
      DeployPort port,
      TrialPolicy policy,
      ScheduledExecutorService exec,
      Clock clock,
      UpdateRecords records,
      StatusLog statusLog) {
    this.store = store;
    this.port = port;
    this.policy = policy;
    this.gate = new HealthGate(policy);
    this.exec = exec;
    this.clock = clock;
    this.records = records;
    this.statusLog = statusLog;
  }

  /** An update (install or revert) is in progress. */
  boolean busy() {
    return current != null && !current.isDone();
  }

  /** {@code image} is live on trial (its health checks run). */
  boolean isLive(ImageId image) {
    return living != null && living.id().equals(image);
  }

  /** Starts installing a verified image; its time floor is raised if it is committed. */
  void begin(SlotImage image, Instant timeFloor, CompletableFuture<UpdateStatus> done) {
    if (!busy()) {
      pendingTimeFloor = timeFloor;
    }
    begin(image, done);
  }

  /** Starts installing an image; {@code done} completes with its final status. */
  void begin(SlotImage image, CompletableFuture<UpdateStatus> done) {
    if (busy()) {
      // Published, not kept: the status kept is the update in progress's.
      UpdateStatus refused =
          statusLog.publishOnly(
              image.id(),
              UpdateState.REJECTED,
              "another update is in progress: " + statusLog.describeLast());
      done.complete(refused);
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
                    "self-test failed: "
                        + (e != null ? Failures.message(e) : String.join("; ", failures)));
              } else {
                shadow(slot, staged);
              }
            },
            exec);
  }

  /** A live trial interrupted by a restart goes on: its health gate and window start again. */
  void resumeLive(SlotImage image, String detail, CompletableFuture<UpdateStatus> done) {
    current = done;
    living = image;
    report(image.id(), UpdateState.TRIAL, detail);
    live(image, Instant.now(clock), port.health(image.rules()));
  }

  /** Ends the live trial of {@code image} at once (rolled back); {@code done} gets its status. */
  void abortLive(ImageId image, String why, CompletableFuture<UpdateStatus> done) {
    current.whenComplete((s, e) -> done.complete(s));
    rollBack(image, why);
  }

  /** An update made outside the pipeline (a revert) holds it until {@link #finish}. */
  void track(CompletableFuture<UpdateStatus> done) {
    current = done;
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
                reject(image, "shadow start failed: " + Failures.message(e));
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
      reject(image, "shadow stop failed: " + Failures.message(e));
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
                rollBack(image.id(), "deploy failed: " + Failures.message(e));
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
                        : why
                            + "; redeploying the committed rules failed: "
                            + Failures.message(e))),
        exec);
  }

  private void reject(SlotImage image, String why) {
    finish(report(image.id(), UpdateState.REJECTED, why));
  }

  /** Ends the update in progress with its final status. */
  void finish(UpdateStatus status) {
    living = null;
    CompletableFuture<UpdateStatus> c = current;
    if (c != null) {
      c.complete(status);
    }
  }

  private UpdateStatus report(ImageId image, UpdateState state, String detail) {
    return statusLog.report(image, state, detail);
  }
}
