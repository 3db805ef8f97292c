package io.edgerule.daemon.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.testing.FairnessRig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.SlowDevice;
import io.edgerule.daemon.testing.Wat;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, class 6: a rule writing its own granted point as fast as it was allowed queued device
 * writes without bound (1 GB) ahead of everyone else's. Now each rule's writes wait in a bounded
 * queue of their own, rules take turns, and the adapter is handed only a few at a time: a good rule
 * writing the same device beside the flood gets every write through, in order, each behind only a
 * handful of the flood's.
 */
class WriteFloodTest {
  private static final PointId SET = PointId.parse("pump/set");
  private static final PointId HIT = PointId.parse("pump/hit");
  private static final int PER_BATCH = 1000;

  @TempDir Path tmp;

  @Test
  void aRuleFloodingADeviceWithWritesDelaysOnlyItself() throws Exception {
    SlowDevice.Factory slow = new SlowDevice.Factory();
    try (FairnessRig rig = new FairnessRig(tmp)) {
      rig.factories.add(slow);
      rig.devices.add(new SlowDevice.Device("pump"));
      String limits = "limits: {deadline: 1s, max_actions: 1000, actions_per_second: 100000}\n";
      rig.rule(
          "hammer",
          Wat.rule(
                  "",
                  "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
                      + " (local $i i32)"
                      + " (block $done (loop $next"
                      + "   (br_if $done (i32.ge_u (local.get $i) (i32.const "
                      + PER_BATCH
                      + ")))"
                      + "   (drop (call $write_i64 (global.get $out)"
                      + "     (i64.extend_i32_u (local.get $i))))"
                      + "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                      + "   (br $next)))"
                      + " (i32.const 0))")
              .replace("tank/out", "pump/hit"),
          "inputs: [tank/level]\nwritable_points: [pump/hit]\n" + limits);
      rig.rule(
          "relay",
          Wat.rule("", Wat.ECHO_SEQUENCES).replace("tank/out", "pump/set"),
          "inputs: [tank/level]\nwritable_points: [pump/set]\n" + limits);
      // How many writes the device had carried out when the relay rule's batch ended, by the
      // sequence number it then wrote.
      Map<Long, Integer> positionAtOutcome = new ConcurrentHashMap<>();
      AtomicInteger mostWaiting = new AtomicInteger();
      rig.afterOutcome =
          rule -> {
            mostWaiting.accumulateAndGet(rig.gw.actions().writesWaiting("rule:hammer"), Math::max);
            if (rule.equals("relay")) {
              int at = slow.last.carriedOutCount();
              List<io.edgerule.adapter.PointEvent> events = rig.tankEvents;
              positionAtOutcome.put(events.get(events.size() - 1).sequence(), at);
            }
          };
      rig.start();
      int n = 30;
      for (int i = 0; i < n; i++) {
        rig.tank.push("level", i);
        int want = i + 1;
        Poll.until(
            () ->
                slow.last.carriedOut().stream().filter(w -> w.point().equals(SET)).count() >= want,
            FairnessRig.WAIT,
            "relay write " + want);
      }
      Poll.until(
          () -> rig.record("hammer").events.get() >= n, FairnessRig.WAIT, "hammer saw every event");
      Poll.until(
          () ->
              rig.results.stream().filter(r -> r.command().point().equals(HIT)).count()
                  >= PER_BATCH * rig.record("hammer").committed.get(),
          FairnessRig.WAIT,
          "every hammer write answered");
      long hammerBatches = rig.record("hammer").committed.get();
      assertEquals(0, rig.record("hammer").failed.get(), rig.record("hammer").failures::toString);

      List<WriteCommand> done = slow.last.carriedOut();
      List<Long> relayed =
          done.stream()
              .filter(w -> w.point().equals(SET))
              .map(w -> ((PointValue.Int64) w.value()).value())
              .toList();
      List<Long> sequences =
          rig.tankEvents.stream().map(io.edgerule.adapter.PointEvent::sequence).toList();
      assertEquals(sequences, relayed, "the relay rule's every write reached the device, in order");
      assertTrue(
          rig.results.stream()
              .filter(r -> r.command().point().equals(SET))
              .allMatch(WriteResult::isOk),
          "no relay write refused");

      // Each relay write found at most the other in-flight writes ahead of it in the device (the
      // device holds at most 4 of the gateway's writes), and went out behind a fraction of one
      // flood batch. The second count also includes writes the device carried out while the
      // relay's rule thread was descheduled (a loaded machine); without the queues it was ~2000.
      int worst = 0;
      int mostAhead = 0;
      for (int i = 0; i < done.size(); i++) {
        WriteCommand w = done.get(i);
        if (w.point().equals(SET)) {
          long seq = ((PointValue.Int64) w.value()).value();
          worst = Math.max(worst, i - positionAtOutcome.get(seq));
          mostAhead = Math.max(mostAhead, slow.last.aheadAtArrival(w));
        }
      }
      assertTrue(mostAhead <= 3, "writes ahead of a relay write in the device: " + mostAhead);
      assertTrue(
          worst <= PER_BATCH / 4,
          "device writes carried out between a relay batch and its write: " + worst);

      // The flood is bounded where it waits and pays for its own overflow.
      assertTrue(
          slow.last.deepestQueue() <= 4, "writes inside the device: " + slow.last.deepestQueue());
      assertTrue(mostWaiting.get() <= 64, "hammer writes waiting: " + mostWaiting);
      long hammerDone = done.stream().filter(w -> w.point().equals(HIT)).count();
      long dropped = rig.gw.actions().account("hammer").counter("writes_dropped");
      assertTrue(dropped > 0, "the flood overflowed its queue");
      assertEquals(
          PER_BATCH * hammerBatches, hammerDone + dropped, "every flood write done or dropped");
      assertEquals(0, rig.gw.actions().account("relay").counter("writes_dropped"));
      assertTrue(rig.deadThreads.isEmpty(), rig.deadThreads::toString);
    }
  }
}
