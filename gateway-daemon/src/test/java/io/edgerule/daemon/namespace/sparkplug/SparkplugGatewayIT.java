package io.edgerule.daemon.namespace.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.namespace.sparkplug.SparkplugHost.Received;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 6: the packaged gateway with {@code mqtt.namespace: sparkplug}, two Modbus TCP
 * simulators and a real Mosquitto, watched by a Sparkplug host written here with Tahu's decoder:
 * births, data, a device's death and rebirth as its simulator stops and starts, a rebirth on NCMD,
 * a DCMD that ends in a device write, the NDEATH will when the gateway is killed, the bdSeq of
 * NBIRTH and NDEATH matching and going on across a restart, and seq numbers consecutive (0-255)
 * across all messages of the edge node.
 */
class SparkplugGatewayIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String NODE = "spBv1.0/plant/%s/gw-sp";

  @TempDir Path tmp;

  static ModbusTcpSimulator simulator(float level) {
    return ModbusTcpSimulator.start(
        ModbusSimConfig.builder()
            .port(0)
            .manualTicks()
            .unit(
                1,
                u -> {
                  u.map(SimTable.HOLDING_REGISTER, 0, 4);
                  u.map(SimTable.COIL, 0, 1);
                  u.setFloat32(SimTable.HOLDING_REGISTER, 0, level);
                })
            .build());
  }

  private Process startGateway(Path config, String logName) throws Exception {
    Path jar = Path.of("target", "edgerule-daemon.jar");
    assertTrue(Files.exists(jar), "run after `package`: " + jar.toAbsolutePath());
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "run",
            "--config",
            config.toString())
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve(logName).toFile())
        .start();
  }

  static boolean is(Received r, MessageType type, String device) {
    return r.type() == type && (device == null ? r.device() == null : device.equals(r.device()));
  }

  @Test
  void aSparkplugHostSeesTheWholeLifeOfTheEdgeNode() throws Exception {
    try (Mosquitto broker = Mosquitto.start(tmp);
        ModbusTcpSimulator tank = simulator(42.5f);
        ModbusTcpSimulator boiler = simulator(7f);
        SparkplugHost host = new SparkplugHost(broker.uri(), "plant")) {
      Path config = tmp.resolve("gateway.yaml");
      Files.writeString(
          config,
          """
          gateway: {id: gw-sp, state_dir: state}
          devices:
            - protocol: modbus-tcp
              name: tank
              host: 127.0.0.1
              port: %d
              poll_interval: 100ms
              timeout: 500ms
              points:
                - {name: level, table: holding_register, address: 0, type: float32}
                - {name: setpoint, table: holding_register, address: 2, type: uint16, writable: true}
                - {name: pump, table: coil, address: 0, type: bool, writable: true}
            - protocol: modbus-tcp
              name: boiler
              host: 127.0.0.1
              port: %d
              poll_interval: 100ms
              timeout: 500ms
              points:
                - {name: temperature, table: holding_register, address: 0, type: float32}
          mqtt:
            broker: %s
            namespace: sparkplug
            sparkplug: {group_id: plant}
          pipeline:
            health_interval: 1s
          """
              .formatted(tank.port(), boiler.port(), broker.uri()));
      List<Process> started = new ArrayList<>();
      try {
        Process gw = startGateway(config, "gw1.log");
        started.add(gw);

        // Births: NBIRTH, then a DBIRTH per device with its points, datatypes and values.
        Received nbirth = host.await(0, r -> is(r, MessageType.NBIRTH, null), WAIT, "NBIRTH");
        assertEquals(NODE.formatted("NBIRTH"), nbirth.topic().toString());
        assertEquals(0L, nbirth.seq());
        long bdSeq = (Long) nbirth.metric("bdSeq").getValue();
        assertEquals(false, nbirth.metric("Node Control/Rebirth").getValue());
        assertEquals(false, nbirth.metric("Node Control/Reload").getValue());
        Received tankBirth =
            host.await(nbirth.index(), r -> is(r, MessageType.DBIRTH, "tank"), WAIT, "DBIRTH tank");
        Received boilerBirth =
            host.await(
                nbirth.index(), r -> is(r, MessageType.DBIRTH, "boiler"), WAIT, "DBIRTH boiler");
        long temperatureAlias = boilerBirth.metric("temperature").getAlias();
        assertEquals(MetricDataType.Double, tankBirth.metric("level").getDataType());
        assertEquals(MetricDataType.Int64, tankBirth.metric("setpoint").getDataType());
        assertEquals(MetricDataType.Boolean, tankBirth.metric("pump").getDataType());
        long levelAlias = tankBirth.metric("level").getAlias();
        long setpointAlias = tankBirth.metric("setpoint").getAlias();

        // Data: a new level arrives as DDATA by alias.
        tank.setFloat32(0, 61.25f);
        host.await(
            tankBirth.index(),
            r ->
                is(r, MessageType.DDATA, "tank")
                    && r.payload().getMetrics().stream()
                        .anyMatch(
                            m ->
                                Long.valueOf(levelAlias)
                                        .equals(m.getAlias()) // historical data has none
                                    && Double.valueOf(61.25).equals(m.getValue())),
            WAIT,
            "DDATA of tank/level = 61.25");

        // The boiler's simulator stops: DDEATH; it starts again: DBIRTH. The tank goes on.
        int before = host.size();
        boiler.stopServer();
        Received ddeath =
            host.await(before, r -> is(r, MessageType.DDEATH, "boiler"), WAIT, "DDEATH boiler");
        boiler.setFloat32(0, 93.5f);
        boiler.startServer();
        Received reborn =
            host.await(
                ddeath.index(),
                r -> is(r, MessageType.DBIRTH, "boiler"),
                WAIT,
                "DBIRTH boiler again");
        host.await(
            reborn.index(),
            r ->
                (is(r, MessageType.DBIRTH, "boiler")
                        && Double.valueOf(93.5).equals(r.metric("temperature").getValue()))
                    || (is(r, MessageType.DDATA, "boiler")
                        && r.payload().getMetrics().stream()
                            .anyMatch(
                                m ->
                                    Long.valueOf(temperatureAlias).equals(m.getAlias())
                                        && Double.valueOf(93.5).equals(m.getValue()))),
            WAIT,
            "the boiler's new temperature after its rebirth");

        // NCMD rebirth: a new NBIRTH (seq 0, same bdSeq: same connection) and both DBIRTHs.
        before = host.size();
        host.send(
            NODE.formatted("NCMD"),
            new Metric.MetricBuilder("Node Control/Rebirth", MetricDataType.Boolean, true)
                .createMetric());
        Received again =
            host.await(before, r -> is(r, MessageType.NBIRTH, null), WAIT, "NBIRTH on rebirth");
        assertEquals(0L, again.seq());
        assertEquals(bdSeq, again.metric("bdSeq").getValue());
        host.await(
            again.index(), r -> is(r, MessageType.DBIRTH, "tank"), WAIT, "DBIRTH tank on rebirth");
        host.await(
            again.index(),
            r -> is(r, MessageType.DBIRTH, "boiler"),
            WAIT,
            "DBIRTH boiler on rebirth");

        // NCMD reload: the config file is read again (unchanged: nothing to do) and the answer
        // is cmd/reload's, as Gateway/Command Result.
        before = host.size();
        host.send(
            NODE.formatted("NCMD"),
            new Metric.MetricBuilder("Node Control/Reload", MetricDataType.Boolean, true)
                .createMetric());
        host.await(
            before,
            r ->
                is(r, MessageType.NDATA, null)
                    && r.payload().getMetrics().stream()
                        .anyMatch(
                            m ->
                                m.getValue() instanceof String s
                                    && s.contains("\"command\":\"reload\"")
                                    && s.contains("\"status\":\"OK\"")
                                    && s.contains("no changes to devices or rules")),
            WAIT,
            "the reload's answer");

        // DCMD: by name and by alias, through the same path as cmd/write, into the device.
        host.send(
            NODE.formatted("DCMD") + "/tank",
            new Metric.MetricBuilder("pump", MetricDataType.Boolean, true).createMetric(),
            new Metric.MetricBuilder(setpointAlias, MetricDataType.Int32, 1234).createMetric());
        Poll.until(() -> tank.coil(0), WAIT, "tank/pump written by DCMD");
        Poll.until(() -> tank.holdingRegister(2) == 1234, WAIT, "tank/setpoint written by DCMD");
        // a read-only point is refused, and the refusal is answered
        host.send(
            NODE.formatted("DCMD") + "/tank",
            new Metric.MetricBuilder("level", MetricDataType.Double, 1.0).createMetric());
        host.await(
            0,
            r ->
                is(r, MessageType.NDATA, null)
                    && r.payload().getMetrics().stream()
                        .anyMatch(
                            m ->
                                m.getValue() instanceof String s
                                    && s.contains("\"command\":\"write\"")
                                    && s.contains("REJECTED")),
            WAIT,
            "a REJECTED answer to the read-only write");

        // kill -9: the broker publishes the NDEATH will, with the NBIRTH's bdSeq.
        before = host.size();
        gw.destroyForcibly();
        assertTrue(gw.waitFor(30, TimeUnit.SECONDS));
        Received will =
            host.await(before, r -> is(r, MessageType.NDEATH, null), WAIT, "NDEATH (last will)");
        assertEquals(bdSeq, will.metric("bdSeq").getValue());

        // A restart takes the next bdSeq; SIGTERM publishes the NDEATH itself, with the same.
        Process gw2 = startGateway(config, "gw2.log");
        started.add(gw2);
        Received nbirth2 =
            host.await(
                will.index(), r -> is(r, MessageType.NBIRTH, null), WAIT, "NBIRTH after restart");
        assertEquals((bdSeq + 1) & 0xFF, nbirth2.metric("bdSeq").getValue());
        host.await(
            nbirth2.index(), r -> is(r, MessageType.DBIRTH, "tank"), WAIT, "DBIRTH after restart");
        gw2.destroy();
        assertTrue(gw2.waitFor(30, TimeUnit.SECONDS), "still running after SIGTERM");
        Received death2 =
            host.await(
                nbirth2.index(), r -> is(r, MessageType.NDEATH, null), WAIT, "NDEATH at shutdown");
        assertEquals(nbirth2.metric("bdSeq").getValue(), death2.metric("bdSeq").getValue());

        assertSeqConsecutive(host.all());
      } finally {
        for (Process p : started) {
          p.destroyForcibly();
        }
      }
    }
  }

  /**
   * Every NBIRTH is seq 0; every other message but NDEATH (which has none) is one more than the
   * message before it (255 followed by 0), across node and devices.
   */
  static void assertSeqConsecutive(List<Received> all) {
    Long previous = null;
    int checked = 0;
    for (Received r : all) {
      if (r.type() == MessageType.NDEATH) {
        assertEquals(null, r.seq(), "NDEATH has no seq: " + r);
        previous = null;
        continue;
      }
      if (r.type() == MessageType.NBIRTH) {
        assertEquals(0L, r.seq(), r.toString());
      } else {
        assertFalse(previous == null, "a message before any NBIRTH: " + r);
        assertEquals((previous + 1) & 0xFF, r.seq(), "after seq " + previous + ": " + r);
        checked++;
      }
      assertTrue(r.seq() >= 0 && r.seq() <= 255, r.toString());
      previous = r.seq();
    }
    assertTrue(checked > 10, "only " + checked + " messages checked");
  }
}
