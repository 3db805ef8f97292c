package io.edgerule.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.PushAdapter;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload that moves the uplink to another broker (two real Mosquitto brokers) connects again in
 * place: the messages queued in the outbox while the old broker was gone reach the new one, the
 * gateway's command subscription follows, no device is made again. A setting of the namespace is
 * answered over MQTT as needing a restart.
 */
class ReloadUplinkIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern VALUE = Pattern.compile("\"value\":([0-9.]+)");

  @TempDir Path tmp;

  private static String config(String broker, int qos, String keepAlive) {
    return """
        gateway: {id: up-gw, state_dir: state}
        devices:
          - {protocol: push, name: tank}
        mqtt: {broker: "%s", telemetry_qos: %d, keep_alive: %s, reconnect_max: 1s}
        http: {enabled: false}
        """
        .formatted(broker, qos, keepAlive);
  }

  /** The tank's level values a probe received, in order. */
  private static List<Double> levels(MqttProbe probe) {
    return probe.all().stream()
        .filter(m -> m.topic().equals("edgerule/up-gw/telemetry/tank/level"))
        .map(
            m -> {
              Matcher v = VALUE.matcher(m.payload());
              if (!v.find()) {
                throw new AssertionError("no value in " + m.payload());
              }
              return Double.valueOf(v.group(1));
            })
        .toList();
  }

  @Test
  void aNewBrokerGetsWhatWasQueuedAndTheCommandsFollow() throws Exception {
    Path file = tmp.resolve("gateway.yaml");
    PushAdapter.Factory push = new PushAdapter.Factory();
    ConfigLoader loader = new ConfigLoader(List.of(push));
    try (Mosquitto a = Mosquitto.start(Files.createDirectories(tmp.resolve("a")));
        Mosquitto b = Mosquitto.start(Files.createDirectories(tmp.resolve("b")));
        MqttProbe probeA = new MqttProbe(a.uri(), "edgerule/up-gw/#");
        MqttProbe probeB = new MqttProbe(b.uri(), "edgerule/up-gw/#")) {
      Files.writeString(file, config(a.uri(), 0, "30s"));
      try (Gateway gw =
          Gateway.start(
              loader.load(file), List.of(push), GatewayListener.NONE, Clock.systemUTC())) {
        gw.reloadFrom(ConfigSource.file(file, loader));
        PushAdapter tank = push.last;
        Poll.until(() -> gw.uplink().isConnected(), WAIT, "connected to broker A");
        tank.push("level", 1);
        Poll.until(() -> levels(probeA).equals(List.of(1.0)), WAIT, "the first level at A");

        // Broker A goes away: what the tank reports now waits in the outbox.
        a.kill();
        Poll.until(() -> !gw.uplink().isConnected(), WAIT, "the gateway saw A go");
        for (int i = 2; i <= 11; i++) {
          tank.push("level", i);
        }

        // The config moves the uplink to broker B.
        Files.writeString(file, config(b.uri(), 0, "30s"));
        ReloadReport moved = gw.reload().get();
        assertEquals(ReloadReport.Outcome.APPLIED, moved.outcome(), moved.summary());
        assertEquals(List.of("mqtt.broker"), moved.appliedLive(), moved.summary());
        assertEquals(List.of(), moved.needsRestart(), moved.summary());
        assertTrue(moved.devices().isEmpty(), moved.summary());
        assertEquals("OK", moved.status(), moved.summary());
        Poll.until(() -> levels(probeB).size() >= 10, WAIT, "the queued levels reach broker B");
        List<Double> atB = levels(probeB);
        for (int i = 2; i <= 11; i++) {
          assertTrue(atB.contains((double) i), "level " + i + " reached B: " + atB);
        }
        probeB.await(
            m -> m.topic().equals("edgerule/up-gw/state") && m.payload().contains("online"), WAIT);

        // Another keep-alive on the same broker: the connection is dropped and made again, and the
        // broker publishes the last will meanwhile (as for any lost connection), then "online".
        int before = probeB.all().size();
        Files.writeString(file, config(b.uri(), 0, "20s"));
        ReloadReport keepAlive = gw.reload().get();
        assertEquals(List.of("mqtt.keep_alive"), keepAlive.appliedLive(), keepAlive.summary());
        Poll.until(
            () -> {
              List<MqttProbe.Message> after = probeB.all();
              after = after.subList(before, after.size());
              int will = -1;
              for (int i = 0; i < after.size(); i++) {
                MqttProbe.Message m = after.get(i);
                if (m.topic().equals("edgerule/up-gw/state")) {
                  if (m.payload().contains("connection lost")) {
                    will = i;
                  } else if (will >= 0 && m.payload().contains("online")) {
                    return true;
                  }
                }
              }
              return false;
            },
            WAIT,
            "the last will, then online again, at broker B");

        // The command subscription moved too: a reload asked over B is answered over B, and a
        // setting of the namespace is reported as needing a restart, not silently ignored.
        Files.writeString(file, config(b.uri(), 1, "20s"));
        probeB.publish("edgerule/up-gw/cmd/reload", "{\"id\":\"q-1\"}");
        String answer =
            probeB
                .await(
                    m ->
                        m.topic().equals("edgerule/up-gw/cmd-result")
                            && m.payload().contains("\"id\":\"q-1\""),
                    WAIT)
                .payload();
        assertTrue(
            answer.contains("needs restart (running with the old values): mqtt.telemetry_qos"),
            answer);
        assertFalse(answer.contains("mqtt.broker"), answer);
        assertTrue(push.last == tank && !tank.closed, "the device was not made again");
      }
    }
  }
}
