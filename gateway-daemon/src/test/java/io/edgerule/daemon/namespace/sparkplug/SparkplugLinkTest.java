package io.edgerule.daemon.namespace.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointValue;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reaches the wire: seq numbered in the order messages go out (not when they were made),
 * births and deaths straight, data through a store (as the uplink's outbox) and, when made in an
 * earlier epoch, flagged historical after the new births.
 */
class SparkplugLinkTest {
  @TempDir Path dir;

  record Sent(String topic, SparkplugBPayload payload) {
    String type() {
      return SparkplugLink.typeOf(topic);
    }
  }

  /** The uplink's routing, with a FIFO in place of the outbox and a switchable transport. */
  final class Rig {
    final List<Sent> wire = new ArrayList<>();
    final ArrayDeque<OutboundMessage> stored = new ArrayDeque<>();
    boolean connected = true;
    long millis = SparkplugNamespaceTest.NOW.toEpochMilli(); // the namespace's clock
    final SparkplugNamespace ns =
        new SparkplugNamespace(
            "plant",
            "gw-1",
            dir.resolve("bdseq"),
            new Clock() {
              @Override
              public ZoneId getZone() {
                return ZoneOffset.UTC;
              }

              @Override
              public Clock withZone(ZoneId zone) {
                return this;
              }

              @Override
              public Instant instant() {
                return Instant.ofEpochMilli(millis);
              }
            },
            () -> SparkplugNamespaceTest.POINTS,
            new FakeJsonNamespace());
    final SparkplugLink link =
        (SparkplugLink)
            ns.wire(
                (topic, payload, qos, retain) -> {
                  if (!connected) {
                    return CompletableFuture.failedFuture(new IllegalStateException("down"));
                  }
                  try {
                    wire.add(
                        new Sent(
                            topic,
                            new SparkplugBPayloadDecoder().buildFromByteArray(payload, null)));
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                  return CompletableFuture.completedFuture(null);
                });

    void publish(OutboundMessage m) {
      if (m.messageClass() == MessageClass.BIRTH_DEATH) {
        link.straight(m);
      } else {
        stored.add(m);
      }
    }

    /** The forwarder: sends stored messages in order until one fails (it stays). */
    void forward() {
      while (!stored.isEmpty()) {
        OutboundMessage m = stored.peek();
        var done = link.forwarding().publish(m.topic(), m.payload(), m.qos(), m.retain());
        if (done.toCompletableFuture().isCompletedExceptionally()) {
          return;
        }
        stored.poll();
      }
    }

    void energy(long v) {
      ns.telemetry(
          SparkplugNamespaceTest.event(SparkplugNamespaceTest.ENERGY, PointValue.of(v), v),
          this::publish);
    }
  }

  @Test
  void numbersMessagesInTheOrderTheyGoOutAndGivesBackTheNumberOfARefusedOne() throws Exception {
    Rig rig = new Rig();
    OutboundMessage will = rig.ns.will();
    rig.ns.deviceHealth("meter", true, rig::publish);
    rig.ns.birth(rig::publish); // NBIRTH 0, DBIRTH 1
    OutboundMessage late = rig.ns.rulePublication("r", "t", new byte[] {1}, 0, false);
    rig.energy(5); // made after the publication
    rig.forward(); // DDATA 2
    rig.connected = false;
    assertTrue(
        rig.link
            .forwarding()
            .publish(late.topic(), late.payload(), 0, false)
            .toCompletableFuture()
            .isCompletedExceptionally());
    rig.connected = true;
    rig.link.forwarding().publish(late.topic(), late.payload(), 0, false); // NDATA 3, no gap
    rig.link.straight(will);
    assertEquals(
        List.of(
            "spBv1.0/plant/NBIRTH/gw-1",
            "spBv1.0/plant/DBIRTH/gw-1/meter",
            "spBv1.0/plant/DDATA/gw-1/meter",
            "spBv1.0/plant/NDATA/gw-1",
            "spBv1.0/plant/NDEATH/gw-1"),
        rig.wire.stream().map(Sent::topic).toList());
    assertEquals(0L, rig.wire.get(0).payload().getSeq());
    assertEquals(1L, rig.wire.get(1).payload().getSeq());
    assertEquals(2L, rig.wire.get(2).payload().getSeq());
    assertEquals(3L, rig.wire.get(3).payload().getSeq(), "numbered on the wire, not when made");
    assertNull(rig.wire.get(4).payload().getSeq(), "NDEATH has none");
    Metric energy = rig.wire.get(2).payload().getMetrics().get(0);
    assertEquals(5L, energy.getValue(), "content kept");
    assertFalse(energy.hasName(), "current data by alias only");
    assertFalse(energy.isHistorical());
    for (Sent s : rig.wire) {
      assertEquals(null, s.payload().getUuid(), "the epoch stays inside: " + s.topic());
    }
    assertEquals(5, rig.link.sent());
    assertEquals(0, rig.link.historical());
  }

  @Test
  void seqWrapsFrom255To0() {
    Rig rig = new Rig();
    rig.ns.will();
    rig.ns.deviceHealth("meter", true, rig::publish);
    rig.ns.birth(rig::publish);
    for (int i = 0; i < 300; i++) {
      rig.energy(i);
    }
    rig.forward();
    assertEquals(302, rig.wire.size());
    for (int i = 0; i < rig.wire.size(); i++) {
      assertEquals(i % 256, rig.wire.get(i).payload().getSeq(), "message " + i);
    }
  }

  @Test
  void dataStoredDuringAnOutageGoesOutHistoricalAfterTheNewBirthsWithConsecutiveSeq()
      throws Exception {
    Rig rig = new Rig();
    rig.ns.will();
    rig.ns.deviceHealth("meter", true, rig::publish);
    rig.ns.birth(rig::publish);
    rig.energy(0);
    rig.energy(1); // made in the session, not sent before the connection is lost
    rig.connected = false;
    rig.ns.will(); // asked before the next connection: the session is over
    for (long v = 2; v < 6; v++) {
      rig.energy(v); // made with no session
    }
    rig.connected = true;
    rig.forward();
    assertTrue(rig.wire.size() == 2, "no data before the new NBIRTH: " + rig.wire);
    assertEquals(6, rig.stored.size());
    rig.ns.birth(rig::publish); // NBIRTH 0, DBIRTH 1 with the latest value
    rig.energy(6); // current
    rig.forward();

    List<Sent> session = rig.wire.subList(2, rig.wire.size());
    assertEquals(
        List.of("NBIRTH", "DBIRTH", "DDATA", "DDATA", "DDATA", "DDATA", "DDATA", "DDATA", "DDATA"),
        session.stream().map(Sent::type).toList());
    for (int i = 0; i < session.size(); i++) {
      assertEquals(i, session.get(i).payload().getSeq(), "consecutive in the new session");
    }
    assertEquals(5L, session.get(1).payload().getMetrics().get(0).getValue(), "DBIRTH: latest");
    for (int v = 0; v <= 6; v++) {
      Metric m = session.get(2 + v).payload().getMetrics().get(0);
      assertEquals((long) v, m.getValue(), "every value, in order");
      assertEquals(
          SparkplugNamespaceTest.READ.toEpochMilli(), m.getTimestamp().getTime(), "its time");
      if (v < 6) {
        assertTrue(m.isHistorical(), "made before the new NBIRTH: " + v);
        assertEquals("energy", m.getName(), "historical data by name");
        assertNull(m.getAlias());
      } else {
        assertFalse(m.isHistorical(), "current");
        assertFalse(m.hasName());
      }
    }
    assertEquals(6, rig.link.historical());
  }

  @Test
  void storedDataOfADeviceNotBornWaitsForItsBirthEarlyInASessionAndIsDroppedLater() {
    Rig rig = new Rig();
    rig.ns.will();
    rig.energy(1); // stored before the session: the meter is not up yet
    rig.ns.birth(rig::publish); // NBIRTH; no DBIRTH yet (the health watch has not seen the meter)
    rig.forward();
    assertEquals(1, rig.stored.size(), "waits for the meter's DBIRTH");
    rig.millis += SparkplugLink.BIRTH_GRACE_MILLIS / 2;
    rig.ns.deviceHealth("meter", true, rig::publish); // DBIRTH
    rig.forward();
    assertEquals(List.of("NBIRTH", "DBIRTH", "DDATA"), rig.wire.stream().map(Sent::type).toList());
    assertTrue(rig.wire.get(2).payload().getMetrics().get(0).isHistorical());

    rig.energy(2);
    rig.ns.deviceHealth("meter", false, rig::publish); // DDEATH goes out before the data
    rig.forward();
    assertEquals(1, rig.stored.size(), "the session is young: it waits");
    rig.millis += SparkplugLink.BIRTH_GRACE_MILLIS;
    rig.forward();
    assertEquals(
        List.of("NBIRTH", "DBIRTH", "DDATA", "DDEATH"), rig.wire.stream().map(Sent::type).toList());
    assertEquals(1, rig.link.dropped(), "dropped and counted once the grace is over");
    assertEquals(0, rig.stored.size(), "not kept: it would block everything behind it");
  }
}
