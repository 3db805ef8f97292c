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

  /** A broker whose answers the test gives: each publish waits until the test completes it. */
  private static final class HeldBroker implements Publisher {
    final List<String> received = new ArrayList<>(); // guarded by this
    final List<CompletableFuture<Void>> answers = new ArrayList<>(); // guarded by this

    @Override
    public synchronized CompletionStage<Void> publish(
        String topic, byte[] payload, int qos, boolean retain) {
      received.add(topic + " " + new String(payload, UTF_8));
      CompletableFuture<Void> f = new CompletableFuture<>();
      answers.add(f);
      return f;
    }

    synchronized int count() {
      return received.size();
    }

    void answer(int i) {
      CompletableFuture<Void> f;
      synchronized (this) {
        f = answers.get(i);
      }
      f.complete(null);
    }
  }

  @Test
  void sendsBeforeTheCommitAndNeverWritesWhatWasAcknowledgedFirst() throws Exception {
    HeldBroker b = new HeldBroker();
    // no periodic commit within the test: only the explicit flushes below
    OutboxConfig cfg = OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofHours(1)));
    try (Outbox o = Outbox.open(cfg);
        Forwarder f = new Forwarder(o, b, ForwarderConfig.defaults())) {
      f.start();
      for (int i = 0; i < 3; i++) {
        o.append(msg("p", i));
      }
      Await.until(Duration.ofSeconds(60), () -> b.count() == 3, () -> "sent " + b.count());
      assertEquals(0, o.durableThrough(), "sent while nothing was committed");
      for (int i = 0; i < 3; i++) {
        b.answer(i);
      }
      Await.until(Duration.ofSeconds(60), () -> f.acked() == 3, () -> "acked " + f.acked());
      o.flush();
      assertEquals(3, o.durableThrough());
      assertEquals(List.of(), o.snapshot(), "acknowledged before the commit: not written");
      assertEquals(0, o.stats().of(MessageClass.TELEMETRY).queuedMessages());
      assertEquals(List.of("p 0", "p 1", "p 2"), b.received);
    }
    try (Outbox o = Outbox.open(cfg)) {
      assertEquals(0, o.recoveredAtOpen());
      assertEquals(4, o.append(msg("p", 3)), "ids are not used again");
    }
  }

  @Test
  void aMessageSentBeforeItsCommitStaysUntilAcknowledgedAndSurvivesARestart() throws Exception {
    HeldBroker b = new HeldBroker();
    OutboxConfig cfg = OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofHours(1)));
    try (Outbox o = Outbox.open(cfg);
        Forwarder f = new Forwarder(o, b, ForwarderConfig.defaults())) {
      f.start();
      for (int i = 0; i < 5; i++) {
        o.append(msg("p", i));
      }
      Await.until(Duration.ofSeconds(60), () -> b.count() == 5, () -> "sent " + b.count());
      b.answer(1); // acknowledged before the commit
      Await.until(Duration.ofSeconds(60), () -> f.acked() == 1, () -> "acked " + f.acked());
      o.flush(); // commits the four not acknowledged
      assertEquals(List.of("0", "2", "3", "4"), payloads(o));
      b.answer(3); // acknowledged after the commit: deleted by the next one
      Await.until(Duration.ofSeconds(60), () -> f.acked() == 2, () -> "acked " + f.acked());
      assertEquals(
          4, o.stats().of(MessageClass.TELEMETRY).queuedMessages(), "kept until the next commit");
      o.flush();
      assertEquals(List.of("0", "2", "4"), payloads(o));
      assertEquals(3, o.stats().of(MessageClass.TELEMETRY).queuedMessages());
    }
    HeldBroker b2 = new HeldBroker();
    try (Outbox o = Outbox.open(cfg);
        Forwarder f = new Forwarder(o, b2, ForwarderConfig.defaults())) {
      assertEquals(3, o.recoveredAtOpen());
      f.start();
      Await.until(Duration.ofSeconds(60), () -> b2.count() == 3, () -> "sent " + b2.count());
      assertEquals(List.of("p 0", "p 2", "p 4"), b2.received, "the unacknowledged ones again");
    }
  }

  /** Records what the forwarder does, in order; every publish waits for the test to answer it. */
  private static final class BurstRecorder implements Publisher {
    final List<String> events = new ArrayList<>(); // guarded by this
    final List<CompletableFuture<Void>> open = new ArrayList<>(); // guarded by this

    @Override
    public synchronized CompletionStage<Void> publish(
        String topic, byte[] payload, int qos, boolean retain) {
      events.add("publish " + new String(payload, UTF_8));
      CompletableFuture<Void> f = new CompletableFuture<>();
      open.add(f);
      return f;
    }

    @Override
    public synchronized void burstStarted() {
      events.add("started");
    }

    @Override
    public synchronized void burstEnded() {
      events.add("ended");
    }

    synchronized List<String> events() {
      return List.copyOf(events);
    }

    void answerAll() {
      List<CompletableFuture<Void>> fs;
      synchronized (this) {
        fs = List.copyOf(open);
        open.clear();
      }
      fs.forEach(f -> f.complete(null));
    }
  }

  @Test
  void aBurstEndsWhenTheWindowIsFullAndWhenNothingIsLeftToSend() throws Exception {
    BurstRecorder p = new BurstRecorder();
    OutboxConfig cfg = OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofHours(1)));
    try (Outbox o = Outbox.open(cfg);
        Forwarder f = new Forwarder(o, p, ForwarderConfig.defaults().withWindow(2))) {
      try (Outbox.WakeupHold h = o.holdWakeups()) {
        for (int i = 0; i < 3; i++) {
          o.append(msg("p", i));
        }
      }
      f.start();
      Await.until(
          Duration.ofSeconds(60), () -> p.events().contains("ended"), () -> "" + p.events());
      // the window (2) is full: what the publisher holds must leave before the forwarder waits
      assertEquals(List.of("started", "publish 0", "publish 1", "ended"), p.events());
      p.answerAll();
      Await.until(Duration.ofSeconds(60), () -> p.events().size() == 7, () -> "" + p.events());
      assertEquals(
          List.of("started", "publish 0", "publish 1", "ended", "started", "publish 2", "ended"),
          p.events(),
          "nothing more to send: the burst ends before the forwarder waits for appends");
      p.answerAll();
    }
  }

  private static List<String> payloads(Outbox o) {
    return o.snapshot().stream().map(m -> new String(m.message().payload(), UTF_8)).toList();
  }
}
