package io.edgerule.daemon.mqtt;

import io.edgerule.adapter.Backoff;
import io.edgerule.daemon.config.MqttConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT 3.1.1 uplink on Paho's async client: automatic reconnect, a retained last will on the state
 * topic, re-subscription after reconnect, and an in-memory buffer for messages published while
 * offline (oldest dropped first when full).
 */
public final class PahoUplink implements Uplink {
  private static final Logger log = LoggerFactory.getLogger(PahoUplink.class);
  private static final int OFFLINE_BUFFER = 10_000;
  private static final Backoff FIRST_CONNECT_BACKOFF =
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2);

  private final MqttAsyncClient client;
  private final MqttConnectOptions options;
  private final byte[] onlinePayload;
  private final String stateTopic;
  private final Map<String, BiConsumer<String, byte[]>> subscriptions = new ConcurrentHashMap<>();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final java.util.Set<Runnable> tracked = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService executor;
  private final AtomicInteger firstConnectAttempts = new AtomicInteger();
  private volatile boolean closed;

  /**
   * Creates the client and starts connecting in the background.
   *
   * @param executor Paho's comms threads run on it: the daemon lends a pool of at least 4 threads
   * @param stateTopic where {@code online} is published on every connect and {@code offline} is the
   *     last will; both retained
   */
  public PahoUplink(
      MqttConfig config,
      String clientId,
      String stateTopic,
      byte[] onlinePayload,
      byte[] offlinePayload,
      ScheduledExecutorService executor)
      throws MqttException {
    this.stateTopic = stateTopic;
    this.executor = executor;
    this.onlinePayload = onlinePayload.clone();
    this.client =
        new MqttAsyncClient(
            config.serverUri(),
            clientId,
            new MemoryPersistence(),
            new ScheduledExecutorPingSender(executor),
            executor);
    DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
    buffer.setBufferEnabled(true);
    buffer.setBufferSize(OFFLINE_BUFFER);
    buffer.setDeleteOldestMessages(true);
    buffer.setPersistBuffer(false);
    client.setBufferOpts(buffer);
    options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setAutomaticReconnect(true);
    options.setCleanSession(true);
    options.setKeepAliveInterval((int) Math.max(1, config.keepAlive().toSeconds()));
    options.setConnectionTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
    options.setMaxReconnectDelay(30_000);
    options.setMaxInflight(1000);
    options.setWill(stateTopic, offlinePayload, 1, true);
    if (config.username() != null) {
      options.setUserName(config.username());
      if (config.password() != null) {
        options.setPassword(config.password().toCharArray());
      }
    }
    client.setCallback(new Callback());
    connect();
  }

  private void connect() {
    try {
      client.connect(
          options,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              firstConnectAttempts.set(0);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              // With automatic reconnect Paho only retries after a first successful connect: keep
              // trying ourselves until then.
              if (!closed) {
                log.warn(
                    "MQTT broker {} not reachable: {}; retrying",
                    client.getServerURI(),
                    e.toString());
                executorRetry();
              }
            }
          });
    } catch (MqttException e) {
      log.warn("MQTT connect to {} failed: {}; retrying", client.getServerURI(), e.toString());
      executorRetry();
    }
  }

  private void executorRetry() {
    Duration delay = FIRST_CONNECT_BACKOFF.delay(firstConnectAttempts.getAndIncrement());
    try {
      executor.schedule(
          () -> {
            if (!closed && !client.isConnected()) {
              connect();
            }
          },
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  private final class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      log.info("MQTT {} {}", reconnect ? "reconnected to" : "connected to", serverUri);
      publish(stateTopic, onlinePayload, 1, true);
      for (String filter : subscriptions.keySet()) {
        doSubscribe(filter);
      }
    }

    @Override
    public void connectionLost(Throwable cause) {
      releaseTracked();
      if (!closed) {
        log.warn("MQTT connection lost: {}; reconnecting", String.valueOf(cause));
      }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      for (Map.Entry<String, BiConsumer<String, byte[]>> e : subscriptions.entrySet()) {
        if (org.eclipse.paho.client.mqttv3.MqttTopic.isMatched(e.getKey(), topic)) {
          try {
            e.getValue().accept(topic, message.getPayload());
          } catch (RuntimeException ex) {
            log.warn("handler for {} failed on {}: {}", e.getKey(), topic, ex.toString());
          }
        }
      }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }

  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained) {
    if (closed) {
      dropped.incrementAndGet();
      return;
    }
    try {
      client.publish(topic, payload, qos, retained);
      published.incrementAndGet();
    } catch (MqttException e) {
      // Not connected and buffer not yet available (before the first connect), or too many in
      // flight.
      dropped.incrementAndGet();
      log.debug("MQTT publish to {} dropped: {}", topic, e.toString());
    }
  }

  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained, Runnable done) {
    Runnable once = once(done);
    if (closed) {
      dropped.incrementAndGet();
      once.run();
      return;
    }
    tracked.add(once);
    try {
      client.publish(
          topic,
          payload,
          qos,
          retained,
          null,
          new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              tracked.remove(once);
              once.run();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
              tracked.remove(once);
              once.run();
            }
          });
      published.incrementAndGet();
    } catch (MqttException e) {
      dropped.incrementAndGet();
      tracked.remove(once);
      once.run();
      log.debug("MQTT publish to {} dropped: {}", topic, e.toString());
    }
  }

  /** {@code done} at most once, whoever calls it first (the token or a lost connection). */
  private static Runnable once(Runnable done) {
    java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (ran.compareAndSet(false, true)) {
        done.run();
      }
    };
  }

  /**
   * Tracked messages whose connection ended have left the uplink (clean session: they are not
   * resent), whether or not Paho completes their tokens.
   */
  private void releaseTracked() {
    for (Runnable r : tracked) {
      tracked.remove(r);
      r.run();
    }
  }

  @Override
  public void subscribe(String topicFilter, BiConsumer<String, byte[]> handler) {
    subscriptions.put(topicFilter, handler);
    if (client.isConnected()) {
      doSubscribe(topicFilter);
    }
  }

  private void doSubscribe(String filter) {
    try {
      client.subscribe(filter, 1);
    } catch (MqttException e) {
      log.warn("MQTT subscribe to {} failed: {}", filter, e.toString());
    }
  }

  @Override
  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public long published() {
    return published.get();
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  /** Publishes {@code finalState} (retained) and disconnects cleanly, so no last will is sent. */
  public void closeWith(byte[] finalState) {
    if (client.isConnected()) {
      try {
        client.publish(stateTopic, finalState, 1, true).waitForCompletion(2000);
      } catch (MqttException e) {
        log.debug("final state not published: {}", e.toString());
      }
    }
    close();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (client.isConnected()) {
        client.disconnect(2000).waitForCompletion(3000);
      }
    } catch (MqttException e) {
      log.debug("MQTT disconnect: {}", e.toString());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      log.debug("MQTT close: {}", e.toString());
    }
    releaseTracked();
  }
}
