package io.edgerule.ota.fleet;

import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.HttpDownloads;
import io.edgerule.ota.device.HttpImageFetch;
import io.edgerule.ota.device.ImageDownload;
import io.edgerule.ota.device.MqttImageFetch;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.trust.TrustRoot;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RolloutFollower}'s install of one rollout image: refuses an image larger than the
 * gateway takes, downloads it ({@link MqttImageFetch}: index, then the chunks, resumable), and
 * hands the file to the {@link DeviceUpdater} (verify, stage, trial, commit or roll back). A
 * download that fails or is not complete after the download timeout is reported {@code REJECTED} by
 * the updater; a source that stalls is asked again or left for the next one meanwhile.
 */
final class RolloutInstaller {
  private static final Logger log = LoggerFactory.getLogger(RolloutInstaller.class);

  private final RolloutFollower.Settings settings;
  private final MqttLink mqtt;
  private final DeviceUpdater updater;
  private final Supplier<TrustRoot> trust;
  private final Executor exec;
  private final HttpDownloads http;

  RolloutInstaller(
      RolloutFollower.Settings settings,
      MqttLink mqtt,
      DeviceUpdater updater,
      Supplier<TrustRoot> trust,
      Executor exec,
      HttpDownloads http) {
    this.settings = settings;
    this.mqtt = mqtt;
    this.updater = updater;
    this.trust = trust;
    this.exec = exec;
    this.http = http;
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
   *
   * <p>The index always comes over MQTT (retained on {@code <prefix>/images/<sha256>/index},
   * checked to be the index of the rollout's {@code sha256}); it holds the hash of every chunk, so
   * whatever source the bytes come from, each chunk is checked before it is kept. Sources in order:
   * the image's URLs that {@code ota.http} allows (one after another, each until it brought nothing
   * {@link HttpImageFetch#MAX_FRUITLESS_ATTEMPTS} connections in a row), then the MQTT chunks
   * unless {@code mqtt_fallback} is off. Chunks from any source count for the next one.
   */
  private CompletableFuture<byte[]> download(
      RolloutImage image, CompletableFuture<ImageDownload> opened) {
    String prefix = settings.topics().prefix();
    updater.downloading(image.id(), "waiting for the index");
    Fetching fetching = new Fetching();
    CompletableFuture<byte[]> whole =
        MqttImageFetch.index(mqtt, prefix, image.sha256())
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
            .thenCompose(d -> fromUrls(image, d, 0, new ArrayList<>(), fetching))
            .toCompletableFuture();
    long timeout = settings.downloadTimeout().toMillis();
    return whole
        .orTimeout(timeout, TimeUnit.MILLISECONDS)
        .handle(
            (bytes, e) -> {
              if (e == null) {
                return bytes;
              }
              fetching.stop();
              if (e instanceof TimeoutException) {
                throw new CompletionException(timedOut(timeout, opened.getNow(null)));
              }
              throw e instanceof CompletionException c ? c : new CompletionException(e);
            });
  }

  /**
   * The source being fetched now, so that the end of the download (its timeout) stops it: an HTTP
   * fetch stops reading (its thread is free), an MQTT fetch ends its subscription and asks no more.
   * A source the download moves on to after its end is stopped at once.
   */
  private static final class Fetching {
    private CompletableFuture<byte[]> fetch; // guarded by this
    private boolean stopped; // guarded by this

    synchronized void start(CompletableFuture<byte[]> f) {
      if (stopped) {
        f.cancel(false);
      } else {
        fetch = f;
      }
    }

    synchronized void stop() {
      stopped = true;
      if (fetch != null) {
        fetch.cancel(false);
      }
    }
  }

  /** Why a download ended at the download timeout, and how far it got. */
  private static TimeoutException timedOut(long timeoutMillis, ImageDownload d) {
    return new TimeoutException(
        "not complete after "
            + timeoutMillis
            + " ms (the download timeout)"
            + (d == null
                ? ": no index yet"
                : ": " + d.chunksHeld() + " of " + chunks(d) + " held"));
  }

  /**
   * Tries URL {@code i} and the ones after it, then the MQTT chunks; {@code failed} says why not.
   */
  private CompletionStage<byte[]> fromUrls(
      RolloutImage image, ImageDownload d, int i, List<String> failed, Fetching fetching) {
    if (i >= image.urls().size()) {
      return fromMqtt(image, d, failed, fetching);
    }
    URI url = image.urls().get(i);
    Optional<String> refused = http.refusal(url);
    if (refused.isPresent()) {
      log.warn("OTA: {} not downloaded from {}: {}", image, url, refused.get());
      failed.add(url + ": " + refused.get());
      updater.downloading(image.id(), "refused " + url + ": " + refused.get());
      return fromUrls(image, d, i + 1, failed, fetching);
    }
    String source = "over " + url;
    updater.downloading(image.id(), source + ": " + d.chunksHeld() + " of " + chunks(d));
    CompletableFuture<byte[]> fetch =
        HttpImageFetch.fetch(
            http.client(),
            url,
            d,
            p -> updater.downloading(image.id(), source + ": " + p),
            settings.chunkTimeout(),
            http.exec());
    fetching.start(fetch);
    return fetch
        .<CompletionStage<byte[]>>handle(
            (bytes, e) -> {
              if (e == null) {
                return CompletableFuture.completedFuture(bytes);
              }
              String why = RolloutFollower.cause(e);
              log.warn("OTA: download of {} from {} failed: {}", image, url, why);
              failed.add(why.startsWith(url.toString()) ? why : url + ": " + why);
              return fromUrls(image, d, i + 1, failed, fetching);
            })
        .thenCompose(x -> x);
  }

  private CompletionStage<byte[]> fromMqtt(
      RolloutImage image, ImageDownload d, List<String> failed, Fetching fetching) {
    if (!failed.isEmpty() && !http.mqttFallback()) {
      return CompletableFuture.failedFuture(
          new IOException(
              String.join("; ", failed) + "; no MQTT fallback (ota.http.mqtt_fallback: false)"));
    }
    String source = failed.isEmpty() ? "over MQTT" : "over MQTT (the URLs failed)";
    updater.downloading(image.id(), source + ": " + d.chunksHeld() + " of " + chunks(d));
    CompletableFuture<byte[]> fetch =
        MqttImageFetch.fetch(
            mqtt,
            settings.topics().prefix(),
            d,
            p -> updater.downloading(image.id(), source + ": " + p),
            settings.chunkTimeout(),
            exec);
    fetching.start(fetch);
    if (failed.isEmpty()) {
      return fetch;
    }
    // the reason for REJECTED names what the URLs did too
    return fetch
        .<CompletionStage<byte[]>>handle(
            (bytes, e) -> {
              if (e == null) {
                return CompletableFuture.completedFuture(bytes);
              }
              return CompletableFuture.<byte[]>failedFuture(
                  new IOException(
                      String.join("; ", failed) + "; over MQTT: " + RolloutFollower.cause(e), e));
            })
        .thenCompose(x -> x);
  }

  private static String chunks(ImageDownload d) {
    return d.index().chunks().size() + " chunks";
  }

  private static void closeQuietly(ImageDownload d) {
    try {
      d.close();
    } catch (IOException e) {
      // the part file stays; the next download of the image reopens it
    }
  }
}
