package io.edgerule.daemon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.testing.ChaosAdapter;
import io.edgerule.daemon.testing.ChaosRig;
import io.edgerule.daemon.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter whose write() throws, returns null, never answers or answers for another point: every
 * write to it (the relay rule's and a direct one, as from an MQTT command) is answered FAILED or
 * TIMEOUT within {@code pipeline.adapter_timeout}, nothing stays counted in flight, and the echo
 * rule's writes to the well-behaved adapter are exact.
 */
class ChaosWriteTest {
  private static final int EVENTS = 20;

  @TempDir Path tmp;

  /** Runs the rig with {@code write}; returns the direct write's answer after checking the rest. */
  private WriteResult run(
      java.util.function.Function<WriteCommand, java.util.concurrent.CompletionStage<WriteResult>>
          write,
      WriteResult.Status expected,
      String detail)
      throws Exception {
    try (ChaosRig rig = new ChaosRig(tmp)) {
      rig.chaos.write = write;
      rig.start();
      rig.pushTank(0, EVENTS);
      // Answered at all is the point (the answer that never came is what the guard fixes); how
      // soon after the 500 ms adapter timeout depends on the machine's load (was "< 2 s").
      WriteResult direct =
          rig.gw
              .actions()
              .write(new WriteCommand(ChaosAdapter.SET, PointValue.of(7L), "mqtt:c1"))
              .toCompletableFuture()
              .get(ChaosRig.WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(expected, direct.status(), direct.toString());
      assertTrue(direct.detail().contains(detail), direct.detail());
      assertEquals("mqtt:c1", direct.command().origin(), "the answer is for the asker's command");
      assertEquals(ChaosAdapter.SET, direct.command().point());

      rig.awaitTankWrites(EVENTS);
      Poll.until(
          () -> rig.resultsFor(ChaosAdapter.SET).size() == EVENTS + 1,
          ChaosRig.WAIT,
          "every relay write answered");
      // The answer reaches the listener just before the in-flight count drops: await the count
      // (a hang net) instead of reading it at one instant, which failed under load.
      assertTrue(
          rig.gw.actions().awaitWrites(System.nanoTime() + ChaosRig.WAIT.toNanos()),
          "no write left in flight");
      List<WriteResult> relay = rig.resultsFor(ChaosAdapter.SET);
      assertTrue(relay.stream().allMatch(r -> r.status() == expected), relay.toString());
      // Each bad answer is counted once in the adapter's health (and logged once in all).
      assertEquals(
          EVENTS + 1,
          rig.chaosCounter("writes_failed") + rig.chaosCounter("writes_timed_out"),
          rig.chaosGatewayEntry().toString());
      Duration closing = rig.closeGateway();
      assertTrue(closing.compareTo(ChaosRig.CLOSE_BOUND) < 0, "shutdown took " + closing);
      rig.assertTankExact(EVENTS);
      return direct;
    }
  }

  @Test
  void writeThatThrows() throws Exception {
    run(
        c -> {
          throw new IllegalArgumentException("cannot encode");
        },
        WriteResult.Status.FAILED,
        "adapter chaos:pump failed: java.lang.IllegalArgumentException: cannot encode");
  }

  @Test
  void writeThatReturnsNull() throws Exception {
    run(c -> null, WriteResult.Status.FAILED, "adapter chaos:pump returned no result");
  }

  @Test
  void writeThatNeverAnswers() throws Exception {
    run(
        c -> new CompletableFuture<>(),
        WriteResult.Status.TIMEOUT,
        "no answer from adapter chaos:pump within 500 ms");
  }

  @Test
  void writeThatAnswersForAnotherPoint() throws Exception {
    run(
        c ->
            CompletableFuture.completedFuture(
                WriteResult.ok(new WriteCommand(ChaosAdapter.TEMP, c.value(), c.origin()))),
        WriteResult.Status.FAILED,
        "adapter chaos:pump answered for pump/temp (OK)");
  }

  @Test
  void writeStageThatFails() throws Exception {
    run(
        c -> CompletableFuture.failedFuture(new IllegalStateException("link down")),
        WriteResult.Status.FAILED,
        "adapter error: java.lang.IllegalStateException: link down");
  }
}
