package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.testing.ChaosAdapter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whoever is answered about a write sees the adapter's health already counting it: a caller that
 * reads the health as soon as its answer arrives (the chaos tests, an operator's script after an
 * MQTT command) must not see the counter one behind.
 */
class AdapterGuardWriteTimeoutTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static long counter(AdapterGuard guard, String name) {
    return guard.health().devices().stream()
        .filter(d -> d.device().equals(AdapterGuard.GATEWAY_ENTRY))
        .map(AdapterHealth.DeviceHealth::counters)
        .mapToLong(c -> c.getOrDefault(name, 0L))
        .sum();
  }

  @Test
  void aTimedOutWriteIsCountedBeforeItIsAnswered() throws Exception {
    ChaosAdapter chaos = new ChaosAdapter();
    chaos.write = c -> new CompletableFuture<>(); // never answers
    AdapterGuard guard = new AdapterGuard(chaos, "chaos", scheduler, Duration.ofMillis(50));
    WriteCommand command = new WriteCommand(ChaosAdapter.SET, PointValue.of(1L), "test");
    CountDownLatch registered = new CountDownLatch(1);
    scheduler.execute(() -> awaitQuietly(registered)); // the timeout cannot fire before thenApply

    // Runs on the thread that answers, at the moment of answering: exactly what a caller woken
    // by the answer can see at the earliest.
    CompletableFuture<Long> countedWhenAnswered =
        guard
            .write(command)
            .thenApply(
                r -> {
                  assertEquals(WriteResult.Status.TIMEOUT, r.status(), r.toString());
                  return counter(guard, "writes_timed_out");
                })
            .toCompletableFuture();
    registered.countDown();

    assertEquals(1L, countedWhenAnswered.get(10, TimeUnit.SECONDS));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aFailedWriteIsCountedBeforeItIsAnswered() throws Exception {
    ChaosAdapter chaos = new ChaosAdapter();
    CompletableFuture<WriteResult> late = new CompletableFuture<>();
    chaos.write = c -> late;
    AdapterGuard guard = new AdapterGuard(chaos, "chaos", scheduler, Duration.ofSeconds(30));
    WriteCommand command = new WriteCommand(ChaosAdapter.SET, PointValue.of(1L), "test");

    CompletableFuture<Long> countedWhenAnswered =
        guard.write(command).thenApply(r -> counter(guard, "writes_failed")).toCompletableFuture();
    late.completeExceptionally(new IllegalStateException("link down"));

    assertEquals(1L, countedWhenAnswered.get(10, TimeUnit.SECONDS));
  }
}
