package io.edgerule.ota.fleet;

import io.edgerule.mqtt.InboundMessage;
import io.edgerule.ota.device.MqttLink;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Tells when a broker has sent what it retains for the subscriptions just made, as far as MQTT
 * 3.1.1 lets a client tell: it has no end-of-retained signal, and it does not order a
 * subscription's retained messages before later messages of other topics. Two steps: a marker
 * published to a topic of our own after the subscriptions comes back (the broker has handled them;
 * Mosquitto has also sent every retained message by then), then no retained copy arrives for a
 * quiet period (HiveMQ can still be sending them: see {@link #QUIET}): {@link #QUIET}, or four
 * times the longest gap seen between two retained copies if that is longer (a loaded broker sends
 * with longer pauses), at most {@link #MAX_QUIET}.
 */
final class RetainedSync {
  /**
   * The shortest quiet period. HiveMQ CE 2025.5 sends a wildcard's retained messages in batches of
   * 25 while other traffic goes on: with 5,000 and 10,000 gateways (two reports each) the marker
   * came back when 23 to 39 % and 12 to 15 % of the reports had arrived, the last one up to 3.3 s
   * after it, with gaps of up to 0.5 s between two (load 19 on 2 cores).
   */
  static final Duration QUIET = Duration.ofSeconds(1);

  static final int GAP_FACTOR = 4;
  static final Duration MAX_QUIET = Duration.ofSeconds(10);

  private final Duration quiet;
  // written on the MQTT callback thread only
  private volatile long lastRetained = System.nanoTime(); // arrival of the last retained copy
  private volatile long longestGap; // nanos between two retained copies
  private volatile boolean anyRetained;

  RetainedSync(Duration quiet) {
    this.quiet = Objects.requireNonNull(quiet, "quiet");
  }

  /**
   * {@code handler}, noting the retained copies it gets. A broker sets the retained flag only on
   * what it sends because a subscription was just made (MQTT 3.1.1, 3.3.1.3): such a copy means it
   * is still sending what it holds.
   */
  Consumer<InboundMessage> noting(Consumer<InboundMessage> handler) {
    return m -> {
      if (m.retained()) {
        long now = System.nanoTime();
        if (anyRetained) {
          longestGap = Math.max(longestGap, now - lastRetained);
        }
        lastRetained = now;
        anyRetained = true;
      }
      handler.accept(m);
    };
  }

  /**
   * After the subscriptions: publishes a marker to {@code markerTopic} (a topic of our own), waits
   * for it to come back, then for the quiet period without a retained copy (timed on {@code timer},
   * never blocking it).
   */
  CompletionStage<Void> await(MqttLink mqtt, String markerTopic, ScheduledExecutorService timer) {
    CompletableFuture<Void> back = new CompletableFuture<>();
    CompletableFuture<Void> quietNow = new CompletableFuture<>();
    return mqtt.subscribe(markerTopic, 1, m -> back.complete(null))
        .thenCompose(v -> mqtt.publish(markerTopic, new byte[] {1}, 1, false))
        .thenCompose(v -> back)
        .thenCompose(
            v -> {
              mqtt.unsubscribe(markerTopic);
              timer.execute(() -> checkQuiet(quietNow, timer));
              return quietNow;
            });
  }

  private void checkQuiet(CompletableFuture<Void> done, ScheduledExecutorService timer) {
    long period = Math.min(MAX_QUIET.toNanos(), Math.max(quiet.toNanos(), GAP_FACTOR * longestGap));
    long left = lastRetained + period - System.nanoTime();
    if (left <= 0) {
      done.complete(null);
    } else {
      timer.schedule(() -> checkQuiet(done, timer), left, TimeUnit.NANOSECONDS);
    }
  }
}
