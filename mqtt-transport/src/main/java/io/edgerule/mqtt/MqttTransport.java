package io.edgerule.mqtt;

import io.edgerule.mqtt.PublishException.Reason;
import io.edgerule.mqtt.internal.InFlightWindow;
import io.edgerule.mqtt.internal.PahoLog;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * One MQTT 3.1.1 connection on Paho's async client.
 *
 * <ul>
 *   <li>{@link #publish} completes when the broker has the message: on PUBACK for QoS 1, when
 *       written to the socket for QoS 0. It fails at once when not connected or when {@code
 *       max_in_flight} publishes are outstanding, and fails when the connection breaks first.
 *       Nothing is buffered here: the caller (the outbox) keeps a message until its publish
 *       completed. Paho keeps nothing either (no offline buffer, memory persistence).
 *   <li>Socket writes are coalesced: QoS 0 publishes that Paho's sender writes while more follow
 *       (or while a caller {@link #holdWrites() holds} them) leave in one system call, not one each
 *       ({@code WriteCoalescer}).
 *   <li>Reconnects with exponential backoff and jitter, logs each distinct failure reason once, and
 *       sends every subscription again after each connect.
 *   <li>Owns its threads (daemons) and ends them in {@link #close()}, also after connects that
 *       never succeeded (eclipse-paho/paho.mqtt.java#850).
 *   <li>{@link #reconnect} takes new settings (broker, identity, TLS, timeouts) in place: whoever
 *       holds the transport keeps its subscriptions, listeners and last-will source.
 * </ul>
 *
 * Listeners and message handlers run on Paho's callback thread: they must not block.
 */
public final class MqttTransport implements AutoCloseable {
  static {
    PahoLog.install(); // Paho's log through SLF4J, and no java.util.logging lookup per publish
  }

  private final int maxInFlight;
  private final InFlightWindow window;
  private final ConnectionKeeper keeper;

  /**
   * Reads the TLS files and prepares the client; connects only on {@link #start()}.
   *
   * @throws IOException when a TLS file is missing, unreadable or not what it should be (the
   *     message names the file)
   */
  public MqttTransport(TransportConfig config) throws IOException {
    Objects.requireNonNull(config, "config");
    this.maxInFlight = config.maxInFlight();
    this.window = new InFlightWindow(maxInFlight);
    this.keeper = new ConnectionKeeper(PahoSession.open(config), window);
  }

  /** The settings of the current connection. */
  public TransportConfig config() {
    return keeper.session().config;
  }

  /**
   * Connects again with new settings (broker, client id, credentials, TLS, keep-alive, timeouts,
   * backoff), in place: subscriptions, listeners and the last-will source stay, so whoever holds
   * this transport keeps working. The current connection is dropped without a DISCONNECT, so its
   * broker publishes the last will, as for any lost connection; publishes still outstanding on it
   * fail with {@link Reason#CONNECTION_LOST} (an outbox sends them again); listeners hear {@code
   * down}, then {@code up(true)} on the new connection (with a new will from the will source). The
   * in-flight limit stays the first config's.
   *
   * @throws IOException when a TLS file of {@code next} cannot be used: then nothing changed
   */
  public void reconnect(TransportConfig next) throws IOException {
    keeper.reconnect(next);
  }

  /**
   * Asks {@code source} for the last will before every connection attempt, instead of using the
   * config's fixed one: Sparkplug B's NDEATH carries a number (bdSeq) that must change with every
   * connection and match the birth published on it. Set it before {@link #start()}.
   */
  public void willBeforeEachConnect(Supplier<TransportConfig.Will> source) {
    keeper.willBeforeEachConnect(source);
  }

  /** Adds a listener; add them before {@link #start()} to see the first connect. */
  public void addListener(ConnectionListener listener) {
    keeper.addListener(listener);
  }

  /** Starts connecting in the background; returns at once. */
  public void start() {
    keeper.start();
  }

  public boolean isConnected() {
    return keeper.isUp();
  }

  /** Publishes handed to Paho and not yet completed. */
  public int inFlight() {
    return window.inFlight();
  }

  /**
   * Completes when a publish would not fail with {@link Reason#WINDOW_FULL} (at once if so now).
   */
  public CompletionStage<Void> capacity() {
    return window.capacity();
  }

  /**
   * Sends one message. The stage completes when the broker has it (QoS 1: PUBACK; QoS 0: written to
   * the socket) or fails with a {@link PublishException} saying why not.
   */
  public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
    // Paho validates the topic in publish (the hot path: once per message); Topics only words its
    // complaint, below. Validating here too cost as much again (JFR at 10,000 messages/s: a fifth
    // of the forwarder's samples were the two validations).
    Topics.requireNonEmpty("topic", topic);
    Objects.requireNonNull(payload, "payload");
    PublishException.requireQos(qos);
    int sentOn = keeper.epoch();
    PahoSession s = keeper.session();
    if (keeper.isClosed()) {
      return failed(Reason.CLOSED, "transport closed", null);
    }
    if (!keeper.isUp()) {
      return failed(Reason.NOT_CONNECTED, "not connected to " + s.endpoint, null);
    }
    InFlightWindow.Slot done = window.tryTake();
    if (done == null) {
      return failed(
          Reason.WINDOW_FULL,
          maxInFlight + " publishes are waiting for the broker (max_in_flight)",
          null);
    }
    boolean taken = false;
    s.writes.handingOver();
    try {
      s.client.publish(
          topic,
          payload,
          qos,
          retained,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              done.succeed();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              done.fail(
                  new PublishException(
                      Reason.CONNECTION_LOST,
                      "publish to " + topic + " not acknowledged: " + keeper.describe(e),
                      e));
            }
          });
      taken = true;
    } catch (IllegalArgumentException e) { // Paho's topic check, before it took the message
      IllegalArgumentException worded = Topics.invalidName("topic", topic, e);
      done.fail(worded);
      throw worded;
    } catch (MqttException e) {
      Reason reason =
          switch (e.getReasonCode()) {
            case MqttException.REASON_CODE_CLIENT_NOT_CONNECTED -> Reason.NOT_CONNECTED;
            case MqttException.REASON_CODE_MAX_INFLIGHT -> Reason.WINDOW_FULL;
            case MqttException.REASON_CODE_CLIENT_CLOSED -> Reason.CLOSED;
            default -> Reason.REFUSED;
          };
      done.fail(new PublishException(reason, "publish to " + topic + ": " + e.getMessage(), e));
    } finally {
      if (!taken) {
        s.writes.notTaken();
      }
    }
    if (keeper.epoch() != sentOn) {
      // The connection went down while we handed the message over: the sweep of outstanding
      // publishes may have missed it, and Paho may never answer for it.
      done.fail(
          new PublishException(
              Reason.CONNECTION_LOST,
              "connection to " + s.endpoint + " lost while publishing",
              null));
    }
    return done.stage();
  }

  /**
   * For a caller about to publish many messages in a row: until {@link #sendHeldWrites()}, the
   * socket writes of QoS 0 publishes may be held back and leave together, one system call for many
   * messages instead of one each (QoS 1 and 2 publishes and every other packet are written at
   * once). Always follow with {@link #sendHeldWrites()} as soon as nothing more is to be published
   * right now: until then QoS 0 messages may wait (at most 8 KiB of them).
   */
  public void holdWrites() {
    keeper.session().writes.hold();
  }

  /** Ends {@link #holdWrites()}: what is held leaves now. */
  public void sendHeldWrites() {
    try {
      keeper.session().writes.release();
    } catch (IOException e) {
      // the connection is breaking; Paho's sender finds out with its next write
    }
  }

  private static CompletionStage<Void> failed(Reason reason, String message, Throwable cause) {
    return CompletableFuture.<Void>failedFuture(new PublishException(reason, message, cause))
        .minimalCompletionStage();
  }

  /**
   * Subscribes {@code handler} to {@code filter} now (if connected) and after every reconnect. The
   * stage completes on the broker's first SUBACK, and fails if the broker refuses the filter.
   */
  public CompletionStage<Void> subscribe(String filter, int qos, Consumer<InboundMessage> handler) {
    Topics.requireFilter("topic filter", filter);
    PublishException.requireQos(qos);
    Objects.requireNonNull(handler, "handler");
    return keeper.subscriptions().add(filter, qos, handler, keeper.isUp());
  }

  /** Forgets the subscription and tells the broker, if connected. */
  public void unsubscribe(String filter) {
    keeper.subscriptions().remove(filter, keeper.isUp());
  }

  /**
   * Disconnects (waiting up to {@code quiesce} for outstanding publishes), fails what is still
   * outstanding with {@link Reason#CLOSED}, and ends every thread of this transport.
   */
  public void close(Duration quiesce) {
    PahoSession s = keeper.close();
    if (s == null) {
      return;
    }
    s.close(quiesce);
    window.close(() -> new PublishException(Reason.CLOSED, "transport closed", null));
    s.endThreads();
  }

  /** {@link #close(Duration)} with one second for outstanding publishes. */
  @Override
  public void close() {
    close(Duration.ofSeconds(1));
  }
}
