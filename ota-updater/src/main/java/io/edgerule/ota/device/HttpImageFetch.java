package io.edgerule.ota.device;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Downloads an image from an HTTP(S) URL with the JDK's HttpClient, checking each chunk of the
 * stream against the {@link DownloadIndex} as it arrives. A connection that breaks is resumed with
 * a {@code Range} request from the first chunk not held (a server that ignores Range sends the
 * whole file again; the chunks held are skipped); a restart resumes from the part file.
 */
public final class HttpImageFetch {
  /** Connections in a row that may break without a new chunk before the download gives up. */
  public static final int MAX_FRUITLESS_ATTEMPTS = 5;

  private HttpImageFetch() {}

  /**
   * Fetches the chunks {@code download} does not hold, on {@code exec} (the caller never waits).
   *
   * @param progress told "n of m chunks" after each connection
   */
  public static CompletionStage<byte[]> fetch(
      HttpClient client,
      URI uri,
      ImageDownload download,
      Consumer<String> progress,
      Executor exec) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return run(client, uri, download, progress);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("download of " + uri + " interrupted", e);
          }
        },
        exec);
  }

  private static byte[] run(
      HttpClient client, URI uri, ImageDownload download, Consumer<String> progress)
      throws IOException, InterruptedException {
    DownloadIndex idx = download.index();
    int fruitless = 0;
    IOException lastError = null;
    while (!download.complete()) {
      if (fruitless >= MAX_FRUITLESS_ATTEMPTS) {
        throw new IOException(
            uri
                + ": "
                + fruitless
                + " connections in a row brought no chunk; last error: "
                + lastError,
            lastError);
      }
      int first = download.firstMissing();
      int heldBefore = download.chunksHeld();
      HttpRequest req =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(60))
              .header("Range", "bytes=" + (long) first * idx.chunkSize() + "-")
              .GET()
              .build();
      try {
        HttpResponse<InputStream> resp =
            client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        int start;
        if (resp.statusCode() == 206) {
          start = first;
        } else if (resp.statusCode() == 200) {
          start = 0;
        } else {
          resp.body().close();
          throw new IOException(uri + ": HTTP " + resp.statusCode());
        }
        try (InputStream in = resp.body()) {
          for (int n = start; n < idx.chunks().size(); n++) {
            byte[] chunk = in.readNBytes(idx.lengthOf(n));
            if (chunk.length < idx.lengthOf(n)) {
              throw new IOException(uri + ": the stream ended in chunk " + n);
            }
            if (!download.accept(n, chunk)) {
              throw new IOException(uri + ": chunk " + n + " does not match its SHA-256");
            }
          }
        }
      } catch (IOException e) {
        lastError = e;
      }
      progress.accept(download.chunksHeld() + " of " + idx.chunks().size() + " chunks");
      fruitless = download.chunksHeld() > heldBefore ? 0 : fruitless + 1;
    }
    return download.finish();
  }
}
