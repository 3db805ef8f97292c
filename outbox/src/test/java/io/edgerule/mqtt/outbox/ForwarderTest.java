package io.edgerule.mqtt.outbox;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwarderTest {
  @TempDir Path dir;
  private final ExecutorService broker = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    broker.shutdownNow();
  }

  /**
   * A broker that takes messages in order on one thread and, like a lost connection, sometimes
   * fails: the failing message may have arrived (its acknowledgement lost) or not, and every
   * publish queued behind it is lost too. Like the MqttTransport, which fails a lost connection's
   * outstanding publishes before it reconnects, it is reachable again only once the sender has seen
   * the failures, i.e. when it sends a failed message again.
   */
  private final class FlakyBroker implements Publisher {
    final List<String> received = new ArrayList<>(); // guarded by this
    final Random random = new Random(42);
    volatile double failRate;
    volatile boolean neverAnswer;
    boolean down; // guarded by this
    int lowestFailed = Integer.MAX_VALUE; // guarded by this

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
      if (neverAnswer) {
        return new CompletableFuture<>();
      }
      int seq = Integer.parseInt(new String(payload, UTF_8));
      synchronized (this) {
        if (down && seq <= lowestFailed) {
          down = false; // the sender went back: reconnected
          lowestFailed = Integer.MAX_VALUE;
        }
      }
      return CompletableFuture.runAsync(
          () -> {
            synchronized (this) {
              boolean fail = down || random.nextDouble() < failRate;
              if (!down && (!fail || random.nextBoolean())) {
                received.add(topic + " " + seq);
              }
              if (fail) {
                down = true;
                lowestFailed = Math.min(lowestFailed, seq);
                throw new IllegalStateException("connection lost");
              }
            }
          },
          broker);
    }

    synchronized List<String> received() {
      return new ArrayList<>(received);
    }
  }

  private static OutboundMessage msg(String topic, int seq) {
    return new OutboundMessage(
        topic, Integer.toString(seq).getBytes(UTF_8), 1, false, MessageClass.TELEMETRY);
  }

  @Test
  void everyMessageArrivesInOrderPerTopicDespiteFailures() throws Exception {
    FlakyBroker b = new FlakyBroker();
    b.failRate = 0.02;
    OutboxConfig cfg =
        OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofMillis(20)));
    int n = 5000;
    try (Outbox o = Outbox.open(cfg);
        Forwarder f =
            new Forwarder(
                o,
                b,
                ForwarderConfig.defaults()
                    .withWindow(16)
                    .withRetry(Duration.ofMillis(1), Duration.ofMillis(20)))) {
      f.start();
      for (int i = 0; i < n; i++) {
        o.append(msg("p/" + (i % 5), i));
      }
      Await.until(
          Duration.ofSeconds(120),
          () -> o.stats().of(MessageClass.TELEMETRY).queuedMessages() == 0 && f.acked() >= n,
          () -> "acked " + f.acked() + " of " + n);
      assertTrue(f.failures() > 0, "the flaky broker failed some publishes");
      assertTrue(f.resent() > 0, "failed publishes were sent again");
      int duplicates = checkEveryOnceInOrder(b.received(), n, 5);
      assertTrue(duplicates <= f.resent(), duplicates + " duplicates, " + f.resent() + " resent");
    }
  }

  /** First arrivals per topic in increasing order, each sequence number arrived at least once. */
  static int checkEveryOnceInOrder(List<String> received, int n, int topics) {
    Map<String, Integer> lastFirst = new HashMap<>();
    Set<Integer> seen = new HashSet<>();
    int duplicates = 0;
    for (String r : received) {
      String topic = r.substring(0, r.indexOf(' '));
      int seq = Integer.parseInt(r.substring(r.indexOf(' ') + 1));
      if (!seen.add(seq)) {
        duplicates++;
        continue;
      }
      Integer prev = lastFirst.put(topic, seq);
      assertTrue(prev == null || prev < seq, "order on " + topic + ": " + seq + " after " + prev);
    }
    assertEquals(n, seen.size(), "every message arrived");
    return duplicates;
  }

  @Test
  void aMessageNeverAcknowledgedIsSentAgainAfterARestart() throws Exception {
    FlakyBroker b = new FlakyBroker();
    OutboxConfig cfg = OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.everyMessage());
    try (Outbox o = Outbox.open(cfg);
        Forwarder f = new Forwarder(o, b, ForwarderConfig.defaults())) {
      f.start();
      for (int i = 0; i < 10; i++) {
        o.append(msg("p", i));
      }
      Await.until(Duration.ofSeconds(60), () -> f.acked() == 10, () -> "acked " + f.acked());
      b.neverAnswer = true; // the link hangs: these are sent, never acknowledged
      for (int i = 10; i < 15; i++) {
        o.append(msg("p", i));
      }
      Await.until(Duration.ofSeconds(60), () -> f.sent() == 15, () -> "sent " + f.sent());
    }
    FlakyBroker b2 = new FlakyBroker();
    try (Outbox o = Outbox.open(cfg);
        Forwarder f = new Forwarder(o, b2, ForwarderConfig.defaults())) {
      assertEquals(5, o.recoveredAtOpen(), "the unacknowledged ones are still there");
      f.start();
      Await.until(Duration.ofSeconds(60), () -> f.acked() == 5, () -> "acked " + f.acked());
      assertEquals(
          List.of("p 10", "p 11", "p 12", "p 13", "p 14"), b2.received(), "resent in order");
      o.flush();
      assertEquals(0, o.stats().of(MessageClass.TELEMETRY).queuedMessages());
    }
  }
}
