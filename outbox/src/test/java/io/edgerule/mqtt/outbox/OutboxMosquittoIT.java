package io.edgerule.mqtt.outbox;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.mqtt.testing.Await;
import io.edgerule.mqtt.testing.CuttableProxy;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Under a load of sequence-numbered messages the gateway loses its broker for a while (its link is
 * cut: connections reset, new ones reset as soon as accepted) and gets it back: every message
 * reaches a subscriber connected to the same Mosquitto, in order per topic; duplicates are counted.
 */
class OutboxMosquittoIT {
  private static final Logger log = LoggerFactory.getLogger(OutboxMosquittoIT.class);
  private static final int RATE = 10_000; // messages per second offered
  private static final int SECONDS = 20;
  private static final int TOPICS = 10;
  private static final int N = RATE * SECONDS;

  @TempDir Path dir;

  @Test
  void brokerUnreachableUnderLoadLosesNothing() throws Exception {
    try (Mosquitto broker = Mosquitto.start(dir, null, List.of("max_queued_messages 0"));
        CuttableProxy link = new CuttableProxy(broker.port())) {
      ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
      java.util.BitSet arrived = new java.util.BitSet(N);
      AtomicInteger distinct = new AtomicInteger();
      try (MqttTransport sub =
              new MqttTransport(
                  TransportConfig.builder(broker.uri(), "subscriber")
                      .reconnect(Duration.ofMillis(100), Duration.ofMillis(500))
                      .build());
          MqttTransport gw =
              new MqttTransport(
                  TransportConfig.builder("tcp://127.0.0.1:" + link.port(), "gateway")
                      .reconnect(Duration.ofMillis(100), Duration.ofMillis(500))
                      .build());
          Outbox outbox =
              Outbox.open(
                  OutboxConfig.of(
                      dir.resolve("outbox.db"), FlushPolicy.every(Duration.ofMillis(100))));
          Forwarder forwarder =
              new Forwarder(
                  outbox,
                  gw::publish,
                  ForwarderConfig.defaults()
                      .withRetry(Duration.ofMillis(50), Duration.ofMillis(500)))) {
        sub.start();
        sub.subscribe(
                "load/#",
                1,
                m -> {
                  String payload = new String(m.payload(), UTF_8);
                  received.add(m.topic() + " " + payload);
                  int seq = Integer.parseInt(payload);
                  synchronized (arrived) {
                    if (!arrived.get(seq)) {
                      arrived.set(seq);
                      distinct.incrementAndGet();
                    }
                  }
                })
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        gw.start();
        forwarder.start();

        long start = System.nanoTime();
        long downAt = start + TimeUnit.SECONDS.toNanos(5);
        long upAt = start + TimeUnit.SECONDS.toNanos(12);
        boolean down = false;
        boolean up = false;
        long brokerDownMs = 0;
        for (int i = 0; i < N; i++) {
          // Pace the producer: message i is due at i / RATE seconds (load generation, not sync).
          long due = start + (long) i * 1_000_000_000L / RATE;
          long wait = due - System.nanoTime();
          if (wait > 1_000_000) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          outbox.append(
              new OutboundMessage(
                  "load/p" + (i % TOPICS),
                  Integer.toString(i).getBytes(UTF_8),
                  1,
                  false,
                  MessageClass.TELEMETRY));
          long now = System.nanoTime();
          if (!down && now >= downAt) {
            link.cut();
            down = true;
            brokerDownMs = System.nanoTime();
            log.info("link to the broker cut after {} messages", i + 1);
          }
          if (down && !up && now >= upAt) {
            link.restore();
            brokerDownMs = (System.nanoTime() - brokerDownMs) / 1_000_000;
            up = true;
            log.info("link restored after {} ms, {} messages", brokerDownMs, i + 1);
          }
        }
        double offered = N / ((System.nanoTime() - start) / 1e9);
        log.info("offered {} messages at {} msg/s", N, Math.round(offered));
        assertTrue(down && up, "the link went down and came back during the load");

        Await.until(
            Duration.ofMinutes(10),
            () -> distinct.get() >= N,
            () -> distinct.get() + " of " + N + " distinct messages arrived");
        Map<String, Integer> lastFirst = new HashMap<>();
        boolean[] seen = new boolean[N];
        int duplicates = 0;
        for (String r : received) {
          int space = r.indexOf(' ');
          String topic = r.substring(0, space);
          int seq = Integer.parseInt(r.substring(space + 1));
          assertEquals("load/p" + (seq % TOPICS), topic);
          if (seen[seq]) {
            duplicates++;
            continue;
          }
          seen[seq] = true;
          Integer prev = lastFirst.put(topic, seq);
          assertTrue(prev == null || prev < seq, topic + ": " + seq + " after " + prev);
        }
        for (int i = 0; i < N; i++) {
          assertTrue(seen[i], "message " + i + " arrived");
        }
        Await.until(
            Duration.ofMinutes(1),
            () -> {
              outbox.flush();
              return outbox.stats().of(MessageClass.TELEMETRY).queuedMessages() == 0;
            },
            () -> "outbox empty: " + outbox.stats());
        System.out.printf(
            "OutboxMosquittoIT: sent %d at %.0f msg/s offered, broker unreachable %d ms, lost 0, duplicates"
                + " %d, resent %d, failed publishes %d%n",
            N, offered, brokerDownMs, duplicates, forwarder.resent(), forwarder.failures());
        assertEquals(0, outbox.stats().of(MessageClass.TELEMETRY).dropped());
      }
    }
  }
}
