package io.edgerule.ota.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.mqtt.testing.Await;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image fetched in chunks from retained messages on a real Mosquitto: a part of the chunks is
 * there first (one of them damaged), the download keeps what is good, resumes in a new process (a
 * new transport and a rescanned part file) when the rest is published, and ends byte for byte.
 */
class MqttImageFetchIT {
  @TempDir Path tmp;

  @Test
  void anImageComesInChunksResumesAfterARestartAndIsCheckedWhole() throws Exception {
    byte[] file = ImageDownloadTest.file(100_000);
    DownloadIndex idx = DownloadIndex.of(file, 8192);
    int chunks = idx.chunks().size();
    try (Mosquitto broker =
        Mosquitto.start(java.nio.file.Files.createDirectories(tmp.resolve("broker")))) {
      try (MqttTransport fleet = transport(broker, "fleet")) {
        await(
            fleet.publish(
                MqttImageFetch.indexTopic("edgerule", idx.sha256()), idx.toJson(), 1, true));
        for (int n = 0; n < chunks / 2; n++) {
          byte[] c = ImageDownloadTest.slice(file, idx, n);
          if (n == 2) {
            c = c.clone();
            c[0] ^= 1; // damaged on its way: refused, fetched again when published right
          }
          await(fleet.publish(MqttImageFetch.chunkTopic("edgerule", idx.sha256(), n), c, 1, true));
        }
      }
      Path downloads = tmp.resolve("downloads");
      // First gateway process: gets the index and what is there, then "restarts".
      try (MqttTransport gw = transport(broker, "gw")) {
        DownloadIndex got =
            MqttImageFetch.index(gw, "edgerule", idx.sha256())
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        assertEquals(idx, got);
        ImageDownload d = new ImageDownload(downloads, got);
        CompletableFuture<byte[]> f =
            MqttImageFetch.fetch(gw, "edgerule", d, s -> {}).toCompletableFuture();
        Await.until(
            Duration.ofSeconds(60),
            () -> d.chunksHeld() + d.refused() >= chunks / 2,
            () -> "the chunks published so far, held " + d.chunksHeld());
        assertEquals(chunks / 2 - 1, d.chunksHeld(), "every good chunk published so far");
        assertEquals(1, d.refused(), "the damaged chunk");
        assertTrue(!f.isDone());
        d.close();
      }
      try (MqttTransport fleet = transport(broker, "fleet2")) {
        for (int n = 2; n < chunks; n++) {
          if (n == 2 || n >= chunks / 2) {
            publishChunk(fleet, file, idx, n);
          }
        }
      }
      try (MqttTransport gw = transport(broker, "gw")) {
        ImageDownload d = new ImageDownload(downloads, idx);
        assertEquals(chunks / 2 - 1, d.chunksHeld(), "kept across the restart");
        List<String> progress = new CopyOnWriteArrayList<>();
        byte[] image =
            MqttImageFetch.fetch(gw, "edgerule", d, progress::add)
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
        assertArrayEquals(file, image);
        assertTrue(!progress.isEmpty());
      }
    }
  }

  /**
   * What asking again after a stall relies on: a SUBSCRIBE repeated on the same connection makes
   * the broker send the retained chunks again (MQTT 3.1.1, 3.8.4), through our transport.
   */
  @Test
  void aSubscriptionRepeatedBringsTheRetainedChunksAgain() throws Exception {
    byte[] file = ImageDownloadTest.file(20_000);
    DownloadIndex idx = DownloadIndex.of(file, 4096);
    int chunks = idx.chunks().size();
    try (Mosquitto broker =
        Mosquitto.start(java.nio.file.Files.createDirectories(tmp.resolve("broker")))) {
      try (MqttTransport fleet = transport(broker, "fleet")) {
        for (int n = 0; n < chunks; n++) {
          publishChunk(fleet, file, idx, n);
        }
      }
      try (MqttTransport gw = transport(broker, "gw")) {
        String filter = MqttImageFetch.chunksFilter("edgerule", idx.sha256());
        java.util.concurrent.atomic.AtomicInteger got =
            new java.util.concurrent.atomic.AtomicInteger();
        await(gw.subscribe(filter, 1, m -> got.incrementAndGet()));
        Await.until(Duration.ofSeconds(60), () -> got.get() >= chunks, () -> "got " + got);
        await(gw.subscribe(filter, 1, m -> got.incrementAndGet()));
        Await.until(
            Duration.ofSeconds(60), () -> got.get() >= 2 * chunks, () -> "got again " + got);
        assertEquals(2 * chunks, got.get());
      }
    }
  }

  private static void publishChunk(MqttTransport fleet, byte[] file, DownloadIndex idx, int n)
      throws Exception {
    await(
        fleet.publish(
            MqttImageFetch.chunkTopic("edgerule", idx.sha256(), n),
            ImageDownloadTest.slice(file, idx, n),
            1,
            true));
  }

  private static MqttTransport transport(Mosquitto broker, String id) throws Exception {
    MqttTransport t =
        new MqttTransport(
            TransportConfig.builder(broker.uri(), id + "-" + System.nanoTime()).build());
    t.start();
    Await.until(Duration.ofSeconds(60), t::isConnected, () -> "connected to the broker");
    return t;
  }

  private static void await(java.util.concurrent.CompletionStage<Void> s) throws Exception {
    s.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
