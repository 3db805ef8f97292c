package io.edgerule.daemon.namespace.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgerule.adapter.PointValue;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seq on the wire: consecutive in the order messages reach the link, none lost to a refusal.
 */
class SparkplugLinkTest {
  @TempDir Path dir;

  record Sent(String topic, SparkplugBPayload payload) {}

  @Test
  void numbersMessagesInTheOrderTheyGoOutAndGivesBackTheNumberOfARefusedOne() throws Exception {
    List<Sent> wire = new ArrayList<>();
    boolean[] refuse = {false};
    SparkplugLink link =
        new SparkplugLink(
            (topic, payload, qos, retain) -> {
              if (refuse[0]) {
                return CompletableFuture.failedFuture(new IllegalStateException("not connected"));
              }
              try {
                wire.add(
                    new Sent(
                        topic, new SparkplugBPayloadDecoder().buildFromByteArray(payload, null)));
              } catch (Exception e) {
                throw new AssertionError(e);
              }
              return CompletableFuture.completedFuture(null);
            });
    SparkplugNamespace ns =
        new SparkplugNamespace(
            "plant",
            "gw-1",
            dir.resolve("bdseq"),
            Clock.fixed(SparkplugNamespaceTest.NOW, ZoneOffset.UTC),
            () -> SparkplugNamespaceTest.POINTS,
            new FakeJsonNamespace());
    List<OutboundMessage> made = new ArrayList<>();
    OutboundMessage will = ns.will();
    ns.deviceHealth("meter", true, made::add);
    ns.birth(made::add); // NBIRTH 0, DBIRTH 1
    OutboundMessage late = ns.rulePublication("r", "t", new byte[] {1}, 0, false); // numbered 2
    ns.telemetry(
        SparkplugNamespaceTest.event(SparkplugNamespaceTest.ENERGY, PointValue.of(5L), 1),
        made::add); // 3
    for (OutboundMessage m : made) {
      link.send(m);
    }
    refuse[0] = true;
    link.send(late); // refused: its number is given back
    refuse[0] = false;
    link.send(late); // the rule outbox's message goes out after the telemetry
    link.send(will);
    assertEquals(
        List.of(
            "spBv1.0/plant/NBIRTH/gw-1",
            "spBv1.0/plant/DBIRTH/gw-1/meter",
            "spBv1.0/plant/DDATA/gw-1/meter",
            "spBv1.0/plant/NDATA/gw-1",
            "spBv1.0/plant/NDEATH/gw-1"),
        wire.stream().map(Sent::topic).toList());
    assertEquals(0L, wire.get(0).payload().getSeq());
    assertEquals(1L, wire.get(1).payload().getSeq());
    assertEquals(2L, wire.get(2).payload().getSeq());
    assertEquals(3L, wire.get(3).payload().getSeq(), "numbered on the wire, not when made");
    assertNull(wire.get(4).payload().getSeq(), "NDEATH has none");
    assertEquals(5L, wire.get(2).payload().getMetrics().get(0).getValue(), "content kept");
    assertEquals(1, link.dropped());
    assertEquals(5, link.sent());
  }
}
