package io.edgerule.daemon.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.cli.Factories;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.mqtt.outbox.OutboundMessage;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import io.edgerule.sim.modbus.SimUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The JSON namespace end to end through a real Mosquitto: telemetry batches carry every event
 * exactly as per-point messages would; status and log-level commands are answered with their ids.
 */
class FleetNamespaceIT {
  // A hang net only: on a loaded 2-core machine a command answer once took longer than 30 s.
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static ModbusTcpSimulator simulator() throws Exception {
    return ModbusTcpSimulator.start(
        ModbusSimConfig.builder()
            .port(0)
            .manualTicks()
            .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 4))
            .build());
  }

  private GatewayConfig config(int batchPort, int pointPort, String broker) throws Exception {
    Path file = tmp.resolve("gateway.yaml");
    // The batch device's window is an hour: its batches can only go out at the end of each read
    // cycle (or at 1,000 events), so this also proves that Modbus cycle ends reach the gateway.
    Files.writeString(
        file,
        """
        gateway:
          id: ns-it
          state_dir: state
        devices:
          - protocol: modbus-tcp
            name: tank
            host: 127.0.0.1
            port: %d
            poll_interval: 50ms
            timeout: 500ms
            integrity_interval: 0
            telemetry_window: 1h
            points:
              - {name: temperature, table: holding_register, address: 0, type: float32}
              - {name: level, table: holding_register, address: 2, type: float32}
          - protocol: modbus-tcp
            name: boiler
            host: 127.0.0.1
            port: %d
            poll_interval: 50ms
            timeout: 500ms
            integrity_interval: 0
            telemetry: per_point
            points:
              - {name: temperature, table: holding_register, address: 0, type: float32}
        mqtt:
          broker: %s
          telemetry: batch
          telemetry_qos: 1
        """
            .formatted(batchPort, pointPort, broker));
    return new ConfigLoader(Factories.installed()).load(file);
  }

  @Test
  void batchesCarryEveryEventExactlyAsPerPointMessagesWould() throws Exception {
    try (Mosquitto broker = Mosquitto.start(tmp);
        ModbusTcpSimulator tankSim = simulator();
        ModbusTcpSimulator boilerSim = simulator();
        MqttProbe probe =
            new MqttProbe(
                broker.uri(), "edgerule/ns-it/telemetry/#", "edgerule/ns-it/telemetry-batch/#")) {
      List<PointEvent> seen = new CopyOnWriteArrayList<>();
      GatewayListener listener =
          new GatewayListener() {
            @Override
            public void onEvent(PointEvent event) {
              seen.add(event);
            }
          };
      GatewayConfig config = config(tankSim.port(), boilerSim.port(), broker.uri());
      SimUnit tank = tankSim.unit();
      SimUnit boiler = boilerSim.unit();
      try (Gateway gw = Gateway.start(config, Factories.installed(), listener, Clock.systemUTC())) {
        Poll.until(gw.uplink()::isConnected, WAIT, "connected to Mosquitto");
        for (int i = 1; i <= 40; i++) {
          float t = 20 + i;
          float l = 100 - i;
          tank.setFloat32(SimTable.HOLDING_REGISTER, 0, t);
          tank.setFloat32(SimTable.HOLDING_REGISTER, 2, l);
          boiler.setFloat32(SimTable.HOLDING_REGISTER, 0, t);
          Poll.until(
              () ->
                  hasValue(seen, "tank/temperature", t)
                      && hasValue(seen, "tank/level", l)
                      && hasValue(seen, "boiler/temperature", t),
              WAIT,
              "change " + i + " read by the gateway");
        }
        List<PointEvent> tankEvents = of(seen, "tank");
        List<PointEvent> boilerEvents = of(seen, "boiler");
        long lastTank = tankEvents.get(tankEvents.size() - 1).sequence();
        long lastBoiler = boilerEvents.get(boilerEvents.size() - 1).sequence();
        Poll.until(
            () -> received(probe, "tank").stream().anyMatch(e -> e.get("seq").asLong() == lastTank),
            WAIT,
            "the tank's last event in a batch");
        Poll.until(
            () ->
                perPoint(probe, "boiler").stream()
                    .anyMatch(e -> e.get("seq").asLong() == lastBoiler),
            WAIT,
            "the boiler's last event per point");

        JsonNamespace ns = (JsonNamespace) gw.namespace();
        // Batch device: the entries of its batches, in order, are its events, each with exactly
        // the fields (and values) of the per-point message the event would have made.
        // (Events after the snapshot, e.g. a timeout's BAD sample on a loaded machine, are left out
        // on both sides.)
        List<JsonNode> entries =
            received(probe, "tank").stream()
                .filter(e -> e.get("seq").asLong() <= lastTank)
                .toList();
        List<JsonNode> expected = new ArrayList<>();
        for (PointEvent e : tankEvents) {
          ObjectNode n = JSON.createObjectNode().put("point", e.point().point());
          n.setAll((ObjectNode) JSON.readTree(perPointPayload(ns, e)));
          expected.add(n);
        }
        assertEquals(expected, entries, "every event once, in order, as per-point would send it");
        assertTrue(
            probe.all().stream()
                .noneMatch(m -> m.topic().startsWith("edgerule/ns-it/telemetry/tank/")),
            "a batch device sends no per-point messages");
        assertTrue(
            batchMessages(probe, "tank").stream().anyMatch(b -> b.get("points").size() > 1),
            "a cycle's changes of two points went out together");

        // Per-point device (override): every event as its own message, byte for byte.
        List<String> boilerPayloads = new ArrayList<>();
        for (MqttProbe.Message m : probe.all()) {
          if (m.topic().equals("edgerule/ns-it/telemetry/boiler/temperature")
              && JSON.readTree(m.payload()).get("seq").asLong() <= lastBoiler) {
            boilerPayloads.add(m.payload());
          }
        }
        List<String> boilerExpected = new ArrayList<>();
        for (PointEvent e : boilerEvents) {
          boilerExpected.add(
              new String(perPointPayload(ns, e), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(boilerExpected, boilerPayloads);
        assertFalse(
            probe.all().stream().anyMatch(m -> m.topic().endsWith("telemetry-batch/boiler")),
            "a per-point device sends no batches");
      }
    }
  }

  @Test
  void statusAndLogLevelCommandsAreAnsweredWithTheirIds() throws Exception {
    try (Mosquitto broker = Mosquitto.start(tmp);
        ModbusTcpSimulator tankSim = simulator();
        ModbusTcpSimulator boilerSim = simulator();
        MqttProbe probe = new MqttProbe(broker.uri(), "edgerule/ns-it/cmd-result")) {
      GatewayConfig config = config(tankSim.port(), boilerSim.port(), broker.uri());
      try (Gateway gw =
          Gateway.start(config, Factories.installed(), GatewayListener.NONE, Clock.systemUTC())) {
        Poll.until(gw.uplink()::isConnected, WAIT, "connected to Mosquitto");
        JsonNode status = command(probe, "status", "{\"id\":\"s-1\"}", "s-1");
        assertEquals("OK", status.get("status").asText(), status.toString());
        assertEquals("ns-it", status.get("state").get("gateway").asText(), status.toString());
        assertEquals(2, status.get("state").get("adapters").size(), status.toString());

        String logger = "io.edgerule.it.loglevel";
        assertFalse(LoggerFactory.getLogger(logger).isTraceEnabled());
        JsonNode set =
            command(
                probe,
                "log-level",
                "{\"id\":7,\"logger\":\"" + logger + "\",\"level\":\"trace\"}",
                "7");
        assertEquals(
            "{\"id\":7,\"command\":\"log-level\",\"status\":\"OK\","
                + "\"detail\":\"logger 'io.edgerule.it.loglevel' was inherited, is TRACE\"}",
            set.toString());
        assertTrue(LoggerFactory.getLogger(logger).isTraceEnabled(), "the level took effect");

        JsonNode refused =
            command(
                probe,
                "log-level",
                "{\"id\":\"l-2\",\"logger\":\"" + logger + "\",\"level\":\"LOUD\"}",
                "l-2");
        assertEquals("INVALID", refused.get("status").asText(), refused.toString());
        assertEquals(
            "'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, not \"LOUD\"",
            refused.get("detail").asText());
        assertTrue(
            LoggerFactory.getLogger(logger).isTraceEnabled(), "a refused command changes nothing");
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(logger)).setLevel(null);
      }
    }
  }

  private static JsonNode command(MqttProbe probe, String name, String body, String id)
      throws Exception {
    probe.publish("edgerule/ns-it/cmd/" + name, body);
    MqttProbe.Message m =
        probe.await(
            msg -> {
              try {
                JsonNode n = JSON.readTree(msg.payload());
                return n.has("id") && n.get("id").asText().equals(id);
              } catch (Exception e) {
                return false;
              }
            },
            WAIT);
    return JSON.readTree(m.payload());
  }

  private static byte[] perPointPayload(JsonNamespace ns, PointEvent e) {
    List<OutboundMessage> out = new ArrayList<>();
    ns.telemetry(e, out::add);
    return out.get(0).payload();
  }

  private static boolean hasValue(List<PointEvent> seen, String point, float v) {
    for (PointEvent e : seen) {
      if (e.point().toString().equals(point)
          && e.value() instanceof io.edgerule.adapter.PointValue.Float64 f
          && f.value() == v) {
        return true;
      }
    }
    return false;
  }

  private static List<PointEvent> of(List<PointEvent> seen, String device) {
    return seen.stream().filter(e -> e.point().device().equals(device)).toList();
  }

  private static List<JsonNode> batchMessages(MqttProbe probe, String device) {
    List<JsonNode> out = new ArrayList<>();
    for (MqttProbe.Message m : probe.all()) {
      if (m.topic().equals("edgerule/ns-it/telemetry-batch/" + device)) {
        try {
          JsonNode b = JSON.readTree(m.payload());
          assertEquals(device, b.get("device").asText());
          out.add(b);
        } catch (java.io.IOException e) {
          throw new AssertionError("batch is not JSON: " + m.payload(), e);
        }
      }
    }
    return out;
  }

  private static List<JsonNode> received(MqttProbe probe, String device) {
    List<JsonNode> entries = new ArrayList<>();
    for (JsonNode b : batchMessages(probe, device)) {
      b.get("points").forEach(entries::add);
    }
    return entries;
  }

  private static List<JsonNode> perPoint(MqttProbe probe, String device) {
    List<JsonNode> out = new ArrayList<>();
    for (MqttProbe.Message m : probe.all()) {
      if (m.topic().startsWith("edgerule/ns-it/telemetry/" + device + "/")) {
        try {
          out.add(JSON.readTree(m.payload()));
        } catch (java.io.IOException e) {
          throw new AssertionError(m.payload(), e);
        }
      }
    }
    return out;
  }
}
