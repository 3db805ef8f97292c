package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.sim.zigbee.VirtualDevice;
import io.edgerule.sim.zigbee.ZigbeeSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter against the XBee coordinator simulator over TCP (ser2net style). */
class ZigbeeTcpIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long SENSOR = 0x00124B0001ABCD01L;
  private static final long LIGHT = 0x00124B0001ABCD04L;

  @TempDir Path state;

  @Test
  void sensorJoinsReportsAndLightObeys() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(21.5);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    try (ZigbeeSimulator sim = ZigbeeSimulator.builder().device(sensor).device(light).startTcp(0);
        TestContext ctx = new TestContext(state)) {
      ZigbeeCoordinatorConfig config =
          new ZigbeeCoordinatorConfig(
              "zigbee",
              "tcp://127.0.0.1:" + sim.tcpPort(),
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              Map.of("00124b0001abcd01", "kitchen_sensor", "00124b0001abcd04", "hall_light"),
              null,
              null,
              null,
              null);
      Recorder sink = new Recorder();
      try (ZigbeeCoordinatorAdapter adapter = new ZigbeeCoordinatorAdapter(config, ctx.context)) {
        adapter.start(sink).toCompletableFuture().get(60, TimeUnit.SECONDS);
        sink.await(
            s ->
                s.point().equals(PointId.parse("zigbee/online"))
                    && s.value().equals(PointValue.of(true)),
            WAIT,
            "coordinator online");
        WriteResult permit =
            adapter
                .write(
                    new WriteCommand(
                        PointId.parse("zigbee/permit_join"), PointValue.of(60L), "test"))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertTrue(permit.isOk(), permit.toString());
        PointSample temperature =
            sink.await(Recorder.good("kitchen_sensor/temperature"), WAIT, "a temperature report");
        assertEquals(PointValue.of(21.5), temperature.value());
        sink.await(Recorder.good("hall_light/on_off"), WAIT, "the light's state");
        WriteResult on =
            adapter
                .write(
                    new WriteCommand(
                        PointId.parse("hall_light/on_off"), PointValue.of(true), "rule"))
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
        assertTrue(on.isOk(), on.toString());
        assertTrue(light.isOn(), "the virtual light is on");
      }
    }
  }
}
