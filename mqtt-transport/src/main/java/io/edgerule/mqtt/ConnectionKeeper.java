package io.edgerule.mqtt;

import io.edgerule.mqtt.PublishException.Reason;
import io.edgerule.mqtt.internal.InFlightWindow;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The connection life cycle of a {@link MqttTransport}: connects in the background, reconnects with
 * exponential backoff and jitter (each distinct failure reason logged once), sends the
 * subscriptions again after each connect, tells the listeners, swaps the Paho session when the
 * settings change, and fails the publishes outstanding on a connection that went down.
 */
final class ConnectionKeeper {
  private static final Logger log = LoggerFactory.getLogger(MqttTransport.class);

  // The Paho client of the current settings; replaced whole by reconnect (guarded by lock for
  // writes), and the callbacks and timers of a replaced one are ignored.
  private volatile PahoSession session;
  private final InFlightWindow window;
  private final Subscriptions subscriptions;
  private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

  private final Object lock = new Object();
  private boolean started;
  private volatile boolean closed; // written under lock; read without it on every publish
  private volatile boolean up;
  private boolean everUp;
  private int attempt;
  private String lastReason;
  private ScheduledFuture<?> retry;
  private volatile int epoch; // incremented when a connection goes down
  private volatile Supplier<TransportConfig.Will> willSource;

  /**
   * @param window the transport's outstanding publishes, failed when their connection goes down
   */
  ConnectionKeeper(PahoSession first, InFlightWindow window) {
    this.session = first;
    this.window = window;
    this.subscriptions = new Subscriptions(() -> session.client, this::describe);
    first.client.setCallback(new Callback(first));
  }

  /** The Paho session of the current settings. */
  PahoSession session() {
    return session;
  }

  Subscriptions subscriptions() {
    return subscriptions;
  }

  boolean isUp() {
    return up;
  }

  /** Changes whenever a connection goes down or is replaced. */
  int epoch() {
    return epoch;
  }

  boolean isClosed() {
    return closed;
  }

  void willBeforeEachConnect(Supplier<TransportConfig.Will> source) {
    this.willSource = Objects.requireNonNull(source, "source");
  }

  void addListener(ConnectionListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Starts connecting in the background; returns at once. */
  void start() {
    synchronized (lock) {
      if (started || closed) {
        return;
      }
      started = true;
    }
    PahoSession s = session;
    s.threads.execute(() -> attemptConnect(s));
  }

  /**
   * See {@link MqttTransport#reconnect}.
   *
   * @throws IOException when a TLS file of {@code next} cannot be used: then nothing changed
   */
  void reconnect(TransportConfig next) throws IOException {
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

  String describe(Throwable e) {
    return session.describe(e);
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
      // a publish completes through its token's own listener
    }
  }

  /**
   * Stops reconnecting and marks the keeper closed; returns the session to close, or null when
   * already closed.
   */
  PahoSession close() {
    synchronized (lock) {
      if (closed) {
        return null;
      }
      closed = true;
      up = false;
      if (retry != null) {
        retry.cancel(false);
      }
      return session;
    }
  }
}
