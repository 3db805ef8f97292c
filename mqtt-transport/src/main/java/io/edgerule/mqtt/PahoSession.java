package io.edgerule.mqtt;

import io.edgerule.mqtt.internal.FailureText;
import io.edgerule.mqtt.internal.PahoThreads;
import io.edgerule.mqtt.internal.TlsContexts;
import io.edgerule.mqtt.internal.WriteCoalescer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Paho client made from one {@link TransportConfig}, with its threads and connect options. A
 * {@link MqttTransport} has one at a time and replaces it when its settings change ({@link
 * MqttTransport#reconnect}); callbacks of a replaced session are ignored.
 */
final class PahoSession {
  private static final Logger log = LoggerFactory.getLogger(MqttTransport.class);

  final TransportConfig config;
  final String endpoint;
  final PahoThreads threads;
  final MqttAsyncClient client;
  final MqttConnectOptions options;
  final WriteCoalescer writes; // of every socket of this client
  private final String clientIdentity; // our client certificate, for refusal messages

  private PahoSession(
      TransportConfig config,
      String clientIdentity,
      PahoThreads threads,
      MqttAsyncClient client,
      MqttConnectOptions options,
      WriteCoalescer writes) {
    this.config = config;
    this.endpoint = config.pahoUri().substring(config.pahoUri().indexOf("://") + 3);
    this.clientIdentity = clientIdentity;
    this.threads = threads;
    this.client = client;
    this.options = options;
    this.writes = writes;
  }

  /**
   * Reads the TLS files and prepares the client; connects to nothing.
   *
   * @throws IOException when a TLS file is missing, unreadable or not what it should be (the
   *     message names the file)
   */
  static PahoSession open(TransportConfig config) throws IOException {
    WriteCoalescer writes = new WriteCoalescer();
    MqttConnectOptions options = ConnectOptions.of(config, writes);
    String identity = TlsContexts.clientIdentity(config.tls());
    PahoThreads threads = new PahoThreads(config.clientId());
    try {
      MqttAsyncClient client =
          new MqttAsyncClient(
              config.pahoUri(),
              config.clientId(),
              new MemoryPersistence(),
              new ScheduledExecutorPingSender(threads),
              threads);
      return new PahoSession(config, identity, threads, client, options, writes);
    } catch (MqttException e) {
      threads.shutdownNow();
      throw new IllegalArgumentException("MQTT client for " + config + ": " + e.getMessage(), e);
    }
  }

  /**
   * Paho's async connect waits for CONNACK without a limit: a broker that accepts the TCP
   * connection but never answers (stopped, overloaded) would leave us connecting forever, never
   * retrying. After the connect timeout (TCP and TLS have their own within it) plus the same again
   * for CONNACK, the attempt is ended ({@code timedOut} set) and, if Paho does not report it,
   * {@code stuck} is told.
   *
   * @param settled set by whoever reports the attempt's outcome first
   */
  void watchConnect(
      AtomicBoolean settled,
      AtomicBoolean timedOut,
      BooleanSupplier closed,
      Consumer<Throwable> stuck) {
    long limit = 2 * config.connectTimeout().toMillis();
    try {
      threads.schedule(
          () -> {
            if (settled.get() || closed.getAsBoolean()) {
              return;
            }
            timedOut.set(true);
            try {
              client.disconnectForcibly(0, 1000, false);
            } catch (MqttException e) {
              log.debug("MQTT ending a stuck connect: {}", e.toString());
            }
            if (settled.compareAndSet(false, true)) {
              stuck.accept(
                  new TimeoutException(
                      "no CONNACK from the broker at "
                          + endpoint
                          + " within twice the connect timeout"));
            }
          },
          limit,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  String describe(Throwable e) {
    return FailureText.describe(e, endpoint, clientIdentity);
  }

  /**
   * Disconnects cleanly (waiting up to {@code quiesce} for outstanding publishes; the broker sends
   * no last will), then forcibly, and ends every thread of this client.
   */
  void close(Duration quiesce) {
    try {
      if (client.isConnected()) {
        client.disconnect(quiesce.toMillis()).waitForCompletion(quiesce.toMillis() + 2000);
      }
    } catch (MqttException e) {
      log.debug("MQTT disconnect: {}", e.toString());
    }
    try {
      client.disconnectForcibly(0, 1000, false);
    } catch (MqttException e) {
      log.debug("MQTT forced disconnect: {}", e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      log.debug("MQTT close: {}", e.toString());
    }
  }

  /**
   * Drops the connection without a DISCONNECT packet, so that the broker publishes the last will (a
   * fleet namespace's death: the JSON offline state, Sparkplug's NDEATH), and closes the client.
   */
  void leave() {
    try {
      client.disconnectForcibly(0, 1000, false);
    } catch (MqttException e) {
      log.debug("MQTT leaving: {}", e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      log.debug("MQTT close: {}", e.toString());
    }
  }

  /** Ends the client's threads, waiting up to 5 s. */
  void endThreads() {
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("MQTT threads of {} did not end within 5 s", config.clientId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
