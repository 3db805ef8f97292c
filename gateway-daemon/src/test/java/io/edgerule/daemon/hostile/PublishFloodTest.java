package io.edgerule.daemon.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.daemon.pipeline.RuleOutbox;
import io.edgerule.daemon.testing.FairnessRig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.RecordingUplink;
import io.edgerule.daemon.testing.WindowUplink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, class 7: before a publication-flooding rule was quarantined the shared uplink dropped
 * about 98,000 messages, other rules' among them. Now rule publications wait in per-rule queues
 * served in turn, with at most {@link RuleOutbox#WINDOW} in the uplink: a good rule's publications
 * and the gateway's alarm messages all arrive, in order, and the uplink drops nothing.
 */
class PublishFloodTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PER_BATCH = 1000;

  @TempDir Path tmp;

  @Test
  void aRuleFloodingTheUplinkDropsOnlyItsOwnMessages() throws Exception {
    WindowUplink uplink = new WindowUplink(1000); // Paho's in-flight window as the gateway sets it
    try (FairnessRig rig = new FairnessRig(tmp)) {
      rig.uplink = uplink;
      String limits = "limits: {deadline: 1s, max_actions: 1000, actions_per_second: 100000}\n";
      rig.rule(
          "blaster",
          HostileWat.blaster(PER_BATCH),
          "inputs: [tank/level]\ntopics: [spam]\n" + limits);
      rig.rule("talker", HostileWat.TALKER, "inputs: [tank/level]\ntopics: [seq]\n" + limits);
      rig.rule("guard", HostileWat.GUARD, "inputs: [tank/level]\nalarms: [high]\n" + limits);
      AtomicInteger mostWaiting = new AtomicInteger();
      AtomicInteger mostOutstanding = new AtomicInteger();
      rig.afterOutcome =
          rule -> {
            RuleOutbox box = rig.gw.actions().outbox();
            mostWaiting.accumulateAndGet(box.waiting("blaster"), Math::max);
            mostOutstanding.accumulateAndGet(box.outstanding(), Math::max);
          };
      rig.start();
      String seqTopic =
          ((io.edgerule.daemon.namespace.json.JsonNamespace) rig.gw.namespace())
              .topics()
              .rule("talker", "seq");
      String alarmTopic =
          ((io.edgerule.daemon.namespace.json.JsonNamespace) rig.gw.namespace())
              .topics()
              .alarm("guard", "high");
      String spamTopic =
          ((io.edgerule.daemon.namespace.json.JsonNamespace) rig.gw.namespace())
              .topics()
              .rule("blaster", "spam");
      int n = 40;
      List<Boolean> expectedAlarms = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int value = (i * 37) % 200;
        expectedAlarms.add(value >= 100);
        rig.tank.push("level", value);
        int want = i + 1;
        Poll.until(
            () -> uplink.deliveredOn(seqTopic).size() >= want,
            FairnessRig.WAIT,
            "talker message " + want);
      }
      Poll.until(
          () ->
              rig.record("blaster").events.get() >= n && uplink.deliveredOn(alarmTopic).size() >= n,
          FairnessRig.WAIT,
          "every event seen");
      // The listener hears of a batch before its actions are carried out: wait for the last.
      RuleOutbox box = rig.gw.actions().outbox();
      String spam =
          ((io.edgerule.daemon.namespace.json.JsonNamespace) rig.gw.namespace())
              .topics()
              .rule("blaster", "spam");
      Poll.until(
          () ->
              uplink.deliveredOn(spam).size()
                      + rig.gw.actions().account("blaster").counter("publishes_dropped")
                  == PER_BATCH * rig.record("blaster").committed.get(),
          FairnessRig.WAIT,
          "every flood message sent or counted");
      Poll.until(
          () -> box.waiting() == 0 && box.outstanding() == 0 && uplink.inFlight() == 0,
          FairnessRig.WAIT,
          "the outbox and the uplink drained");

      assertEquals(List.of(), uplink.droppedMessages(), "the shared uplink dropped nothing");
      List<Long> seqs = new ArrayList<>();
      for (RecordingUplink.Message m : uplink.deliveredOn(seqTopic)) {
        seqs.add(ByteBuffer.wrap(m.payload()).order(ByteOrder.LITTLE_ENDIAN).getLong());
      }
      List<Long> sequences =
          rig.tankEvents.stream().map(io.edgerule.adapter.PointEvent::sequence).toList();
      assertEquals(sequences, seqs, "the talker's every message, in order");
      List<Boolean> alarms = new ArrayList<>();
      for (RecordingUplink.Message m : uplink.deliveredOn(alarmTopic)) {
        alarms.add(JSON.readTree(m.payload()).get("active").asBoolean());
      }
      assertEquals(expectedAlarms, alarms, "the gateway's alarm messages, every one, in order");

      long batches = rig.record("blaster").committed.get();
      assertEquals(0, rig.record("blaster").failed.get(), rig.record("blaster").failures::toString);
      long delivered = uplink.deliveredOn(spamTopic).size();
      long dropped = rig.gw.actions().account("blaster").counter("publishes_dropped");
      assertTrue(dropped > 0, "the flood overflowed its own queue");
      assertEquals(PER_BATCH * batches, delivered + dropped, "every flood message sent or counted");
      assertEquals(0, rig.gw.actions().account("talker").counter("publishes_dropped"));
      assertTrue(mostWaiting.get() <= 1000, "blaster messages waiting: " + mostWaiting);
      assertTrue(
          mostOutstanding.get() <= RuleOutbox.WINDOW,
          "rule messages in the uplink: " + mostOutstanding);
      assertTrue(rig.deadThreads.isEmpty(), rig.deadThreads::toString);
    }
  }
}
