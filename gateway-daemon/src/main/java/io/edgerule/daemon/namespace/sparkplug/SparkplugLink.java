package io.edgerule.daemon.namespace.sparkplug;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.mqtt.outbox.OutboundMessage;
import io.edgerule.mqtt.outbox.Publisher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.tahu.protobuf.SparkplugBProto;

/**
 * Puts the edge node's messages on the wire directly (not through the store-and-forward outbox) and
 * numbers their {@code seq} as they go, under one lock: the numbers on the wire are consecutive
 * whatever thread or queue handed a message over (a rule's publication may wait in the rule outbox
 * while telemetry goes on). A message the link refuses at once (not connected, in-flight window
 * full) gives its number back, so a host sees no gap for it; it is counted as dropped.
 *
 * <p>Why not the outbox: Sparkplug data is QoS 0 and belongs to one session (its seq, its births);
 * a DDATA replayed after a reconnect or a restart would follow a new NBIRTH with an old session's
 * numbers, aliases and device states. Sparkplug's own answer to an outage is the birth on
 * reconnect, which carries every current value.
 */
public final class SparkplugLink implements FleetNamespace.DirectSender {
  private final Publisher transport;
  private final SequenceNumbers seq = new SequenceNumbers();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  public SparkplugLink(Publisher transport) {
    this.transport = transport;
  }

  /** Sends {@code m}: NBIRTH as seq 0, NDEATH as it is, every other message with the next seq. */
  @Override
  public synchronized CompletionStage<Void> send(OutboundMessage m) {
    String type = typeOf(m.topic());
    byte[] payload = m.payload();
    long n = -1;
    if (!type.equals("NDEATH")) {
      n = type.equals("NBIRTH") ? seq.birth() : seq.next();
      payload = withSeq(payload, n);
    }
    CompletionStage<Void> done;
    try {
      done = transport.publish(m.topic(), payload, m.qos(), m.retain());
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    if (done.toCompletableFuture().isCompletedExceptionally()) {
      if (n > 0) {
        seq.giveBack(n);
      }
      dropped.incrementAndGet();
    } else {
      sent.incrementAndGet();
    }
    return done;
  }

  public long sent() {
    return sent.get();
  }

  public long dropped() {
    return dropped.get();
  }

  /** The message type segment of {@code spBv1.0/<group>/<type>/<node>[/<device>]}. */
  static String typeOf(String topic) {
    String[] parts = topic.split("/", 4);
    return parts.length > 2 ? parts[2] : "";
  }

  static byte[] withSeq(byte[] payload, long seq) {
    try {
      return SparkplugBProto.Payload.parseFrom(payload).toBuilder()
          .setSeq(seq)
          .build()
          .toByteArray();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a Sparkplug B payload (our own): " + e, e);
    }
  }
}
