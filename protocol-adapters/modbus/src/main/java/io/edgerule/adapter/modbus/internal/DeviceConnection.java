package io.edgerule.adapter.modbus.internal;

import static io.edgerule.adapter.modbus.internal.DeviceCounter.CONNECT_ATTEMPTS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.DISCONNECTS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.RECONNECTS;

import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.DeviceMeters;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one device's link up: connects, reconnects with backoff after a failed attempt or a lost
 * link, and numbers the connections ({@link #epoch}) so that completions of an older one can be
 * told apart. What a connection is used for is the {@link Listener}'s business. Not thread-safe:
 * every method runs in a task of the poller's serial executor, and so do the listener's calls.
 */
final class DeviceConnection {
  private static final Logger log = LoggerFactory.getLogger(DevicePoller.class);

  /** Told what happens to the connection, on the serial executor. */
  interface Listener {
    /** A connection is up. */
    void up();

    /** A connection attempt failed; the next one follows after the backoff. */
    void failed(String reason);

    /** The link broke (already counted and logged); reconnection follows after the backoff. */
    void lost(String reason);
  }

  private enum State {
    NEW,
    CONNECTING,
    CONNECTED,
    /** Waiting for the next connection attempt. */
    DISCONNECTED,
    CLOSED
  }

  private final String device;
  private final ModbusLink link;
  private final Backoff reconnect;
  private final PollTimer timer;
  private final SerialExecutor serial;
  private final DeviceRequests requests;
  private final ReadHealth health; // its last error: a failure is logged when it differs
  private final CounterSet<DeviceCounter> counters;
  private final DeviceMeters meters;
  private Listener listener;
  private State state = State.NEW;
  private boolean everConnected;
  private int reconnectAttempt;
  private int epoch;
  private Runnable cancelReconnect = () -> {};

  DeviceConnection(
      String device,
      ModbusLink link,
      Backoff reconnect,
      PollTimer timer,
      SerialExecutor serial,
      DeviceRequests requests,
      ReadHealth health,
      CounterSet<DeviceCounter> counters,
      DeviceMeters meters) {
    this.device = device;
    this.link = link;
    this.reconnect = reconnect;
    this.timer = timer;
    this.serial = serial;
    this.requests = requests;
    this.health = health;
    this.counters = counters;
    this.meters = meters;
  }

  /** Whether it was never opened (nor closed). */
  boolean isNew() {
    return state == State.NEW;
  }

  /** Connects for the first time; {@link #isNew} must be true. */
  void open(Listener listener) {
    if (state != State.NEW) {
      throw new IllegalStateException("opened twice");
    }
    this.listener = listener;
    connect();
  }

  boolean isUp() {
    return state == State.CONNECTED;
  }

  /** The connection's generation: it changes whenever a connection is made, lost or closed. */
  int epoch() {
    return epoch;
  }

  /**
   * The link broke: counted, logged, disconnected, the listener told, a reconnection scheduled.
   * Nothing happens when no connection is up.
   */
  void lost(String reason) {
    if (state != State.CONNECTED) {
      return;
    }
    log.warn("{}: link to {} down: {}", device, link.endpoint(), reason);
    counters.increment(DISCONNECTS);
    state = State.DISCONNECTED;
    epoch++;
    listener.lost(reason);
    int downEpoch = epoch;
    link.disconnect()
        .whenComplete(
            (v, e) ->
                serial.execute(
                    () -> {
                      if (downEpoch == epoch && state == State.DISCONNECTED) {
                        scheduleReconnect();
                      }
                    }));
  }

  /** Stops connecting for good; false if it was closed before. The link itself stays open. */
  boolean close() {
    if (state == State.CLOSED) {
      return false;
    }
    state = State.CLOSED;
    epoch++;
    cancelReconnect.run();
    return true;
  }

  private void connect() {
    state = State.CONNECTING;
    counters.increment(CONNECT_ATTEMPTS);
    int attemptEpoch = ++epoch;
    CompletionStage<Void> connected;
    try {
      connected = link.connect();
    } catch (RuntimeException e) { // e.g. an executor already shut down
      connected = CompletableFuture.failedFuture(e);
    }
    connected.whenComplete((v, error) -> serial.execute(() -> onConnected(attemptEpoch, error)));
  }

  private void onConnected(int attemptEpoch, Throwable error) {
    if (attemptEpoch != epoch || state != State.CONNECTING) {
      return;
    }
    if (error != null) {
      String reason = requests.classify(error).reason();
      if (!reason.equals(health.lastError())) {
        log.warn("{}: cannot connect to {}: {}", device, link.endpoint(), reason);
      }
      meters.errors().increment();
      state = State.DISCONNECTED;
      listener.failed(reason);
      scheduleReconnect();
      return;
    }
    log.info("{}: connected to {}", device, link.endpoint());
    if (everConnected) {
      counters.increment(RECONNECTS);
    }
    everConnected = true;
    state = State.CONNECTED;
    reconnectAttempt = 0;
    listener.up();
  }

  private void scheduleReconnect() {
    Duration delay = reconnect.delay(reconnectAttempt++);
    cancelReconnect =
        timer.schedule(
            () ->
                serial.execute(
                    () -> {
                      if (state == State.DISCONNECTED) {
                        connect();
                      }
                    }),
            delay.toNanos());
  }
}
