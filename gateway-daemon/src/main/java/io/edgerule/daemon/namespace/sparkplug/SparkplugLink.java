package io.edgerule.daemon.namespace.sparkplug;

import com.google.protobuf.InvalidProtocolBufferException;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.mqtt.outbox.OutboundMessage;
import io.edgerule.mqtt.outbox.Publisher;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.tahu.protobuf.SparkplugBProto;

/**
 * The edge node's last step before the transport: births and deaths come {@link #straight} from the
 * namespace, data (DDATA, NDATA) from the store-and-forward outbox through {@link #forwarding()}.
 * Under one lock it numbers {@code seq} as messages go onto the wire, so the numbers a host sees
 * are consecutive within a session whatever queue delivered a message, and it knows the session on
 * the wire: the NBIRTH of this connection and the DBIRTH of each device.
 *
 * <p>Every payload the namespace makes carries, in its {@code uuid} field (cleared here), the epoch
 * it was made in: the NBIRTH's for node data, the device's DBIRTH's for device data, or {@link
 * SparkplugNamespace#OFFLINE} when it was made outside a session. Data of the epoch now on the wire
 * goes out as it is (metrics by alias). Data of an earlier epoch (stored during an outage, left
 * from before a restart, or made before a rebirth) goes out after the new births with {@code
 * is_historical} set on every metric and the metric's name instead of its alias (aliases of another
 * run may differ), so a host records it with its original time stamps without taking it for the
 * current value. Sparkplug allows device data only between DBIRTH and DDEATH: stored data of a
 * device that is not born on the wire when its turn comes waits while the session is younger than
 * {@link #BIRTH_GRACE_MILLIS} (after a start or a reconnect devices are born as their health is
 * read, a few hundred milliseconds after the NBIRTH), and is dropped and counted after that (its
 * latest values are in the device's next DBIRTH).
 */
public final class SparkplugLink implements FleetNamespace.Wire {
  /** How long after an NBIRTH stored data of a device not born yet waits for its DBIRTH. */
  public static final long BIRTH_GRACE_MILLIS = 10_000;

  private final Publisher transport;
  private final LongSupplier millis;
  private long bornAtMillis; // of this connection's NBIRTH
  private final SequenceNumbers seq = new SequenceNumbers();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong historical = new AtomicLong();
  private final AtomicLong unborn = new AtomicLong();

  /** The epoch of this connection's NBIRTH on the wire; null before it (nothing may go out). */
  private String nodeEpoch;

  /** Devices born on the wire in this session: device → epoch of its DBIRTH. */
  private final Map<String, String> devices = new HashMap<>();

  /**
   * @param millis the clock for {@link #BIRTH_GRACE_MILLIS}
   */
  public SparkplugLink(Publisher transport, LongSupplier millis) {
    this.transport = transport;
    this.millis = millis;
  }

  /**
   * The connection is gone (asked for the next one's will): nothing but a new NBIRTH may go out.
   */
  public synchronized void connectionEnded() {
    nodeEpoch = null;
    devices.clear();
  }

  /**
   * NBIRTH (seq 0, starts a session), DBIRTH, DDEATH (each with the next seq) or NDEATH (no seq).
   * Refused at once when it cannot be sent: births are made again with the current values at the
   * next connection or rebirth.
   */
  @Override
  public synchronized CompletionStage<Void> straight(OutboundMessage m) {
    String type = typeOf(m.topic());
    SparkplugBProto.Payload.Builder p = parse(m.payload());
    String epoch = p.getUuid();
    p.clearUuid();
    if (!type.equals("NBIRTH") && !type.equals("NDEATH") && nodeEpoch == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("no Sparkplug session on the wire for " + m.topic()));
    }
    if (type.equals("DDEATH") && !devices.containsKey(deviceOf(m.topic()))) {
      return CompletableFuture.completedFuture(null); // never born on the wire: nothing to end
    }
    CompletionStage<Void> done =
        put(
            m.topic(),
            p,
            type.equals("NDEATH") ? -1 : type.equals("NBIRTH") ? 0 : 1,
            m.qos(),
            m.retain());
    if (done.toCompletableFuture().isCompletedExceptionally()) {
      return done;
    }
    switch (type) {
      case "NBIRTH" -> {
        nodeEpoch = epoch;
        devices.clear();
        bornAtMillis = millis.getAsLong();
      }
      case "DBIRTH" -> devices.put(deviceOf(m.topic()), epoch);
      case "DDEATH" -> devices.remove(deviceOf(m.topic()));
      default -> {}
    }
    return done;
  }

  /** The outbox's forwarder publishes stored DDATA and NDATA through this. */
  @Override
  public Publisher forwarding() {
    return new Publisher() {
      @Override
      public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
        return data(topic, payload, qos, retain);
      }

      @Override
      public void burstStarted() {
        transport.burstStarted();
      }

      @Override
      public void burstEnded() {
        transport.burstEnded();
      }
    };
  }

  private synchronized CompletionStage<Void> data(
      String topic, byte[] payload, int qos, boolean retain) {
    if (nodeEpoch == null) { // stays in the outbox; the forwarder tries again
      return CompletableFuture.failedFuture(
          new IllegalStateException("no Sparkplug session on the wire yet"));
    }
    SparkplugBProto.Payload.Builder p = parse(payload);
    String epoch = p.getUuid();
    p.clearUuid();
    String current = nodeEpoch;
    if (typeOf(topic).equals("DDATA")) {
      current = devices.get(deviceOf(topic));
      if (current == null) {
        if (millis.getAsLong() - bornAtMillis < BIRTH_GRACE_MILLIS) { // stays; tried again
          return CompletableFuture.failedFuture(
              new IllegalStateException("device " + deviceOf(topic) + " not born yet"));
        }
        unborn.incrementAndGet();
        return CompletableFuture.completedFuture(null); // gone from the outbox, counted
      }
    }
    boolean old = !epoch.equals(current);
    for (SparkplugBProto.Payload.Metric.Builder m : p.getMetricsBuilderList()) {
      if (old) {
        m.setIsHistorical(true).clearAlias();
      } else if (m.hasAlias()) {
        m.clearName(); // the births told the host the names
      }
    }
    if (old) {
      historical.incrementAndGet();
    }
    return put(topic, p, 1, qos, retain);
  }

  /**
   * Numbers and publishes: {@code numbering} -1 no seq, 0 the NBIRTH's, 1 the next. A refused
   * message gives its number back, so the host sees no gap for it.
   */
  private CompletionStage<Void> put(
      String topic, SparkplugBProto.Payload.Builder p, int numbering, int qos, boolean retain) {
    long n = numbering < 0 ? -1 : numbering == 0 ? seq.birth() : seq.next();
    if (n >= 0) {
      p.setSeq(n);
    }
    CompletionStage<Void> done;
    try {
      done = transport.publish(topic, p.build().toByteArray(), qos, retain);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    if (done.toCompletableFuture().isCompletedExceptionally()) {
      if (n > 0) {
        seq.giveBack(n);
      }
    } else {
      sent.incrementAndGet();
    }
    return done;
  }

  public long sent() {
    return sent.get();
  }

  /** Stored data dropped on the wire: device data whose device was not born (see above). */
  @Override
  public long dropped() {
    return unborn.get();
  }

  /** Stored data sent flagged historical. */
  public long historical() {
    return historical.get();
  }

  /** Stored device data dropped because its device was not born on the wire when its turn came. */
  public long unborn() {
    return unborn.get();
  }

  /** The message type segment of {@code spBv1.0/<group>/<type>/<node>[/<device>]}. */
  static String typeOf(String topic) {
    String[] parts = topic.split("/", 5);
    return parts.length > 2 ? parts[2] : "";
  }

  static String deviceOf(String topic) {
    String[] parts = topic.split("/", 5);
    return parts.length > 4 ? parts[4] : "";
  }

  private static SparkplugBProto.Payload.Builder parse(byte[] payload) {
    try {
      return SparkplugBProto.Payload.parseFrom(payload).toBuilder();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a Sparkplug B payload (our own): " + e, e);
    }
  }
}
