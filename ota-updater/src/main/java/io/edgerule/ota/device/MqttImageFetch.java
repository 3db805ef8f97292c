package io.edgerule.ota.device;

import io.edgerule.mqtt.InboundMessage;
import io.edgerule.mqtt.MqttTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Downloads an image over MQTT: the fleet publishes, retained, the image's {@link DownloadIndex} on
 * {@code <prefix>/images/<sha256>/index} and each chunk as raw bytes on {@code
 * <prefix>/images/<sha256>/chunks/<n>}. Retained messages and standard MQTT 3.1.1 only, so any
 * broker (clustered ones included) serves them and no fleet process has to be online.
 *
 * <p>The gateway subscribes to the chunks with QoS 1; each is checked against its hash and kept
 * ({@link ImageDownload}). After a reconnect the transport restores the subscription and the broker
 * sends the retained chunks again (the ones held are skipped); so does a fetch that got no new
 * chunk for its stall time, by subscribing again. After a restart the part file is rescanned and
 * the fetch starts again from what it holds. How long a download may take in all is the caller's
 * (the rollout follower's download timeout), not the fetch's.
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
  public static CompletableFuture<byte[]> fetch(
      MqttLink mqtt, String prefix, ImageDownload download, Consumer<String> progress) {
    return fetch(mqtt, prefix, download, progress, null, (Ticker) null);
  }

  /**
   * As {@link #fetch(MqttLink, String, ImageDownload, Consumer)}, asking again whenever no new
   * chunk has arrived for {@code stall}: the fetch subscribes to the chunks once more, and the
   * broker sends every retained chunk again (MQTT 3.1.1: a SUBSCRIBE repeated re-sends the retained
   * messages; the chunks held are skipped). That brings back a chunk the broker dropped (a full
   * queue of a slow client) or that is slow to come. The fetch never gives up by itself: the caller
   * bounds it (the download timeout) by cancelling the returned future, which ends the
   * subscription; the chunks held stay in the part file for the next attempt.
   *
   * @param progress also told when the chunks are asked for again
   * @param timer runs the stall check, about every quarter of {@code stall}; never blocked
   */
  public static CompletableFuture<byte[]> fetch(
      MqttLink mqtt,
      String prefix,
      ImageDownload download,
      Consumer<String> progress,
      Duration stall,
      Executor timer) {
    return fetch(mqtt, prefix, download, progress, stall, Ticker.on(timer));
  }

  /** The clock and the delays the stall check runs on (a test's hand-driven ones in tests). */
  interface Ticker {
    long nanoTime();

    void after(long millis, Runnable r);

    /** {@link System#nanoTime} and the JDK's delay thread, handing over to {@code exec}. */
    static Ticker on(Executor exec) {
      return new Ticker() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void after(long millis, Runnable r) {
          CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, exec).execute(r);
        }
      };
    }
  }

  static CompletableFuture<byte[]> fetch(
      MqttLink mqtt,
      String prefix,
      ImageDownload download,
      Consumer<String> progress,
      Duration stall,
      Ticker ticker) {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    if (download.complete()) {
      finish(download, done);
      return done;
    }
    DownloadIndex idx = download.index();
    String filter = chunksFilter(prefix, idx.sha256());
    String stem = filter.substring(0, filter.length() - 1);
    int step = Math.max(1, idx.chunks().size() / 10);
    Subscription sub =
        new Subscription(mqtt, filter, m -> chunk(m, stem, download, step, progress, done), done);
    done.whenComplete((v, e) -> sub.end());
    sub.ask();
    if (stall != null) {
      new StallWatch(download, sub, progress, stall, ticker).start();
    }
    return done;
  }

  /**
   * The subscription to the chunks, asked again after a stall and ended with the fetch. Serialised
   * so that a request racing the end of the fetch never leaves a subscription behind.
   */
  private static final class Subscription {
    private final MqttLink mqtt;
    private final String filter;
    private final Consumer<InboundMessage> handler;
    private final CompletableFuture<byte[]> done;
    private boolean ended; // guarded by this

    Subscription(
        MqttLink mqtt,
        String filter,
        Consumer<InboundMessage> handler,
        CompletableFuture<byte[]> done) {
      this.mqtt = mqtt;
      this.filter = filter;
      this.handler = handler;
      this.done = done;
    }

    synchronized void ask() {
      if (ended || done.isDone()) {
        return;
      }
      mqtt.subscribe(filter, 1, handler)
          .whenComplete(
              (v, e) -> {
                if (e != null) {
                  done.completeExceptionally(e);
                }
              });
    }

    synchronized void end() {
      if (!ended) {
        ended = true;
        mqtt.unsubscribe(filter);
      }
    }
  }

  /** Asks for the chunks again whenever none came for the stall time. */
  private static final class StallWatch {
    private final ImageDownload download;
    private final Subscription sub;
    private final Consumer<String> progress;
    private final Duration stall;
    private final Ticker ticker;
    private int held;
    private long since;
    private int asked;

    StallWatch(
        ImageDownload download,
        Subscription sub,
        Consumer<String> progress,
        Duration stall,
        Ticker ticker) {
      this.download = download;
      this.sub = sub;
      this.progress = progress;
      this.stall = stall;
      this.ticker = ticker;
    }

    void start() {
      held = download.chunksHeld();
      since = ticker.nanoTime();
      next();
    }

    private void next() {
      ticker.after(Math.max(1, stall.toMillis() / 4), this::check);
    }

    private void check() {
      if (sub.done.isDone()) {
        return;
      }
      int now = download.chunksHeld();
      long t = ticker.nanoTime();
      if (now != held) {
        held = now;
        since = t;
      } else if (t - since >= stall.toNanos()) {
        since = t;
        asked++;
        progress.accept(
            "no chunk for "
                + stall.toMillis()
                + " ms, asked again ("
                + (asked == 1 ? "once" : asked + " times")
                + "): "
                + now
                + " of "
                + download.index().chunks().size()
                + " chunks");
        sub.ask();
      }
      next();
    }
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
