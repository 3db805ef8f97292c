package io.edgerule.ota.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Downloads an image from an HTTP(S) URL with the JDK's HttpClient, checking each chunk of the
 * stream against the {@link DownloadIndex} as it arrives. A connection that breaks is resumed with
 * a {@code Range} request from the first chunk not held (a server that ignores Range sends the
 * whole file again; the chunks held are skipped); a restart resumes from the part file.
 *
 * <p>The fetch blocks a thread of the executor it is given while it reads. A connection that brings
 * no new chunk for the stall time is broken off (the reading thread is interrupted: the JDK's
 * response stream then closes) and counts as a connection that brought nothing; so does a chunk
 * that does not match its hash (a server sending other bytes), which is never written. Cancelling
 * the returned future ends the fetch the same way.
 */
public final class HttpImageFetch {
  /** Connections in a row that may end without a new chunk before the download gives up. */
  public static final int MAX_FRUITLESS_ATTEMPTS = 5;

  private HttpImageFetch() {}

  /**
   * As {@link #fetch(HttpClient, URI, ImageDownload, Consumer, Duration, Executor)}, 60 s stall.
   */
  public static CompletionStage<byte[]> fetch(
      HttpClient client,
      URI uri,
      ImageDownload download,
      Consumer<String> progress,
      Executor exec) {
    return fetch(client, uri, download, progress, Duration.ofSeconds(60), exec);
  }

  /**
   * Fetches the chunks {@code download} does not hold, on {@code exec} (the caller never waits).
   * Completes with the whole image once its SHA-256 matched; fails after {@link
   * #MAX_FRUITLESS_ATTEMPTS} connections in a row brought no new chunk, naming the last error.
   *
   * @param progress told "n of m chunks" about every tenth chunk and after each connection
   * @param stall a connection that brings no new chunk for this long is broken off
   */
  public static CompletableFuture<byte[]> fetch(
      HttpClient client,
      URI uri,
      ImageDownload download,
      Consumer<String> progress,
      Duration stall,
      Executor exec) {
    Fetch f = new Fetch(client, uri, download, progress, stall);
    exec.execute(f::run);
    f.watch(download.chunksHeld(), System.nanoTime());
    return f.done;
  }

  /** One fetch: the reading thread, and the watchdog that interrupts it. */
  private static final class Fetch {
    final HttpClient client;
    final URI uri;
    final ImageDownload download;
    final Consumer<String> progress;
    final Duration stall;
    final CompletableFuture<byte[]> done = new CompletableFuture<>();
    // guarded by this: the thread reading now, so the watchdog never interrupts another task's
    private Thread reader;
    private boolean stalled;
    // guarded by this: writing to the part file, which an interrupt would close (FileChannel)
    private boolean writing;

    Fetch(
        HttpClient client,
        URI uri,
        ImageDownload download,
        Consumer<String> progress,
        Duration stall) {
      this.client = client;
      this.uri = uri;
      this.download = download;
      this.progress = progress;
      this.stall = stall;
    }

    void run() {
      synchronized (this) {
        reader = Thread.currentThread();
      }
      try {
        done.complete(loop());
      } catch (IOException | RuntimeException e) {
        done.completeExceptionally(e);
      } finally {
        synchronized (this) {
          reader = null;
          Thread.interrupted(); // an interrupt meant for this fetch stays with it
        }
      }
    }

    /** Looks about every quarter of the stall time, on the JDK's delay thread (never blocks). */
    void watch(int held, long since) {
      int now = download.chunksHeld();
      long t = System.nanoTime();
      synchronized (this) {
        if (writing) {
          // never interrupt a write: looked at again next time
        } else if (done.isDone()) {
          if (reader != null) {
            reader.interrupt(); // cancelled from outside while reading
          }
          return;
        } else if (now != held || reader == null) {
          held = now; // progress, or not started yet: the stall counts from now
          since = t;
        } else if (t - since >= stall.toNanos()) {
          stalled = true;
          reader.interrupt();
          since = t;
        }
      }
      int h = held;
      long s = since;
      CompletableFuture.delayedExecutor(
              Math.max(1, stall.toMillis() / 4), TimeUnit.MILLISECONDS, Runnable::run)
          .execute(() -> watch(h, s));
    }

    /**
     * After a connection: whether the watchdog broke it off for a stall (then the interrupt it sent
     * is cleared and the fetch goes on); an interrupt from anyone else (the daemon stopping its
     * download thread) ends the fetch.
     */
    private synchronized boolean stalledOnce(boolean interruptedInCall) throws IOException {
      boolean s = stalled;
      stalled = false;
      boolean interrupted = Thread.interrupted() || interruptedInCall;
      if (interrupted && !s) {
        throw new InterruptedIOException(uri + ": interrupted (the gateway is stopping)");
      }
      return s;
    }

    private byte[] loop() throws IOException {
      DownloadIndex idx = download.index();
      int total = idx.chunks().size();
      int step = Math.max(1, total / 10);
      int fruitless = 0;
      String lastError = null;
      while (!download.complete()) {
        if (done.isDone()) {
          throw new IOException(uri + ": cancelled");
        }
        if (fruitless >= MAX_FRUITLESS_ATTEMPTS) {
          throw new IOException(
              uri
                  + ": "
                  + fruitless
                  + " connections in a row brought no chunk; last: "
                  + lastError);
        }
        int heldBefore = download.chunksHeld();
        boolean interrupted = false;
        try {
          connection(idx, step);
        } catch (IOException e) {
          lastError = e.getMessage();
        } catch (InterruptedException e) {
          interrupted = true;
        }
        if (done.isDone()) {
          throw new IOException(uri + ": cancelled");
        }
        if (stalledOnce(interrupted)) {
          lastError = "no chunk arrived for " + stall.toMillis() + " ms";
        }
        progress.accept(download.chunksHeld() + " of " + total + " chunks");
        fruitless = download.chunksHeld() > heldBefore ? 0 : fruitless + 1;
      }
      return download.finish();
    }

    /** Offers a chunk with interrupts held off (see {@link #watch}). */
    private boolean accept(int n, byte[] chunk) throws IOException {
      synchronized (this) {
        if (Thread.currentThread().isInterrupted()) {
          throw new IOException("interrupted"); // the flag stays: see stalledOnce
        }
        writing = true;
      }
      try {
        return download.accept(n, chunk);
      } finally {
        synchronized (this) {
          writing = false;
        }
      }
    }

    /** One GET from the first chunk not held; reads until the stream ends or goes wrong. */
    private void connection(DownloadIndex idx, int step) throws IOException, InterruptedException {
      int first = download.firstMissing();
      HttpRequest req =
          HttpRequest.newBuilder(uri)
              .timeout(stall)
              .header("Range", "bytes=" + (long) first * idx.chunkSize() + "-")
              .GET()
              .build();
      HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      int start;
      if (resp.statusCode() == 206) {
        start = first;
      } else if (resp.statusCode() == 200) {
        start = 0;
      } else {
        resp.body().close();
        throw new IOException("HTTP " + resp.statusCode());
      }
      try (InputStream in = resp.body()) {
        for (int n = start; n < idx.chunks().size(); n++) {
          byte[] chunk = in.readNBytes(idx.lengthOf(n));
          if (chunk.length < idx.lengthOf(n)) {
            throw new IOException("the stream ended in chunk " + n);
          }
          int before = download.chunksHeld();
          if (!accept(n, chunk)) {
            throw new IOException("chunk " + n + " does not match its SHA-256: refused");
          }
          int held = download.chunksHeld();
          if (held > before && held % step == 0 && held < idx.chunks().size()) {
            progress.accept(held + " of " + idx.chunks().size() + " chunks");
          }
        }
      }
    }
  }
}
