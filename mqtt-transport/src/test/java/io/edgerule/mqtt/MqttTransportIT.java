package io.edgerule.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgerule.mqtt.testing.Await;
import io.edgerule.mqtt.testing.CuttableProxy;
import io.edgerule.mqtt.testing.Events;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The transport against a real Mosquitto (Debian package {@code mosquitto}). */
class MqttTransportIT {
  private static final Duration LONG = Duration.ofSeconds(60);
  @TempDir Path dir;

  private static TransportConfig.Builder config(String uri) {
    return TransportConfig.builder(uri, "it-" + System.nanoTime())
        .reconnect(Duration.ofMillis(50), Duration.ofMillis(500));
  }

  /** A plain Paho client that records what it receives on {@code filter}. */
  private static MqttClient subscriber(Mosquitto broker, String filter, List<String> got)
      throws Exception {
    MqttClient c =
        new MqttClient(broker.uri(), "sub-" + System.nanoTime(), new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    c.connect(o);
    c.subscribe(
        filter, 1, (t, m) -> got.add(t + "=" + new String(m.getPayload(), StandardCharsets.UTF_8)));
    return c;
  }

  private static void quietly(MqttClient c) {
    try {
      c.disconnect();
      c.close();
    } catch (Exception e) {
      // test clean-up
    }
  }

  static PublishException failure(CompletableFuture<Void> f) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> f.get(LONG.toSeconds(), TimeUnit.SECONDS));
    return (PublishException) e.getCause();
  }

  @Test
  void aQos1PublishCompletesOnlyWhenTheBrokerHasAcknowledgedIt() throws Exception {
    List<String> got = new CopyOnWriteArrayList<>();
    try (Mosquitto broker = Mosquitto.start(dir);
        MqttTransport t = new MqttTransport(config(broker.uri()).build())) {
      MqttClient sub = subscriber(broker, "data/#", got);
      Events events = new Events();
      t.addListener(events);
      t.start();
      events.awaitUps(1);

      broker.pause(); // SIGSTOP: the broker neither reads nor acknowledges
      CompletableFuture<Void> f =
          t.publish("data/1", "one".getBytes(StandardCharsets.UTF_8), 1, false)
              .toCompletableFuture();
      // It cannot complete while the broker is stopped: no PUBACK can arrive.
      assertThrows(TimeoutException.class, () -> f.get(1, TimeUnit.SECONDS));
      assertEquals(1, t.inFlight());
      broker.resume();
      f.get(LONG.toSeconds(), TimeUnit.SECONDS);
      Await.until(LONG, () -> got.contains("data/1=one"), got::toString);
      assertEquals(0, t.inFlight());

      // QoS 0 completes once written; the subscriber sees it too.
      t.publish("data/2", "two".getBytes(StandardCharsets.UTF_8), 0, false)
          .toCompletableFuture()
          .get(LONG.toSeconds(), TimeUnit.SECONDS);
      Await.until(LONG, () -> got.contains("data/2=two"), got::toString);
      quietly(sub);
    }
  }

  @Test
  void aPublishWhileDisconnectedFailsAtOnceNamingWhy() throws Exception {
    int port = Mosquitto.freePort(); // nobody listens
    try (MqttTransport t = new MqttTransport(config("tcp://127.0.0.1:" + port).build())) {
      Events events = new Events();
      t.addListener(events);
      t.start();
      assertEquals(
          "connection refused by 127.0.0.1:" + port + " (is the broker running?)",
          events.awaitDownReason(1));
      CompletableFuture<Void> f = t.publish("a/b", new byte[] {1}, 1, false).toCompletableFuture();
      assertTrue(f.isDone(), "fails fast: the caller keeps the message");
      PublishException e = failure(f);
      assertEquals(PublishException.Reason.NOT_CONNECTED, e.reason());
      assertEquals("not connected to 127.0.0.1:" + port, e.getMessage());
    }
  }

  /**
   * Paho checks the topic (we no longer do it twice): the complaint is still ours, with no slot
   * lost.
   */
  @Test
  void anInvalidTopicNameIsRefusedWithItsReasonAndKeepsNoSlot() throws Exception {
    try (Mosquitto broker = Mosquitto.start(dir);
        MqttTransport t = new MqttTransport(config(broker.uri()).maxInFlight(1).build())) {
      Events events = new Events();
      t.addListener(events);
      t.start();
      events.awaitUps(1);

      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> t.publish("a/+/b", new byte[] {1}, 0, false));
      assertTrue(
          e.getMessage().startsWith("topic 'a/+/b' is not a valid MQTT topic name (no + or #"),
          e.getMessage());
      assertEquals(
          "topic must not be empty",
          assertThrows(IllegalArgumentException.class, () -> t.publish("", new byte[0], 0, false))
              .getMessage());
      assertEquals(0, t.inFlight());
      t.publish("a/b", new byte[] {2}, 1, false) // the window of one is free
          .toCompletableFuture()
          .get(LONG.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void aFullWindowFailsAtOnceAndCapacityTellsWhenItReopens() throws Exception {
    try (Mosquitto broker = Mosquitto.start(dir);
        MqttTransport t = new MqttTransport(config(broker.uri()).maxInFlight(2).build())) {
      Events events = new Events();
      t.addListener(events);
      t.start();
      events.awaitUps(1);
      assertTrue(t.capacity().toCompletableFuture().isDone());

      broker.pause();
      CompletableFuture<Void> a = t.publish("w/a", new byte[] {1}, 1, false).toCompletableFuture();
      CompletableFuture<Void> b = t.publish("w/b", new byte[] {2}, 1, false).toCompletableFuture();
      CompletableFuture<Void> c = t.publish("w/c", new byte[] {3}, 1, false).toCompletableFuture();
      assertTrue(c.isDone());
      assertEquals(PublishException.Reason.WINDOW_FULL, failure(c).reason());
      assertEquals(2, t.inFlight());
      CompletableFuture<Void> room = t.capacity().toCompletableFuture();
      assertFalse(room.isDone());

      broker.resume();
      a.get(LONG.toSeconds(), TimeUnit.SECONDS);
      b.get(LONG.toSeconds(), TimeUnit.SECONDS);
      room.get(LONG.toSeconds(), TimeUnit.SECONDS);
      t.publish("w/d", new byte[] {4}, 1, false)
          .toCompletableFuture()
          .get(LONG.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void outstandingPublishesFailWhenTheConnectionBreaksAndTheTransportReconnects() throws Exception {
    try (Mosquitto broker = Mosquitto.start(dir);
        MqttTransport t = new MqttTransport(config(broker.uri()).build())) {
      Events events = new Events();
      t.addListener(events);
      t.start();
      events.awaitUps(1);

      broker.pause();
      CompletableFuture<Void> f = t.publish("x/1", new byte[] {1}, 1, false).toCompletableFuture();
      broker.kill(); // SIGKILL: the kernel resets the connection
      PublishException e = failure(f);
      assertEquals(PublishException.Reason.CONNECTION_LOST, e.reason());
      assertEquals(0, t.inFlight(), "the window is released");
      String reason = events.awaitDownReason(1);
      assertTrue(reason.contains("127.0.0.1:" + broker.port()), reason);
      assertTrue(events.all().stream().anyMatch(ev -> !ev.up() && ev.flag()), "down with wasUp");

      broker.startAgain();
      events.awaitUps(2);
      assertTrue(events.all().get(events.all().size() - 1).flag(), "up(reconnect=true)");
      t.publish("x/2", new byte[] {2}, 1, false)
          .toCompletableFuture()
          .get(LONG.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void subscriptionsAreRestoredAfterABrokerRestart() throws Exception {
    List<String> got = new CopyOnWriteArrayList<>();
    try (Mosquitto broker = Mosquitto.start(dir);
        MqttTransport t = new MqttTransport(config(broker.uri()).build())) {
      Events events = new Events();
      t.addListener(events);
      CompletableFuture<Void> acked =
          t.subscribe(
                  "cmd/#",
                  1,
                  m -> got.add(m.topic() + "=" + new String(m.payload(), StandardCharsets.UTF_8)))
              .toCompletableFuture();
      t.start();
      events.awaitUps(1);
      acked.get(LONG.toSeconds(), TimeUnit.SECONDS);
      publishFromOutside(broker, "cmd/a", "1");
      Await.until(LONG, () -> got.contains("cmd/a=1"), got::toString);

      broker.restart(); // persistence off: the broker forgets every subscription
      events.awaitUps(2);
      publishFromOutside(broker, "cmd/b", "2");
      Await.until(LONG, () -> got.contains("cmd/b=2"), got::toString);
      assertTrue(events.all().stream().anyMatch(e -> !e.up() && e.flag()), events.all().toString());
    }
  }

  private static void publishFromOutside(Mosquitto broker, String topic, String payload)
      throws Exception {
    MqttClient p =
        new MqttClient(broker.uri(), "pub-" + System.nanoTime(), new MemoryPersistence());
    p.connect();
    p.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    quietly(p);
  }

  @Test
  void aBrokerThatAcceptsButNeverAnswersIsGivenUpOnAndRetried() throws Exception {
    try (Mosquitto broker = Mosquitto.start(dir)) {
      broker.pause(); // the kernel still accepts the TCP connection; CONNACK never comes
      try (MqttTransport t =
          new MqttTransport(config(broker.uri()).connectTimeout(Duration.ofSeconds(1)).build())) {
        Events events = new Events();
        t.addListener(events);
        t.start();
        assertEquals(
            "no CONNACK from the broker at 127.0.0.1:"
                + broker.port()
                + " within twice the connect timeout",
            events.awaitDownReason(1));
        broker.resume();
        events.awaitUps(1);
        t.publish("after/stall", new byte[] {1}, 1, false)
            .toCompletableFuture()
            .get(LONG.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aRepeatedConnectFailureIsLoggedOnce() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(MqttTransport.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    int port = Mosquitto.freePort();
    try (MqttTransport t = new MqttTransport(config("tcp://127.0.0.1:" + port).build())) {
      Events events = new Events();
      t.addListener(events);
      t.start();
      events.awaitDowns(4);
      List<String> warnings =
          appender.list.stream()
              .filter(e -> e.getLevel() == Level.WARN)
              .map(ILoggingEvent::getFormattedMessage)
              .toList();
      assertEquals(
          List.of(
              "MQTT connect to tcp://127.0.0.1:"
                  + port
                  + " failed: connection refused by 127.0.0.1:"
                  + port
                  + " (is the broker running?); reconnecting with backoff"),
          warnings);
      assertTrue(events.downReasons().stream().distinct().count() == 1, events.all().toString());
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void aCleanCloseSendsNoWill() throws Exception {
    List<String> got = new CopyOnWriteArrayList<>();
    try (Mosquitto broker = Mosquitto.start(dir)) {
      MqttClient sub = subscriber(broker, "state", got);
      MqttTransport t =
          new MqttTransport(
              config(broker.uri())
                  .will(
                      new TransportConfig.Will(
                          "state", "offline".getBytes(StandardCharsets.UTF_8), 1, false))
                  .keepAlive(Duration.ofSeconds(1))
                  .build());
      Events events = new Events();
      t.addListener(events);
      t.start();
      events.awaitUps(1);
      t.close(); // a clean DISCONNECT: no will
      publishFromOutside(broker, "state", "marker");
      Await.until(LONG, () -> got.contains("state=marker"), got::toString);
      assertEquals(List.of("state=marker"), got);
      quietly(sub);
    }
  }

  @Test
  void aNewWillIsAskedForBeforeEveryConnectionAndTheBrokerSendsTheOneOfTheLostConnection()
      throws Exception {
    List<String> got = new CopyOnWriteArrayList<>();
    try (Mosquitto broker = Mosquitto.start(dir);
        CuttableProxy proxy = new CuttableProxy(broker.port())) {
      MqttClient sub = subscriber(broker, "death", got);
      AtomicInteger asked = new AtomicInteger();
      List<String> given = new CopyOnWriteArrayList<>();
      List<String> willsOfConnections = new CopyOnWriteArrayList<>();
      MqttTransport t =
          new MqttTransport(
              config("tcp://127.0.0.1:" + proxy.port()).keepAlive(Duration.ofSeconds(1)).build());
      t.willBeforeEachConnect(
          () -> {
            String w = "will-" + asked.incrementAndGet();
            given.add(w);
            return new TransportConfig.Will("death", w.getBytes(StandardCharsets.UTF_8), 1, false);
          });
      Events events = new Events();
      t.addListener(
          new ConnectionListener() {
            @Override
            public void up(boolean reconnect) {
              // attempts run one at a time: the last will given is this connection's
              willsOfConnections.add(given.get(given.size() - 1));
            }
          });
      t.addListener(events);
      t.start();
      events.awaitUps(1);
      proxy.cut(); // the broker sees the connection die and sends its will
      Await.until(LONG, () -> got.size() == 1, got::toString);
      proxy.restore();
      events.awaitUps(2);
      proxy.cut();
      Await.until(LONG, () -> got.size() == 2, got::toString);
      assertEquals(
          willsOfConnections, got.stream().map(s -> s.substring("death=".length())).toList());
      assertFalse(got.get(0).equals(got.get(1)), "each connection had its own will: " + got);
      t.close();
      quietly(sub);
    }
  }
}
