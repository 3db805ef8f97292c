package io.edgerule.ota.device;

import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.image.ImageRejected;
import io.edgerule.ota.image.ImageVerifier;
import io.edgerule.ota.image.VerifiedImage;
import io.edgerule.ota.image.VerifyContext;
import io.edgerule.ota.trust.TrustRoot;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The device side of an update: stage a verified image in the free slot, try it (self-test vectors,
 * shadow mode beside the running versions, then live under the health gate for the trial window)
 * and commit it, or roll back to the committed slot by itself. Every transition is persisted in the
 * store, then published ({@link StatusPublisher}); after a restart the last one is published again,
 * a live trial resumes, and a fallback made at start is reported.
 *
 * <p>All work runs on the lent single-threaded scheduler; no method blocks its caller. One update
 * at a time: another arriving meanwhile is rejected with the reason. The way of one update (stage,
 * self-test, shadow, live, commit or roll back) is the {@link InstallPipeline}'s; this class is the
 * entry point: what to report and resume after a restart, verification of downloaded files, and the
 * return to the image committed before (a rollback switch).
 */
public final class DeviceUpdater {
  private final ImageStore store;
  private final DeployPort port;
  private final ScheduledExecutorService exec;
  private final Clock clock;
  private final UpdateRecords records;
  private final StatusLog statusLog;
  private final InstallPipeline pipeline; // touched only on exec

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
    this.exec = exec;
    this.clock = clock;
    this.records = new UpdateRecords(store.folder());
    this.statusLog = new StatusLog(store, records, publisher, clock);
    this.pipeline = new InstallPipeline(store, port, policy, exec, clock, records, statusLog);
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
            pipeline.resumeLive(
                boot.image().orElseThrow(),
                "live: resumed after a restart (start " + boot.boots() + " of the trial)",
                done);
          } else if (status() != null && status().state() == UpdateState.DOWNLOADING) {
            // Nothing staged yet, nothing lost: the part file keeps the chunks, and the rollout
            // follower resumes the download (a REJECTED here would count as a failure).
            done.complete(
                report(
                    status().image(),
                    UpdateState.DOWNLOADING,
                    "resumes after a restart (" + status().detail() + ")"));
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
    exec.execute(() -> pipeline.begin(SlotImages.of(image), image.timeFloor(), done));
    return done;
  }

  /**
   * Verifies a downloaded {@code .rimg} against the gateway's trust root, its anti-rollback floor
   * and the latest time it has verified, then installs it; an image that fails verification is
   * REJECTED with the reason, under the id its manifest claims if that can be read ({@link
   * UnverifiedId}: marked unverified in the detail), else with no image.
   */
  public CompletionStage<UpdateStatus> installFile(
      byte[] file, String name, TrustRoot root, GatewayVersion gatewayVersion) {
    VerifyContext ctx =
        VerifyContext.of(
            root, Instant.now(clock), store.pointer().floor(), timeFloor(), gatewayVersion);
    try {
      return install(new ImageVerifier().verify(file, name, ctx));
    } catch (ImageRejected e) {
      String why = name + " not verified: " + e.reason() + ": " + e.getMessage();
      Optional<ImageId> claimed = UnverifiedId.read(file, name);
      return reject(
          claimed.orElse(null), claimed.isPresent() ? why + " " + UnverifiedId.MARK : why);
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
    exec.execute(() -> pipeline.begin(image, done));
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
    } else if (pipeline.isLive(image)) {
      pipeline.abortLive(image, why, done);
    } else if (pipeline.busy()) {
      done.completeExceptionally(
          new ImageStoreException("another update is in progress: " + statusLog.describeLast()));
    } else {
      try {
        Slot back = store.pointer().previous();
        Optional<SlotImage> previous = back == null ? Optional.empty() : store.read(back);
        store.revertToPrevious();
        pipeline.track(done);
        (previous.isPresent() ? port.deploy(previous.get()) : port.deployConfigured())
            .whenCompleteAsync(
                (r, e) ->
                    pipeline.finish(
                        report(
                            image,
                            UpdateState.ROLLED_BACK,
                            e == null
                                ? why
                                : why + "; deploying it failed: " + Failures.message(e))),
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

  private UpdateStatus report(ImageId image, UpdateState state, String detail) {
    return statusLog.report(image, state, detail);
  }

  private ImageId running() {
    return statusLog.running();
  }
}
