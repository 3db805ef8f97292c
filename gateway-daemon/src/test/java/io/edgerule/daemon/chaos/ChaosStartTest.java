package io.edgerule.daemon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.daemon.testing.ChaosRig;
import io.edgerule.daemon.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter whose start() throws, returns null, fails or never finishes: the gateway starts, the
 * other adapter and its rule run exactly, the broken one is reported in health, shutdown is
 * bounded. The chaos adapter is first, so "the others start anyway" is tested.
 */
class ChaosStartTest {
  @TempDir Path tmp;

  private ChaosRig rig() {
    ChaosRig rig = new ChaosRig(tmp);
    rig.chaosFirst = true;
    return rig;
  }

  private static void assertStartFailed(ChaosRig rig, String why) {
    AdapterHealth h = rig.health("chaos:pump");
    assertEquals(AdapterHealth.State.DOWN, h.state(), h.toString());
    String lastError = rig.chaosGatewayEntry().lastError();
    assertTrue(lastError.contains(why), lastError);
    assertEquals(1L, rig.chaosCounter("start_failed"), h.toString());
  }

  private static void runsTheOthers(ChaosRig rig) throws Exception {
    rig.pushTank(0, 50);
    rig.awaitTankWrites(50);
    assertEquals(AdapterHealth.State.UP, rig.health("push:tank").state());
  }

  @Test
  void startThatThrows() throws Exception {
    try (ChaosRig rig = rig()) {
      rig.chaos.start =
          sink -> {
            throw new IllegalStateException("serial port busy");
          };
      rig.start();
      runsTheOthers(rig);
      assertStartFailed(rig, "start() threw java.lang.IllegalStateException: serial port busy");
      rig.closeGateway();
      rig.assertTankExact(50);
    }
  }

  @Test
  void startThatReturnsNull() throws Exception {
    try (ChaosRig rig = rig()) {
      rig.chaos.start = sink -> null;
      rig.start();
      runsTheOthers(rig);
      assertStartFailed(rig, "start() returned no stage");
      rig.closeGateway();
      rig.assertTankExact(50);
    }
  }

  @Test
  void startThatFails() throws Exception {
    try (ChaosRig rig = rig()) {
      rig.chaos.start = sink -> CompletableFuture.failedFuture(new IllegalStateException("no key"));
      rig.start();
      runsTheOthers(rig);
      assertStartFailed(rig, "start failed: java.lang.IllegalStateException: no key");
      rig.closeGateway();
      rig.assertTankExact(50);
    }
  }

  @Test
  void startThatNeverFinishes() throws Exception {
    try (ChaosRig rig = rig()) {
      rig.chaos.start = sink -> new CompletableFuture<>();
      rig.start();
      runsTheOthers(rig);
      Poll.until(
          () -> rig.gw.health().toString().contains("start has not finished after 500 ms"),
          ChaosRig.WAIT,
          "the pending start reported in health");
      assertEquals(AdapterHealth.State.STARTING, rig.chaosGatewayEntry().state());
      Duration took = rig.closeGateway();
      assertTrue(took.compareTo(ChaosRig.CLOSE_BOUND) < 0, "shutdown took " + took);
      assertEquals(0, rig.chaos.closeCalled.getCount(), "the adapter was closed all the same");
      assertTrue(rig.tank.closed, "the well-behaved adapter was closed");
      rig.assertTankExact(50);
    }
  }
}
