package io.edgerule.adapter.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.sim.opcua.OpcUaSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Subscription data flow and writes against the plant simulator, over an unsecured endpoint (the
 * security ITs cover the policies): every OPC-UA type the plant has, status codes as quality,
 * source timestamps, deadbands, and writes converted to the node's DataType.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a net for a hang, not a speed check
class OpcUaDataFlowIT {
  static final Duration WAIT = Duration.ofSeconds(10);
  static OpcUaSimulator sim;
  static TestContext ctx;
  static ProtocolAdapter adapter;
  static final RecordingSink sink = new RecordingSink();

  static PointId id(String point) {
    return new PointId("plant", point);
  }

  @BeforeAll
  static void start() throws Exception {
    sim = OpcUaSimulator.builder().tick(Duration.ofMillis(50)).start();
    ctx = new TestContext();
    List<OpcUaPointConfig> points =
        List.of(
            new OpcUaPointConfig(
                "tank/temperature",
                "ns=2;s=Tank/Temperature",
                ValueType.FLOAT64,
                Duration.ofMillis(50),
                5,
                OpcUaDeadband.percent(0.1),
                false),
            OpcUaPointConfig.of("tank/level", "ns=2;s=Tank/Level", ValueType.FLOAT64),
            OpcUaPointConfig.of("tank/profile", "ns=2;s=Tank/TemperatureProfile", ValueType.STRING),
            OpcUaPointConfig.writable("tank/limits", "ns=2;s=Tank/Limits", ValueType.BYTES),
            OpcUaPointConfig.writable(
                "tank/setpoint",
                "nsu=urn:edgerule:sim:plant;s=Tank/TemperatureSetpoint",
                ValueType.FLOAT64),
            OpcUaPointConfig.writable("pump/command", "ns=2;s=Pump/Command", ValueType.BOOL),
            OpcUaPointConfig.of("pump/running", "ns=2;s=Pump/Running", ValueType.BOOL),
            OpcUaPointConfig.writable(
                "pump/speed_sp", "ns=2;s=Pump/SpeedSetpoint", ValueType.INT64),
            OpcUaPointConfig.of("pump/speed", "ns=2;s=Pump/Speed", ValueType.INT64),
            OpcUaPointConfig.of("line/counter", "ns=2;s=Line/Counter", ValueType.INT64),
            OpcUaPointConfig.of("line/state", "ns=2;s=Line/State", ValueType.STRING),
            OpcUaPointConfig.writable("line/batch", "ns=2;s=Line/BatchName", ValueType.STRING),
            OpcUaPointConfig.writable(
                "line/profile_w", "ns=2;s=Tank/TemperatureProfile", ValueType.STRING),
            OpcUaPointConfig.of("diag/fault", "ns=2;s=Diagnostics/SensorFault", ValueType.FLOAT64),
            OpcUaPointConfig.of("diag/stale", "ns=2;s=Diagnostics/StaleValue", ValueType.FLOAT64),
            OpcUaPointConfig.of("diag/missing", "ns=2;s=No/Such/Node", ValueType.FLOAT64),
            OpcUaPointConfig.of("diag/wrong_type", "ns=2;s=Pump/Running", ValueType.FLOAT64),
            new OpcUaPointConfig(
                "diag/bad_deadband",
                "ns=2;s=Tank/TemperatureSetpoint",
                ValueType.FLOAT64,
                null,
                null,
                OpcUaDeadband.percent(5),
                false));
    OpcUaDeviceConfig device =
        new OpcUaDeviceConfig(
            "plant",
            sim.endpointUrl(),
            SecurityPolicyName.NONE,
            SecurityMode.NONE,
            null,
            Duration.ofMillis(100),
            Duration.ofSeconds(2),
            null,
            points);
    adapter = new OpcUaAdapterFactory().createAll(List.of(device), ctx.context()).get(0);
    adapter.start(sink).toCompletableFuture().get();
  }

  @AfterAll
  static void stop() throws Exception {
    if (adapter != null) {
      adapter.close();
    }
    if (sim != null) {
      sim.close();
    }
    ctx.close();
  }

  static PointSample good(String point) throws InterruptedException {
    return sink.await(s -> s.point().equals(id(point)) && s.quality().isGood(), WAIT);
  }

  @Test
  void valuesOfEveryTypeArriveGoodWithSourceTimestamps() throws Exception {
    Instant before = Instant.now().minusSeconds(5);
    PointSample temperature = good("tank/temperature");
    assertTrue(temperature.value() instanceof PointValue.Float64, temperature.toString());
    assertTrue(good("tank/level").value() instanceof PointValue.Float64);
    assertTrue(good("pump/running").value() instanceof PointValue.Bool);
    assertTrue(good("pump/speed").value() instanceof PointValue.Int64);
    assertEquals(PointValue.of("STOPPED"), good("line/state").value());
    String profile = ((PointValue.Text) good("tank/profile").value()).value();
    assertTrue(profile.matches("\\[(-?[0-9.]+,){4}-?[0-9.]+]"), profile);
    // Range {low 10.0, high 90.0}: two little-endian doubles in the structure's binary body
    byte[] limits = ((PointValue.Bytes) good("tank/limits").value()).value();
    assertEquals(16, limits.length);
    assertEquals(
        10.0,
        java.nio.ByteBuffer.wrap(limits).order(java.nio.ByteOrder.LITTLE_ENDIAN).getDouble(0));

    // the counter changes every tick: strictly increasing values with increasing source times
    int from = sink.size();
    PointSample first = sink.await(from, s -> s.point().equals(id("line/counter")), WAIT);
    PointSample later =
        sink.await(
            from,
            s ->
                s.point().equals(id("line/counter"))
                    && ((PointValue.Int64) s.value()).value()
                        >= ((PointValue.Int64) first.value()).value() + 3,
            WAIT);
    assertTrue(later.sourceTime().isAfter(first.sourceTime()), "source times advance");
    assertTrue(first.sourceTime().isAfter(before), "source time is the server's, recent");
  }

  @Test
  void statusCodesBecomeQualityWithTheStatusName() throws Exception {
    PointSample fault = sink.await(s -> s.point().equals(id("diag/fault")), WAIT);
    assertEquals(new Quality(Quality.Status.BAD, "Bad_SensorFailure"), fault.quality());
    PointSample stale = sink.await(s -> s.point().equals(id("diag/stale")), WAIT);
    assertEquals(Quality.uncertain("Uncertain_LastUsableValue"), stale.quality());
    assertEquals(PointValue.of(12.5), stale.value());
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), stale.sourceTime());
  }

  @Test
  void configurationProblemsArePerPointAndInPlainWords() throws Exception {
    PointSample missing = sink.await(s -> s.point().equals(id("diag/missing")), WAIT);
    assertEquals(Quality.Status.BAD, missing.quality().status());
    assertTrue(
        missing.quality().reason().contains("Bad_NodeIdUnknown")
            && missing.quality().reason().contains("ns=2;s=No/Such/Node"),
        missing.quality().reason());
    PointSample wrong = sink.await(s -> s.point().equals(id("diag/wrong_type")), WAIT);
    assertEquals(Quality.Status.BAD, wrong.quality().status());
    assertTrue(wrong.quality().reason().contains("set the point's type to bool"), wrong.toString());
    PointSample deadband = sink.await(s -> s.point().equals(id("diag/bad_deadband")), WAIT);
    assertTrue(deadband.quality().reason().contains("deadband"), deadband.toString());
    // ... while the rest of the device works
    good("tank/temperature");
    assertEquals(AdapterHealth.State.UP, adapter.health().state());
  }

  @Test
  void writesAreConvertedToTheNodesDataType() throws Exception {
    good("pump/running");
    int from = sink.size();
    assertEquals(WriteResult.Status.OK, write("pump/command", PointValue.of(true)).status());
    PointSample running =
        sink.await(
            from,
            s -> s.point().equals(id("pump/running")) && PointValue.of(true).equals(s.value()),
            WAIT);
    assertTrue(running.quality().isGood());

    assertEquals(WriteResult.Status.OK, write("tank/setpoint", PointValue.of(75.5)).status());
    assertEquals(75.5, sim.read("Tank/TemperatureSetpoint"));
    // an int64 to a UInt16 node, in range
    assertEquals(WriteResult.Status.OK, write("pump/speed_sp", PointValue.of(1200L)).status());
    assertEquals(1200, ((Number) sim.read("Pump/SpeedSetpoint")).intValue());
    assertEquals(WriteResult.Status.OK, write("line/batch", PointValue.of("B-7")).status());
    assertEquals("B-7", sim.read("Line/BatchName"));
  }

  @Test
  void unconvertibleWritesAreRejectedWithTheReasonAndNeverSent() throws Exception {
    good("pump/speed");
    Object before = sim.read("Pump/SpeedSetpoint");
    assertRejected(write("pump/speed_sp", PointValue.of(70_000L)), "out of range 0..65535");
    assertRejected(write("pump/speed_sp", PointValue.of(3.5)), "whole numbers");
    assertRejected(write("pump/command", PointValue.of(1L)), "true or false");
    assertRejected(write("tank/setpoint", PointValue.of("hot")), "numbers");
    assertRejected(write("line/profile_w", PointValue.of("[1,2]")), "array");
    assertRejected(write("tank/limits", PointValue.of(new byte[16])), "structure");
    assertRejected(write("pump/running", PointValue.of(true)), "read-only");
    assertRejected(write("no/such", PointValue.of(true)), "unknown point");
    assertEquals(before, sim.read("Pump/SpeedSetpoint"), "nothing was written");
  }

  static WriteResult write(String point, PointValue value) throws Exception {
    return adapter
        .write(new WriteCommand(id(point), value, "test"))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  static void assertRejected(WriteResult r, String reasonPart) {
    assertEquals(WriteResult.Status.REJECTED, r.status(), r.toString());
    assertTrue(r.detail().contains(reasonPart), r.detail());
  }
}
