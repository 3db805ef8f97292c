package io.edgerule.daemon.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.edgerule.daemon.config.MqttConfig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.mqtt.testing.Mosquitto;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Uplink#publish(String, byte[], int, boolean, Runnable)} against a real Mosquitto: {@code
 * done} runs exactly once per message, when it is acknowledged or written, and also for messages
 * whose connection ended before that; the rule outbox counts its window with it, so a done that
 * never came would close the window for rules for good.
 */
class PahoUplinkDoneIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void doneRunsOnceForEveryMessageWhetherAcknowledgedOrLostWithItsConnection() throws Exception {
    ScheduledExecutorService threads = Executors.newScheduledThreadPool(6);
    Mosquitto broker = Mosquitto.start(tmp);
    PahoUplink uplink = null;
    try {
      MqttConfig config =
          new MqttConfig(URI.create(broker.uri()), null, null, null, null, null, null, null, null);
      uplink =
          new PahoUplink(
              config,
              "done-it",
              "edgerule/done-it/state",
              "online".getBytes(StandardCharsets.UTF_8),
              "offline".getBytes(StandardCharsets.UTF_8),
              threads);
      PahoUplink up = uplink;
      Poll.until(up::isConnected, WAIT, "connected to Mosquitto");

      AtomicInteger done = new AtomicInteger();
      int n = 200;
      for (int i = 0; i < n; i++) {
        up.publish("t/" + (i % 3), new byte[] {(byte) i}, i % 2, false, done::incrementAndGet);
      }
      Poll.until(() -> done.get() == n, WAIT, "done for every acknowledged or written message");

      // Messages in flight when the broker goes away: each is done once, acknowledged or not.
      AtomicInteger lost = new AtomicInteger();
      for (int i = 0; i < n; i++) {
        up.publish("t/lost", new byte[1000], 1, false, lost::incrementAndGet);
      }
      broker.close();
      Poll.until(() -> !up.isConnected(), WAIT, "connection lost");
      Poll.until(() -> lost.get() == n, WAIT, "done for every message of the lost connection");
      assertFalse(up.takesMessagesNow(), "rule messages wait while the uplink is offline");

      // Into the offline buffer: done when the uplink closes at the latest.
      AtomicInteger buffered = new AtomicInteger();
      up.publish("t/offline", new byte[1], 1, false, buffered::incrementAndGet);
      up.close();
      assertEquals(1, buffered.get(), "done for a buffered message when the uplink closed");
      assertEquals(n, done.get(), "never twice");
      assertEquals(n, lost.get(), "never twice");
    } finally {
      if (uplink != null) {
        uplink.close();
      }
      broker.close();
      threads.shutdownNow();
    }
  }
}
