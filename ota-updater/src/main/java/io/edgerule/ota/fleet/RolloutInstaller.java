package io.edgerule.ota.fleet;

import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.ImageDownload;
import io.edgerule.ota.device.MqttImageFetch;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.trust.TrustRoot;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@link RolloutFollower}'s install of one rollout image: refuses an image larger than the
 * gateway takes, downloads it ({@link MqttImageFetch}: index, then the chunks, resumable), and
 * hands the file to the {@link DeviceUpdater} (verify, stage, trial, commit or roll back). A
 * download that fails or times out is reported {@code REJECTED} by the updater.
 */
final class RolloutInstaller {
  private final RolloutFollower.Settings settings;
  private final MqttLink mqtt;
  private final DeviceUpdater updater;
  private final Supplier<TrustRoot> trust;
  private final Executor exec;

  RolloutInstaller(
      RolloutFollower.Settings settings,
      MqttLink mqtt,
      DeviceUpdater updater,
      Supplier<TrustRoot> trust,
      Executor exec) {
    this.settings = settings;
    this.mqtt = mqtt;
    this.updater = updater;
    this.trust = trust;
    this.exec = exec;
  }

  /**
   * Installs {@code image}. Never fails: completes with how the install ended (the updater's last
   * status; {@code REJECTED} when the image was too large or its download failed), or null if even
   * that could not be recorded.
   */
  CompletionStage<UpdateStatus> install(RolloutImage image) {
    CompletableFuture<UpdateStatus> ended = new CompletableFuture<>();
    if (image.size() > settings.maxImageBytes()) {
      updater
          .reject(
              image.id(),
              "the image's "
                  + image.size()
                  + " bytes are more than this gateway takes ("
                  + settings.maxImageBytes()
                  + "): not downloaded")
          .whenComplete((x, y) -> ended.complete(x));
      return ended;
    }
    CompletableFuture<ImageDownload> download = new CompletableFuture<>();
    download(image, download)
        .thenComposeAsync(
            bytes ->
                updater.installFile(
                    bytes,
                    image.id().name() + "-" + image.id().version() + ".rimg",
                    trust.get(),
                    settings.version()),
            exec)
        .whenCompleteAsync(
            (st, e) -> {
              download.thenAccept(RolloutInstaller::closeQuietly);
              if (e != null) {
                updater
                    .reject(image.id(), "download failed: " + RolloutFollower.cause(e))
                    .whenComplete((x, y) -> ended.complete(x));
              } else {
                ended.complete(st);
              }
            },
            exec);
    return ended;
  }

  /**
   * Fetches the whole file (checked against the index's SHA-256), given up after the download
   * timeout; {@code opened} completes with the part file once it is open, for closing.
   */
  private CompletableFuture<byte[]> download(
      RolloutImage image, CompletableFuture<ImageDownload> opened) {
    String prefix = settings.topics().prefix();
    updater.downloading(image.id(), "waiting for the index");
    return MqttImageFetch.index(mqtt, prefix, image.sha256())
        .thenApplyAsync(
            idx -> {
              if (idx.size() != image.size()) {
                throw new IllegalArgumentException(
                    "index says " + idx.size() + " bytes, the rollout " + image.size());
              }
              try {
                ImageDownload d = new ImageDownload(settings.downloads(), idx);
                opened.complete(d);
                return d;
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            },
            exec)
        .thenCompose(
            d ->
                MqttImageFetch.fetch(
                    mqtt,
                    prefix,
                    d,
                    p -> updater.downloading(image.id(), p),
                    settings.chunkTimeout(),
                    exec))
        .toCompletableFuture()
        .orTimeout(settings.downloadTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void closeQuietly(ImageDownload d) {
    try {
      d.close();
    } catch (IOException e) {
      // the part file stays; the next download of the image reopens it
    }
  }
}
