package io.edgerule.daemon.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.testing.ChaosAdapter;
import io.edgerule.daemon.testing.ChaosRig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter whose points() throws, returns null, lists a point twice or claims another adapter's
 * points: the gateway starts, the other adapter keeps its points (its writes and events stay its
 * own) and the problem shows in the broken adapter's health.
 */
class ChaosPointsTest {
  @TempDir Path tmp;

  @Test
  void pointsThatThrow() throws Exception {
    try (ChaosRig rig = new ChaosRig(tmp)) {
      rig.chaos.points =
          () -> {
            throw new IllegalStateException("config not parsed");
          };
      rig.start();
      rig.pushTank(0, 20);
      rig.awaitTankWrites(20);
      rig.chaos.sink.accept(ChaosAdapter.sample(ChaosAdapter.TEMP, 1)); // a point it never offered
      // Both problems are counted; the last error is whichever came last (the relay rule's
      // writes to pump/set make the gateway re-read the points too).
      String lastError = rig.chaosGatewayEntry().lastError();
      assertTrue(
          lastError.equals("points() failed: java.lang.IllegalStateException: config not parsed")
              || lastError.equals("handed in a sample of pump/temp, a point it does not offer"),
          lastError);
      assertTrue(rig.chaosCounter("points_failed") >= 2, rig.chaosGatewayEntry().toString());
      assertEquals(1L, rig.chaosCounter("events_unknown_point"));
      // The relay rule's writes to pump/set have no device to go to: rejected, not lost.
      rig.closeGateway();
      rig.assertTankExact(20);
      List<WriteResult> relay = rig.resultsFor(ChaosAdapter.SET);
      assertEquals(20, relay.size());
      assertTrue(
          relay.stream().allMatch(r -> r.status() == WriteResult.Status.REJECTED), "" + relay);
    }
  }

  @Test
  void pointsThatAreNull() throws Exception {
    try (ChaosRig rig = new ChaosRig(tmp)) {
      rig.chaos.points = () -> null;
      rig.start();
      rig.pushTank(0, 20);
      rig.awaitTankWrites(20);
      String lastError = rig.chaosGatewayEntry().lastError();
      assertTrue(lastError.contains("points() returned nothing"), lastError);
      rig.closeGateway();
      rig.assertTankExact(20);
    }
  }

  @Test
  void duplicatePointsAndPointsOfAnotherAdapter() throws Exception {
    try (ChaosRig rig = new ChaosRig(tmp)) {
      PointInfo set = new PointInfo(ChaosAdapter.SET, ValueType.INT64, true, "set");
      rig.chaos.points =
          () ->
              List.of(
                  set,
                  set,
                  new PointInfo(ChaosRig.LEVEL, ValueType.FLOAT64, false, "stolen"),
                  new PointInfo(ChaosRig.OUT, ValueType.INT64, true, "stolen"));
      rig.start();
      // Its events for the tank's point would reach the echo rule as if the tank had sent them.
      for (int i = 0; i < 10; i++) {
        rig.chaos.sink.accept(ChaosAdapter.sample(ChaosRig.LEVEL, 1000 + i));
      }
      rig.pushTank(0, 20);
      rig.awaitTankWrites(20);
      var entry = rig.chaosGatewayEntry();
      assertEquals(10L, entry.counters().get("events_unknown_point"), entry.toString());
      assertTrue(entry.counters().get("points_duplicate") >= 1, entry.toString());
      assertTrue(entry.counters().get("point_clash") >= 1, entry.toString());
      assertTrue(rig.gw.health().toString().contains("(push:tank does)"), entry.toString());
      rig.closeGateway();
      // The tank's writes went to the tank (it offered tank/out first), never to the chaos adapter.
      rig.assertTankExact(20);
      assertEquals(20, rig.resultsFor(ChaosAdapter.SET).size(), "relay writes reach pump/set");
      assertTrue(rig.resultsFor(ChaosAdapter.SET).stream().allMatch(WriteResult::isOk));
    }
  }
}
