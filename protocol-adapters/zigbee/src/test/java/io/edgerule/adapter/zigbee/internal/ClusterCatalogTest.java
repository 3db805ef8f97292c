package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.zigbee.internal.ClusterCatalog.Decoded;
import io.edgerule.adapter.zigbee.internal.ClusterCatalog.PointSpec;
import io.edgerule.adapter.zigbee.internal.ClusterCatalog.Write;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ZCL attribute values (as the library normalises them) to point values, per the ZCL spec. */
class ClusterCatalogTest {

  private static PointSpec spec(int cluster, String name) {
    return ClusterCatalog.forCluster(cluster).stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static PointValue value(PointSpec spec, Object raw, Map<Integer, Integer> scaling) {
    Decoded d = spec.decoder().decode(raw, scaling);
    return assertInstanceOf(Decoded.Value.class, d, d.toString()).value();
  }

  private static String invalid(PointSpec spec, Object raw) {
    return assertInstanceOf(Decoded.Invalid.class, spec.decoder().decode(raw, Map.of())).reason();
  }

  @Test
  void temperatureIsHundredthsOfADegreeAndSigned() {
    PointSpec t = spec(0x0402, "temperature");
    assertEquals(ValueType.FLOAT64, t.type());
    assertEquals(PointValue.of(21.5), value(t, 2150, Map.of()));
    assertEquals(PointValue.of(-5.25), value(t, -525, Map.of()));
    assertEquals("temperature not measured (0x8000)", invalid(t, -32768));
  }

  @Test
  void humidityIsHundredthsOfAPercent() {
    PointSpec h = spec(0x0405, "humidity");
    assertEquals(PointValue.of(45.0), value(h, 4500, Map.of()));
    assertEquals("humidity not measured (0xffff)", invalid(h, 0xFFFF));
  }

  @Test
  void illuminanceIsLogarithmic() {
    PointSpec lux = spec(0x0400, "illuminance");
    assertEquals(PointValue.of(1.0), value(lux, 1, Map.of()));
    assertEquals(1000.0, value(lux, 30001, Map.of()).asDouble(), 1e-9);
    assertEquals(PointValue.of(0.0), value(lux, 0, Map.of()), "0: too dark to measure");
    assertTrue(invalid(lux, 0xFFFF).contains("not measured"));
  }

  @Test
  void onOffOccupancyAndLevel() {
    assertEquals(PointValue.of(true), value(spec(0x0006, "on_off"), Boolean.TRUE, Map.of()));
    PointSpec occupancy = spec(0x0406, "occupancy");
    assertEquals(PointValue.of(true), value(occupancy, 0x01, Map.of()));
    assertEquals(PointValue.of(false), value(occupancy, 0x02, Map.of()), "only bit 0 is occupancy");
    PointSpec level = spec(0x0008, "level");
    assertEquals(PointValue.of(254L), value(level, 254, Map.of()));
    assertEquals("level unknown (0xFF)", invalid(level, 255));
  }

  @Test
  void electricalMeasurementUsesTheDevicesMultiplierAndDivisor() {
    Map<Integer, Integer> scaling =
        Map.of(
            ClusterCatalog.AC_POWER_MULTIPLIER, 1,
            ClusterCatalog.AC_POWER_DIVISOR, 10,
            ClusterCatalog.AC_CURRENT_DIVISOR, 1000);
    assertEquals(PointValue.of(1800.0), value(spec(0x0B04, "power"), 18000, scaling));
    assertEquals(PointValue.of(-12.5), value(spec(0x0B04, "power"), -125, scaling));
    assertEquals(PointValue.of(7.826), value(spec(0x0B04, "current"), 7826, scaling));
    assertEquals(
        PointValue.of(230.0), value(spec(0x0B04, "voltage"), 230, Map.of()), "no scaling: 1/1");
  }

  @Test
  void writablePointsSayHowTheyAreWritten() {
    assertEquals(Write.ON_OFF, spec(0x0006, "on_off").write());
    assertEquals(Write.TOGGLE, spec(0x0006, "toggle").write());
    assertEquals(-1, spec(0x0006, "toggle").attributeId(), "toggle is a command, not an attribute");
    assertEquals(Write.LEVEL, spec(0x0008, "level").write());
    assertEquals(Write.UINT16_ATTRIBUTE, spec(0x0406, "occupancy_timeout").write());
    assertEquals(Write.NONE, spec(0x0402, "temperature").write());
    assertEquals(List.of(), ClusterCatalog.forCluster(0x0000), "basic has no points");
  }

  @Test
  void aValueOfTheWrongKindIsInvalidNotAnException() {
    PointSpec t = spec(0x0402, "temperature");
    assertEquals(
        "expected a number, got String",
        assertThrowsMessage(() -> t.decoder().decode("21.5", Map.of())));
  }

  private static String assertThrowsMessage(Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("no IllegalArgumentException");
  }
}
