package io.edgerule.daemon.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
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
 * <p>Two messages do not go through the outbox, on purpose: the retained {@code online} state sent
 * right after each connect and the {@code offline} state of a clean shutdown. They answer the
 * broker's last will on the same topic and must follow the connect at once; a copy queued behind a
 * backlog would say "online" minutes late, and a stale one replayed after a restart would be wrong.
 * The periodic state snapshots do go through the outbox (class {@code STATE}).
 */
public final class OutboxUplink implements Uplink {
  private static final Logger log = LoggerFactory.getLogger(OutboxUplink.class);

  /** How long a clean shutdown waits for the backlog to go out before leaving it on disk. */
  private static final Duration DRAIN_ON_CLOSE = Duration.ofSeconds(2);

  private final Topics topics;
  private final MqttTransport transport;
  private final Outbox outbox;
  private final Forwarder forwarder;
  private final byte[] onlinePayload;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicBoolean appendFailureLogged = new AtomicBoolean();
  private volatile boolean closed;

  private OutboxUplink(
      Topics topics,
      MqttTransport transport,
      Outbox outbox,
      ForwarderConfig forwarding,
      byte[] onlinePayload) {
    this.topics = topics;
    this.transport = transport;
    this.outbox = outbox;
    this.onlinePayload = onlinePayload.clone();
    this.forwarder = new Forwarder(outbox, transport::publish, forwarding);
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
   * @param transportConfig its last will should be the retained {@code offline} state
   * @throws IOException when the outbox file cannot be opened or a TLS file cannot be read (the
   *     message names the file)
   */
  public static OutboxUplink open(
      Topics topics,
      TransportConfig transportConfig,
      OutboxConfig outboxConfig,
      ForwarderConfig forwarding,
      byte[] onlinePayload)
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
    OutboxUplink uplink = new OutboxUplink(topics, transport, outbox, forwarding, onlinePayload);
    uplink.forwarder.start();
    transport.start();
    return uplink;
  }

  private void publishOnline() {
    transport
        .publish(topics.state(), onlinePayload, 1, true)
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                log.debug("online state not published: {}", e.toString());
              }
            });
  }

  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained) {
    if (closed) {
      refused.incrementAndGet();
      return;
    }
    OutboundMessage m = new OutboundMessage(topic, payload, qos, retained, topics.classOf(topic));
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
  public long published() {
    return published.get();
  }

  /** Refused after close, plus every message the outbox dropped (over budget or too old). */
  @Override
  public long dropped() {
    long n = refused.get();
    for (OutboxStats.ClassStats c : outbox.stats().classes().values()) {
      n += c.dropped();
    }
    return n;
  }

  @Override
  public void describeTo(ObjectNode node) {
    OutboxStats stats = outbox.stats();
    long dropped = refused.get();
    for (OutboxStats.ClassStats c : stats.classes().values()) {
      dropped += c.dropped();
    }
    node.put("connected", transport.isConnected())
        .put("replaying", forwarder.replaying())
        .put("published", published.get())
        .put("dropped", dropped)
        .put("acknowledged", forwarder.acked())
        .put("resent", forwarder.resent())
        .put("in_flight", transport.inFlight());
    ObjectNode classes = node.putObject("classes");
    for (MessageClass c : MessageClass.values()) {
      OutboxStats.ClassStats s = stats.of(c);
      classes
          .putObject(c.name().toLowerCase(Locale.ROOT))
          .put("backlog_messages", s.queuedMessages())
          .put("backlog_bytes", s.queuedBytes())
          .put("dropped", s.dropped())
          .put("dropped_for_space", s.droppedForSpace())
          .put("dropped_for_age", s.droppedForAge());
    }
  }

  public Outbox outbox() {
    return outbox;
  }

  public Forwarder forwarder() {
    return forwarder;
  }

  /**
   * Gives the backlog up to {@link #DRAIN_ON_CLOSE} to reach the broker (what is left stays on disk
   * for the next start), publishes {@code finalState} (retained) directly and disconnects cleanly,
   * so that no last will is sent.
   */
  public void closeWith(byte[] finalState) {
    if (closed) {
      return;
    }
    closed = true;
    drainBriefly();
    forwarder.close();
    if (transport.isConnected()) {
      try {
        transport
            .publish(topics.state(), finalState, 1, true)
            .toCompletableFuture()
            .get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.debug("final state not published: {}", e.toString());
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
