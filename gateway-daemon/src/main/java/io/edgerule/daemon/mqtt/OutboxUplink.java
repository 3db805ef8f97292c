package io.edgerule.daemon.mqtt;

import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.mqtt.ConnectionListener;
import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.mqtt.outbox.Forwarder;
import io.edgerule.mqtt.outbox.ForwarderConfig;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboundMessage;
import io.edgerule.mqtt.outbox.Outbox;
import io.edgerule.mqtt.outbox.OutboxConfig;
import io.edgerule.mqtt.outbox.OutboxStats;
import io.edgerule.mqtt.outbox.Publisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uplink: every message is appended to the disk-backed {@link Outbox} (bounded per message
 * class, drops counted) and a {@link Forwarder} sends it through the {@link MqttTransport}; it
 * leaves the outbox only when the broker acknowledged it. So a broker outage, a restart or a {@code
 * kill -9} of the gateway loses nothing the outbox accepted (within its flush policy).
 *
 * <p>The fleet namespace's birth messages (JSON: the retained {@code online} state) sent right
 * after each connect and its death messages at a clean shutdown do not go through the outbox, on
 * purpose. They answer the broker's last will and must follow the connect at once; a copy queued
 * behind a backlog would say "online" minutes late, and a stale one replayed after a restart would
 * be wrong. The periodic state snapshots do go through the outbox (class {@code STATE}).
 */
public final class OutboxUplink implements Uplink {
  private static final Logger log = LoggerFactory.getLogger(OutboxUplink.class);

  /** How long a clean shutdown waits for the backlog to go out before leaving it on disk. */
  private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(2);

  private final FleetNamespace namespace;
  private final MqttTransport transport;
  private final Outbox outbox;
  private final Forwarder forwarder;

  /** Non-null when the namespace's messages need a last step before the transport (Sparkplug). */
  private final FleetNamespace.Wire wire;

  private final AtomicLong published = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicBoolean appendFailureLogged = new AtomicBoolean();
  private volatile boolean closed;

  private OutboxUplink(
      FleetNamespace namespace,
      MqttTransport transport,
      Outbox outbox,
      ForwarderConfig forwarding) {
    this.namespace = namespace;
    this.transport = transport;
    this.outbox = outbox;
    Publisher direct = bursting(transport);
    this.wire = namespace.wire(direct);
    this.forwarder = new Forwarder(outbox, wire != null ? wire.forwarding() : direct, forwarding);
    // A new will before every connection (Sparkplug: the next bdSeq, which the birth repeats).
    transport.willBeforeEachConnect(
        () -> {
          OutboundMessage w = namespace.will();
          return new TransportConfig.Will(w.topic(), w.payload(), w.qos(), w.retain());
        });
    transport.addListener(
        new ConnectionListener() {
          @Override
          public void up(boolean reconnect) {
            publishOnline();
          }
        });
  }

  /**
   * Opens the outbox (messages left by an earlier run are sent first), starts forwarding and starts
   * connecting in the background.
   *
   * @param transportConfig its last will should be the namespace's {@link FleetNamespace#will()}
   * @throws IOException when the outbox file cannot be opened or a TLS file cannot be read (the
   *     message names the file)
   */
  public static OutboxUplink open(
      FleetNamespace namespace,
      TransportConfig transportConfig,
      OutboxConfig outboxConfig,
      ForwarderConfig forwarding)
      throws IOException {
    Outbox outbox = Outbox.open(outboxConfig);
    MqttTransport transport;
    try {
      transport = new MqttTransport(transportConfig);
    } catch (IOException | RuntimeException e) {
      outbox.close();
      throw e;
    }
    if (outbox.recoveredAtOpen() > 0) {
      log.info(
          "outbox {}: {} messages from an earlier run will be sent first",
          outboxConfig.file(),
          outbox.recoveredAtOpen());
    }
    // The namespace is asked for its will before every attempt (Sparkplug's NDEATH changes with
    // each connection); the config's will is the first one.
    transport.willBeforeEachConnect(
        () -> {
          OutboundMessage w = namespace.will();
          return new TransportConfig.Will(w.topic(), w.payload(), w.qos(), w.retain());
        });
    OutboxUplink uplink = new OutboxUplink(namespace, transport, outbox, forwarding);
    uplink.forwarder.start();
    transport.start();
    return uplink;
  }

  /**
   * The transport as the forwarder's publisher: the QoS 0 messages of one burst leave in few socket
   * writes ({@link MqttTransport#holdWrites}) instead of one each.
   */
  private static Publisher bursting(MqttTransport transport) {
    return new Publisher() {
      @Override
      public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
        return transport.publish(topic, payload, qos, retain);
      }

      @Override
      public void burstStarted() {
        transport.holdWrites();
      }

      @Override
      public void burstEnded() {
        transport.sendHeldWrites();
      }
    };
  }

  private void publishOnline() {
    namespace.birth(
        m ->
            straight(m)
                .whenComplete(
                    (ok, e) -> {
                      if (e != null) {
                        log.debug("birth message to {} not published: {}", m.topic(), e.toString());
                      }
                    }));
  }

  /**
   * A message without a class (not made by the fleet namespace, which gives each its class) counts
   * as a rule publication.
   */
  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained) {
    publish(new OutboundMessage(topic, payload, qos, retained, MessageClass.RULE_PUBLICATION));
  }

  /** Past the outbox (births and deaths): through the namespace's wire if it has one. */
  private java.util.concurrent.CompletionStage<Void> straight(OutboundMessage m) {
    return wire != null
        ? wire.straight(m)
        : transport.publish(m.topic(), m.payload(), m.qos(), m.retain());
  }

  @Override
  public void publish(OutboundMessage m) {
    if (closed) {
      refused.incrementAndGet();
      return;
    }
    if (m.messageClass() == MessageClass.BIRTH_DEATH) {
      // Never stored: a birth or death replayed after a reconnect would be stale. The next
      // connection's births carry the current picture.
      if (straight(m).toCompletableFuture().isCompletedExceptionally()) {
        refused.incrementAndGet(); // not connected or the in-flight window is full
      } else {
        published.incrementAndGet();
      }
      return;
    }
    try {
      outbox.append(m);
      published.incrementAndGet();
      appendFailureLogged.set(false);
    } catch (UncheckedIOException e) {
      // An each-message commit failed: the message stays buffered in order and the next flush
      // tries again, so it is accepted all the same.
      published.incrementAndGet();
      if (appendFailureLogged.compareAndSet(false, true)) {
        log.warn("outbox: {} (kept in memory, the next flush tries again)", e.getMessage());
      }
    } catch (IllegalStateException e) { // closed under us
      refused.incrementAndGet();
    }
  }

  /**
   * The message has left the uplink when the outbox has it: from then on it is kept (within its
   * class's budget) until the broker acknowledges it, across reconnects and restarts.
   */
  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained, Runnable done) {
    try {
      publish(topic, payload, qos, retained);
    } finally {
      done.run();
    }
  }

  @Override
  public void publish(OutboundMessage m, Runnable done) {
    try {
      publish(m);
    } finally {
      done.run();
    }
  }

  /** The forwarder is woken once, at the close, for what this thread appends until then. */
  @Override
  public Batch batch() {
    return outbox.holdWakeups()::close;
  }

  /** The outbox takes messages whether or not the broker is reachable. */
  @Override
  public boolean takesMessagesNow() {
    return true;
  }

  @Override
  public void subscribe(String topicFilter, BiConsumer<String, byte[]> handler) {
    transport
        .subscribe(topicFilter, 1, m -> handler.accept(m.topic(), m.payload()))
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                log.warn("MQTT subscribe to {} failed: {}", topicFilter, e.getMessage());
              }
            });
  }

  @Override
  public boolean isConnected() {
    return transport.isConnected();
  }

  @Override
  public java.util.Optional<MqttTransport> transport() {
    return java.util.Optional.of(transport);
  }

  @Override
  public long published() {
    return published.get();
  }

  /**
   * Refused after close or (births and deaths) while not connected, dropped on the wire, plus every
   * message the outbox dropped (over budget or too old).
   */
  @Override
  public long dropped() {
    long n = refused.get() + (wire != null ? wire.dropped() : 0);
    for (OutboxStats.ClassStats c : outbox.stats().classes().values()) {
      n += c.dropped();
    }
    return n;
  }

  @Override
  public GatewayState.UplinkStatus status() {
    return new GatewayState.UplinkStatus(
        transport.isConnected(),
        published.get(),
        dropped(),
        new GatewayState.OutboxFigures(
            forwarder.replaying(),
            forwarder.acked(),
            forwarder.resent(),
            transport.inFlight(),
            outbox.stats()));
  }

  /**
   * The transport connects again with the new settings ({@link MqttTransport#reconnect}); the
   * outbox keeps every message the broker has not acknowledged, and the forwarder sends them on the
   * new connection (from the oldest; one whose acknowledgement was lost goes out twice).
   */
  @Override
  public boolean reconnect(io.edgerule.daemon.config.MqttConfig mqtt, String gatewayId)
      throws IOException {
    if (closed) {
      return false;
    }
    transport.reconnect(UplinkFactory.transportConfig(mqtt, gatewayId));
    return true;
  }

  public Outbox outbox() {
    return outbox;
  }

  public Forwarder forwarder() {
    return forwarder;
  }

  /**
   * Gives the backlog up to {@link #DRAIN_ON_CLOSE} to reach the broker (what is left stays on disk
   * for the next start), publishes {@code last} (the namespace's death messages) directly and
   * disconnects cleanly, so that no last will is sent.
   */
  public void closeWith(List<OutboundMessage> last) {
    if (closed) {
      return;
    }
    closed = true;
    drainBriefly();
    forwarder.close();
    for (OutboundMessage m : last) {
      if (!transport.isConnected()) {
        break;
      }
      try {
        straight(m).toCompletableFuture().get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.debug("final message to {} not published: {}", m.topic(), e.toString());
      }
    }
    shutdown();
  }

  private void drainBriefly() {
    long deadline = System.nanoTime() + DRAIN_ON_CLOSE.toNanos();
    try {
      while (transport.isConnected() && System.nanoTime() < deadline) {
        outbox.flush();
        if (backlog() == 0) {
          return;
        }
        Thread.sleep(20); // shutdown: polls the backlog until empty or the deadline
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.debug("outbox not drained at shutdown: {}", e.toString());
    }
  }

  private long backlog() {
    long n = 0;
    for (OutboxStats.ClassStats c : outbox.stats().classes().values()) {
      n += c.queuedMessages();
    }
    return n;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    forwarder.close();
    shutdown();
  }

  private void shutdown() {
    transport.close();
    try {
      outbox.close();
    } catch (RuntimeException e) {
      log.warn("outbox close: {}", e.getMessage());
    }
  }
}
