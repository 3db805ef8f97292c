package io.edgerule.ota.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunked downloads: hashes per chunk, resume after a restart and after a broken connection. */
class ImageDownloadTest {
  @TempDir Path tmp;

  static byte[] file(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  @Test
  void chunksAreCheckedKeptAcrossARestartAndTheWholeIsChecked() throws Exception {
    byte[] file = file(10_000);
    DownloadIndex idx = DownloadIndex.of(file, 1024);
    assertEquals(10, idx.chunks().size());
    assertEquals(idx, DownloadIndex.parse(idx.toJson(), "test"));
    try (ImageDownload d = new ImageDownload(tmp, idx)) {
      assertTrue(d.accept(3, slice(file, idx, 3)));
      assertTrue(d.accept(0, slice(file, idx, 0)));
      byte[] bad = slice(file, idx, 1);
      bad[5] ^= 1;
      assertFalse(d.accept(1, bad), "a chunk that does not match its hash is refused");
      assertEquals(1, d.refused());
      assertEquals(2, d.chunksHeld());
    }
    // A restart: the part file is rescanned; a torn write in chunk 3 costs only chunk 3.
    Path part = tmp.resolve(idx.sha256() + ".part");
    try (var ch =
        java.nio.channels.FileChannel.open(part, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 3 * 1024 + 10);
    }
    ImageDownload d = new ImageDownload(tmp, idx);
    assertEquals(1, d.chunksHeld(), "chunk 0 kept, torn chunk 3 refetched");
    assertEquals(1, d.firstMissing());
    for (int n = 0; n < 10; n++) {
      assertTrue(d.accept(n, slice(file, idx, n)));
    }
    assertArrayEquals(file, d.finish());
    assertFalse(Files.exists(part));
  }

  @Test
  void aBadIndexIsRefusedWithTheReason() {
    byte[] json = "{\"sha256\":\"00\",\"size\":10,\"chunk_size\":1024,\"chunks\":[]}".getBytes();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DownloadIndex.parse(json, "idx"));
    assertTrue(e.getMessage().startsWith("idx: not a download index: sha256"), e.getMessage());
  }

  @Test
  void anHttpDownloadResumesWithRangeAfterTheConnectionBreaks() throws Exception {
    byte[] file = file(50_000);
    DownloadIndex idx = DownloadIndex.of(file, 4096);
    List<String> ranges = new CopyOnWriteArrayList<>();
    // A minimal HTTP/1.1 server on a socket: the first answer is cut off after 3.5 chunks (the
    // connection closes mid-body), the next ones serve the range asked for.
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread serving =
        new Thread(
            () -> {
              for (int n = 1; !server.isClosed(); n++) {
                try (Socket s = server.accept()) {
                  BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                  String range = null;
                  for (String line = in.readLine();
                      line != null && !line.isEmpty();
                      line = in.readLine()) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("range:")) {
                      range = line.substring(6).trim();
                    }
                  }
                  ranges.add(range);
                  int from = Integer.parseInt(range.substring(6, range.length() - 1));
                  int to = n == 1 ? 4096 * 3 + 2000 : file.length;
                  OutputStream out = s.getOutputStream();
                  out.write(
                      ("HTTP/1.1 206 Partial Content\r\nContent-Length: "
                              + (file.length - from)
                              + "\r\nContent-Range: bytes "
                              + from
                              + "-"
                              + (file.length - 1)
                              + "/"
                              + file.length
                              + "\r\nConnection: close\r\n\r\n")
                          .getBytes(StandardCharsets.ISO_8859_1));
                  out.write(file, from, to - from);
                  out.flush();
                } catch (java.io.IOException e) {
                  // closed at the end of the test, or the client hung up
                }
              }
            },
            "http");
    serving.setDaemon(true);
    serving.start();
    ExecutorService exec = Executors.newSingleThreadExecutor();
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/plant.rimg");
      List<String> progress = new CopyOnWriteArrayList<>();
      byte[] got =
          HttpImageFetch.fetch(
                  HttpClient.newHttpClient(), uri, new ImageDownload(tmp, idx), progress::add, exec)
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      assertArrayEquals(file, got);
      assertEquals(List.of("bytes=0-", "bytes=" + 3 * 4096 + "-"), ranges);
      assertEquals("13 of 13 chunks", progress.get(progress.size() - 1));
    } finally {
      server.close();
      exec.shutdownNow();
    }
  }

  static byte[] slice(byte[] file, DownloadIndex idx, int n) {
    byte[] c = new byte[idx.lengthOf(n)];
    System.arraycopy(file, n * idx.chunkSize(), c, 0, c.length);
    return c;
  }
}
