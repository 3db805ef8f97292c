package io.edgerule.mqtt;

import io.edgerule.mqtt.PublishException.Reason;
import io.edgerule.mqtt.internal.InFlightWindow;
import io.edgerule.mqtt.internal.PahoLog;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT 3.1.1 connection on Paho's async client.
 *
 * <ul>
 *   <li>{@link #publish} completes when the broker has the message: on PUBACK for QoS 1, when
 *       written to the socket for QoS 0. It fails at once when not connected or when {@code
 *       max_in_flight} publishes are outstanding, and fails when the connection breaks first.
 *       Nothing is buffered here: the caller (the outbox) keeps a message until its publish
 *       completed. Paho keeps nothing either (no offline buffer, memory persistence).
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
  private static final Logger log = LoggerFactory.getLogger(MqttTransport.class);

  static {
    PahoLog.install(); // Paho's log through SLF4J, and no java.util.logging lookup per publish
  }

  // The Paho client of the current settings; replaced whole by reconnect (guarded by lock for
  // writes), and the callbacks and timers of a replaced one are ignored.
  private volatile PahoSession session;
  private final int maxInFlight;
  private final InFlightWindow window;
  private final Subscriptions subscriptions;
  private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

  private final Object lock = new Object();
  private boolean started;
  private boolean closed;
  private volatile boolean up;
  private boolean everUp;
  private int attempt;
  private String lastReason;
  private ScheduledFuture<?> retry;
  private volatile int epoch; // incremented when a connection goes down
  private volatile Supplier<TransportConfig.Will> willSource;

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
    this.session = PahoSession.open(config);
    subscriptions = new Subscriptions(() -> session.client, this::describe);
    session.client.setCallback(new Callback(session));
  }

  /** The settings of the current connection. */
  public TransportConfig config() {
    return session.config;
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
    PahoSession fresh = PahoSession.open(Objects.requireNonNull(next, "next"));
    PahoSession old;
    boolean wasUp;
    boolean connect;
    synchronized (lock) {
      if (closed) {
        fresh.close(Duration.ZERO);
        fresh.endThreads();
        return;
      }
      old = session;
      session = fresh;
      wasUp = up;
      up = false;
      epoch++;
      attempt = 0;
      lastReason = null;
      if (retry != null) {
        retry.cancel(false);
        retry = null;
      }
      connect = started;
    }
    fresh.client.setCallback(new Callback(fresh));
    log.info("MQTT settings changed: leaving {} for {}", old.config.serverUri(), next.serverUri());
    String reason = "reconnecting with new settings";
    window.failAll(
        () ->
            new PublishException(
                Reason.CONNECTION_LOST, reason + " before the broker acknowledged", null));
    tellDown(reason, null, wasUp);
    old.leave();
    old.endThreads();
    if (connect) {
      fresh.threads.execute(() -> attemptConnect(fresh));
    }
  }

  /**
   * Asks {@code source} for the last will before every connection attempt, instead of using the
   * config's fixed one: Sparkplug B's NDEATH carries a number (bdSeq) that must change with every
   * connection and match the birth published on it. Set it before {@link #start()}.
   */
  public void willBeforeEachConnect(Supplier<TransportConfig.Will> source) {
    this.willSource = Objects.requireNonNull(source, "source");
  }

  /** Adds a listener; add them before {@link #start()} to see the first connect. */
  public void addListener(ConnectionListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Starts connecting in the background; returns at once. */
  public void start() {
    synchronized (lock) {
      if (started || closed) {
        return;
      }
      started = true;
    }
    PahoSession s = session;
    s.threads.execute(() -> attemptConnect(s));
  }

  public boolean isConnected() {
    return up;
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
    // of
    // the forwarder's samples were the two validations).
    Topics.requireNonEmpty("topic", topic);
    Objects.requireNonNull(payload, "payload");
    PublishException.requireQos(qos);
    int sentOn = epoch;
    PahoSession s = session;
    if (isClosed()) {
      return failed(Reason.CLOSED, "transport closed", null);
    }
    if (!up) {
      return failed(Reason.NOT_CONNECTED, "not connected to " + s.endpoint, null);
    }
    InFlightWindow.Slot done = window.tryTake();
    if (done == null) {
      return failed(
          Reason.WINDOW_FULL,
          maxInFlight + " publishes are waiting for the broker (max_in_flight)",
          null);
    }
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
                      "publish to " + topic + " not acknowledged: " + describe(e),
                      e));
            }
          });
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
    }
    if (epoch != sentOn) {
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
    return subscriptions.add(filter, qos, handler, up);
  }

  /** Forgets the subscription and tells the broker, if connected. */
  public void unsubscribe(String filter) {
    subscriptions.remove(filter, up);
  }

  // ---- connection life cycle ----

  private void attemptConnect(PahoSession s) {
    synchronized (lock) {
      if (closed || s != session) {
        return; // closed, or replaced by reconnect
      }
      retry = null;
    }
    Supplier<TransportConfig.Will> source = willSource;
    if (source != null) {
      // Attempts run one at a time, so no connect reads the options while they change.
      try {
        TransportConfig.Will w = source.get();
        s.options.setWill(w.topic(), w.payload(), w.qos(), w.retained());
      } catch (RuntimeException e) {
        log.warn(
            "last will for {}: {}; connecting with the previous one", s.endpoint, e.toString());
      }
    }
    AtomicBoolean settled = new AtomicBoolean();
    AtomicBoolean timedOut = new AtomicBoolean();
    try {
      s.client.connect(
          s.options,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              if (settled.compareAndSet(false, true)) {
                connected(s);
              }
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              if (settled.compareAndSet(false, true)) {
                // ended by the watchdog: its reason, not the closed socket's
                wentDown(
                    s,
                    timedOut.get()
                        ? new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT)
                        : e,
                    false);
              }
            }
          });
      s.watchConnect(
          settled,
          timedOut,
          this::isClosed,
          stuck -> wentDown(s, stuck, false)); // Paho did not report the ended attempt
    } catch (MqttException e) {
      settled.set(true);
      wentDown(s, e, false);
    }
  }

  private void connected(PahoSession s) {
    boolean reconnect;
    synchronized (lock) {
      if (closed || s != session) {
        return; // a replaced session's late connect: reconnect closes that client
      }
      reconnect = everUp;
      everUp = true;
      attempt = 0;
      lastReason = null;
      up = true;
    }
    log.info("MQTT {} {}", reconnect ? "reconnected to" : "connected to", s.config.serverUri());
    subscriptions.restore(
        () -> {
          for (ConnectionListener l : listeners) {
            try {
              l.up(reconnect);
            } catch (RuntimeException e) {
              log.warn("MQTT connection listener failed: {}", e.toString());
            }
          }
        });
  }

  private void wentDown(PahoSession s, Throwable cause, boolean wasUp) {
    String reason = s.describe(cause);
    Duration delay;
    boolean fresh;
    synchronized (lock) {
      if (closed || s != session) {
        return; // a replaced session going down: reconnect has dealt with it
      }
      up = false;
      epoch++;
      fresh = !reason.equals(lastReason);
      lastReason = reason;
      delay = s.config.reconnectDelay(attempt++);
    }
    window.failAll(
        () ->
            new PublishException(
                Reason.CONNECTION_LOST,
                "connection to "
                    + s.endpoint
                    + " went down before the broker acknowledged: "
                    + reason,
                cause));
    String what = wasUp ? "MQTT connection to {} lost: {}" : "MQTT connect to {} failed: {}";
    if (fresh) {
      log.warn(what + "; reconnecting with backoff", s.config.serverUri(), reason);
    } else {
      log.debug(what + "; retrying in {}", s.config.serverUri(), reason, delay);
    }
    tellDown(reason, cause, wasUp);
    synchronized (lock) {
      if (closed || s != session) {
        return;
      }
      try {
        retry =
            s.threads.schedule(() -> attemptConnect(s), delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void tellDown(String reason, Throwable cause, boolean wasUp) {
    for (ConnectionListener l : listeners) {
      try {
        l.down(reason, cause, wasUp);
      } catch (RuntimeException e) {
        log.warn("MQTT connection listener failed: {}", e.toString());
      }
    }
  }

  private String describe(Throwable e) {
    return session.describe(e);
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** The callback of one session's client: what a replaced session reports is ignored. */
  private final class Callback implements MqttCallback {
    private final PahoSession of;

    Callback(PahoSession of) {
      this.of = of;
    }

    @Override
    public void connectionLost(Throwable cause) {
      wentDown(of, cause, true);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      if (of == session) {
        subscriptions.dispatch(topic, message);
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // publish() completes through the token's own listener
    }
  }

  /**
   * Disconnects (waiting up to {@code quiesce} for outstanding publishes), fails what is still
   * outstanding with {@link Reason#CLOSED}, and ends every thread of this transport.
   */
  public void close(Duration quiesce) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      up = false;
      if (retry != null) {
        retry.cancel(false);
      }
    }
    PahoSession s = session;
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
