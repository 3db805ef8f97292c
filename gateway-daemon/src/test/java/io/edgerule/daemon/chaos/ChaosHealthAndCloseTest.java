package io.edgerule.daemon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.daemon.testing.ChaosRig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter whose health() throws or returns null, or whose close() throws or blocks: the state
 * snapshot still lists every adapter, shutdown finishes within {@code adapter_timeout} and closes
 * the other adapter. The chaos adapter is first, so "closes the others" is tested.
 */
class ChaosHealthAndCloseTest {
  @TempDir Path tmp;

  private ChaosRig rig() {
    ChaosRig rig = new ChaosRig(tmp);
    rig.chaosFirst = true;
    return rig;
  }

  private static void healthIsDownWith(ChaosRig rig, String why) {
    List<AdapterHealth> adapters = rig.gw.snapshot("online").adapters();
    assertEquals(2, adapters.size(), adapters.toString());
    AdapterHealth chaos = adapters.get(0);
    assertEquals("chaos:pump", chaos.adapter());
    assertEquals(AdapterHealth.State.DOWN, chaos.state(), chaos.toString());
    assertTrue(chaos.toString().contains(why), chaos.toString());
    assertEquals(AdapterHealth.State.UP, adapters.get(1).state(), adapters.toString());
  }

  @Test
  void healthThatThrows() throws Exception {
    try (ChaosRig rig = rig()) {
      rig.chaos.health =
          () -> {
            throw new IllegalStateException("counter overflow");
          };
      rig.start();
      rig.pushTank(0, 20);
      rig.awaitTankWrites(20);
      healthIsDownWith(rig, "health() failed: java.lang.IllegalStateException: counter overflow");
      rig.closeGateway();
      rig.assertTankExact(20);
    }
  }

  @Test
  void healthThatIsNull() throws Exception {
    try (ChaosRig rig = rig()) {
      rig.chaos.health = () -> null;
      rig.start();
      rig.pushTank(0, 20);
      rig.awaitTankWrites(20);
      healthIsDownWith(rig, "health() returned nothing (null)");
      rig.closeGateway();
      rig.assertTankExact(20);
    }
  }

  @Test
  void closeThatThrows() throws Exception {
    try (ChaosRig rig = rig()) {
      rig.chaos.close =
          () -> {
            throw new IllegalStateException("port already gone");
          };
      rig.start();
      rig.pushTank(0, 20);
      rig.awaitTankWrites(20);
      Duration took = rig.closeGateway();
      assertTrue(took.compareTo(ChaosRig.CLOSE_BOUND) < 0, "shutdown took " + took);
      assertTrue(rig.tank.closed, "the other adapter was closed");
      assertEquals(1L, rig.chaosCounter("close_failed"));
      assertTrue(rig.chaosGatewayEntry().lastError().contains("port already gone"));
      rig.assertTankExact(20);
    }
  }

  @Test
  void closeThatBlocks() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    try (ChaosRig rig = rig()) {
      rig.chaos.close =
          () -> {
            try {
              never.await(); // released at the end of the test, so the thread does not linger
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          };
      rig.start();
      rig.pushTank(0, 20);
      rig.awaitTankWrites(20);
      Duration took = rig.closeGateway();
      assertTrue(
          took.compareTo(Duration.ofMillis(500)) >= 0 && took.compareTo(ChaosRig.CLOSE_BOUND) < 0,
          "shutdown waited the adapter timeout (500 ms), not the grace: " + took);
      assertTrue(rig.tank.closed, "the other adapter was closed");
      assertEquals(1L, rig.chaosCounter("close_timed_out"));
      assertEquals(
          AdapterHealth.State.DEGRADED, rig.chaosGatewayEntry().state(), "reported, not fatal");
      rig.assertTankExact(20);
    } finally {
      never.countDown();
    }
  }
}
