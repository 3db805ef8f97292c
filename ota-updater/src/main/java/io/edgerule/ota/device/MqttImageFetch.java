package io.edgerule.ota.device;

import io.edgerule.mqtt.InboundMessage;
import io.edgerule.mqtt.MqttTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Downloads an image over MQTT: the fleet publishes, retained, the image's {@link DownloadIndex} on
 * {@code <prefix>/images/<sha256>/index} and each chunk as raw bytes on {@code
 * <prefix>/images/<sha256>/chunks/<n>}. Retained messages and standard MQTT 3.1.1 only, so any
 * broker (clustered ones included) serves them and no fleet process has to be online.
 *
 * <p>The gateway subscribes to the chunks with QoS 1; each is checked against its hash and kept
 * ({@link ImageDownload}). After a reconnect the transport restores the subscription and the broker
 * sends the retained chunks again (the ones held are skipped); after a restart the part file is
 * rescanned and the fetch starts again from what it holds.
 */
public final class MqttImageFetch {
  private MqttImageFetch() {}

  public static String indexTopic(String prefix, String sha256) {
    return prefix + "/images/" + sha256 + "/index";
  }

  public static String chunksFilter(String prefix, String sha256) {
    return prefix + "/images/" + sha256 + "/chunks/+";
  }

  public static String chunkTopic(String prefix, String sha256, int n) {
    return prefix + "/images/" + sha256 + "/chunks/" + n;
  }

  /** Reads the retained index of image {@code sha256}. */
  public static CompletionStage<DownloadIndex> index(
      MqttTransport mqtt, String prefix, String sha256) {
    return index(MqttLink.of(mqtt), prefix, sha256);
  }

  /** Reads the retained index of image {@code sha256}. */
  public static CompletionStage<DownloadIndex> index(MqttLink mqtt, String prefix, String sha256) {
    CompletableFuture<DownloadIndex> done = new CompletableFuture<>();
    String topic = indexTopic(prefix, sha256);
    mqtt.subscribe(
            topic,
            1,
            m -> {
              try {
                DownloadIndex idx = DownloadIndex.parse(m.payload(), topic);
                if (!idx.sha256().equals(sha256)) {
                  throw new IllegalArgumentException(topic + ": index of another image");
                }
                done.complete(idx);
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            })
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                done.completeExceptionally(e);
              }
            });
    return done.whenComplete((v, e) -> mqtt.unsubscribe(topic));
  }

  /**
   * Fetches every chunk {@code download} does not hold yet; completes with the whole image once its
   * SHA-256 matched.
   *
   * @param progress told "n of m chunks" as chunks arrive (about every tenth)
   */
  public static CompletionStage<byte[]> fetch(
      MqttTransport mqtt, String prefix, ImageDownload download, Consumer<String> progress) {
    return fetch(MqttLink.of(mqtt), prefix, download, progress);
  }

  /** As {@link #fetch(MqttTransport, String, ImageDownload, Consumer)}, on any {@link MqttLink}. */
  public static CompletionStage<byte[]> fetch(
      MqttLink mqtt, String prefix, ImageDownload download, Consumer<String> progress) {
    return fetch(mqtt, prefix, download, progress, null, null);
  }

  /**
   * As {@link #fetch(MqttLink, String, ImageDownload, Consumer)}, given up when no new chunk has
   * arrived for {@code stall} (a broker that lost a retained chunk, a publisher that stopped): the
   * stage fails with a {@link TimeoutException}, the subscription ends, and the chunks held stay in
   * the part file for the next attempt. Looked at about every quarter of {@code stall}, on {@code
   * timer}.
   */
  public static CompletionStage<byte[]> fetch(
      MqttLink mqtt,
      String prefix,
      ImageDownload download,
      Consumer<String> progress,
      Duration stall,
      Executor timer) {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    if (download.complete()) {
      finish(download, done);
      return done;
    }
    DownloadIndex idx = download.index();
    String filter = chunksFilter(prefix, idx.sha256());
    String stem = filter.substring(0, filter.length() - 1);
    int step = Math.max(1, idx.chunks().size() / 10);
    mqtt.subscribe(filter, 1, m -> chunk(m, stem, download, step, progress, done))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                done.completeExceptionally(e);
              }
            });
    if (stall != null) {
      watch(download, done, stall, timer, download.chunksHeld(), System.nanoTime());
    }
    return done.whenComplete((v, e) -> mqtt.unsubscribe(filter));
  }

  private static void watch(
      ImageDownload d,
      CompletableFuture<byte[]> done,
      Duration stall,
      Executor timer,
      int held,
      long since) {
    if (done.isDone()) {
      return;
    }
    int now = d.chunksHeld();
    long t = System.nanoTime();
    if (now != held) {
      held = now;
      since = t;
    } else if (t - since >= stall.toNanos()) {
      done.completeExceptionally(
          new TimeoutException(
              "no chunk arrived for "
                  + stall.toMillis()
                  + " ms ("
                  + now
                  + " of "
                  + d.index().chunks().size()
                  + " held)"));
      return;
    }
    int h = held;
    long s = since;
    CompletableFuture.delayedExecutor(
            Math.max(1, stall.toMillis() / 4), TimeUnit.MILLISECONDS, timer)
        .execute(() -> watch(d, done, stall, timer, h, s));
  }

  private static void chunk(
      InboundMessage m,
      String stem,
      ImageDownload download,
      int step,
      Consumer<String> progress,
      CompletableFuture<byte[]> done) {
    if (done.isDone()) {
      return;
    }
    try {
      int n = Integer.parseInt(m.topic().substring(stem.length()));
      int before = download.chunksHeld();
      if (download.accept(n, m.payload()) && download.chunksHeld() > before) {
        int held = download.chunksHeld();
        if (held % step == 0) {
          progress.accept(held + " of " + download.index().chunks().size() + " chunks");
        }
      }
      if (download.complete()) {
        finish(download, done);
      }
    } catch (NumberFormatException e) {
      // not a chunk topic of ours: ignored (counted by the download as nothing)
    } catch (IOException | RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  private static void finish(ImageDownload download, CompletableFuture<byte[]> done) {
    try {
      done.complete(download.finish());
    } catch (IOException e) {
      done.completeExceptionally(e);
    }
  }
}
