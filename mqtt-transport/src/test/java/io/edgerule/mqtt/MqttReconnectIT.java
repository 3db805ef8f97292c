package io.edgerule.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.Await;
import io.edgerule.mqtt.testing.Events;
import io.edgerule.mqtt.testing.Mosquitto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MqttTransport#reconnect} against two real Mosquitto brokers: the same transport object
 * moves to the new broker with its subscriptions and listeners; the old broker publishes the last
 * will; new settings whose TLS files cannot be read change nothing.
 */
class MqttReconnectIT {
  private static final Duration LONG = Duration.ofSeconds(60);
  @TempDir Path dir;

  private static TransportConfig config(String uri) {
    return TransportConfig.builder(uri, "move-it")
        .reconnect(Duration.ofMillis(50), Duration.ofMillis(500))
        .will(
            new TransportConfig.Will(
                "gw/state", "offline".getBytes(StandardCharsets.UTF_8), 1, false))
        .build();
  }

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

  @Test
  void theSameTransportMovesToAnotherBrokerWithItsSubscriptions() throws Exception {
    List<String> atA = new CopyOnWriteArrayList<>();
    List<String> atB = new CopyOnWriteArrayList<>();
    List<String> commands = new CopyOnWriteArrayList<>();
    try (Mosquitto a = Mosquitto.start(Files.createDirectories(dir.resolve("a")));
        Mosquitto b = Mosquitto.start(Files.createDirectories(dir.resolve("b")));
        MqttTransport t = new MqttTransport(config(a.uri()))) {
      MqttClient watchA = subscriber(a, "gw/#", atA);
      MqttClient watchB = subscriber(b, "#", atB);
      Events events = new Events();
      t.addListener(events);
      t.subscribe(
          "cmd/#",
          1,
          m -> commands.add(m.topic() + "=" + new String(m.payload(), StandardCharsets.UTF_8)));
      t.start();
      events.awaitUps(1);
      t.publish("gw/data", "1".getBytes(StandardCharsets.UTF_8), 1, false)
          .toCompletableFuture()
          .get(LONG.toSeconds(), TimeUnit.SECONDS);
      Await.until(LONG, () -> atA.contains("gw/data=1"), atA::toString);

      t.reconnect(config(b.uri()));
      events.awaitUps(2);
      assertTrue(
          events.all().stream().anyMatch(e -> e.up() && e.flag()),
          "up(reconnect): " + events.all());
      assertEquals(b.port(), t.config().serverUri().getPort(), t.config().serverUri().toString());
      // The old broker published the last will: the connection was dropped, not closed cleanly.
      Await.until(LONG, () -> atA.contains("gw/state=offline"), atA::toString);
      t.publish("gw/data", "2".getBytes(StandardCharsets.UTF_8), 1, false)
          .toCompletableFuture()
          .get(LONG.toSeconds(), TimeUnit.SECONDS);
      Await.until(LONG, () -> atB.contains("gw/data=2"), atB::toString);
      // The subscription followed the transport to B.
      MqttClient p = new MqttClient(b.uri(), "pub-" + System.nanoTime(), new MemoryPersistence());
      p.connect();
      p.publish("cmd/x", "go".getBytes(StandardCharsets.UTF_8), 1, false);
      p.disconnect();
      p.close();
      Await.until(LONG, () -> commands.contains("cmd/x=go"), commands::toString);

      // Settings that cannot be used change nothing: the connection to B stays.
      TransportConfig broken =
          TransportConfig.builder("ssl://127.0.0.1:" + b.port(), "move-it")
              .tls(new TlsConfig(dir.resolve("missing-ca.pem"), null, null, null, true))
              .build();
      assertThrows(IOException.class, () -> t.reconnect(broken));
      assertTrue(t.isConnected());
      assertEquals(b.port(), t.config().serverUri().getPort(), t.config().serverUri().toString());
      assertEquals(2, events.ups(), "no new connection");
      watchA.disconnect();
      watchA.close();
      watchB.disconnect();
      watchB.close();
    }
  }
}
