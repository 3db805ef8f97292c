package io.edgerule.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PointIdTest {
  @Test
  void numberedDevicesAndPointsHashApart() {
    // The record's default hash (31 * device + point) gave 385 distinct values for these 1,030.
    java.util.Set<Integer> hashes = new java.util.HashSet<>();
    int points = 0;
    for (int u = 1; u <= 10; u++) {
      for (String p : new String[] {"tc", "seq", "tr"}) {
        hashes.add(new PointId("u" + u, p).hashCode());
        points++;
      }
      for (int r = 0; r < 100; r++) {
        hashes.add(new PointId("u" + u, "r" + r).hashCode());
        points++;
      }
    }
    assertEquals(points, hashes.size());
    assertEquals(new PointId("u1", "r25").hashCode(), PointId.parse("u1/r25").hashCode());
    assertTrue(new PointId("u1", "r25").hashCode() != new PointId("u2", "r15").hashCode());
  }

  @Test
  void parsesDeviceAndMultiSegmentPoint() {
    PointId id = PointId.parse("plug1/power/active");
    assertEquals("plug1", id.device());
    assertEquals("power/active", id.point());
    assertEquals("plug1/power/active", id.toString());
  }

  @Test
  void rejectsWildcardsAndEmptySegments() {
    assertThrows(IllegalArgumentException.class, () -> PointId.parse("tank"));
    assertThrows(IllegalArgumentException.class, () -> PointId.parse("tank/"));
    assertThrows(IllegalArgumentException.class, () -> PointId.parse("/level"));
    assertThrows(IllegalArgumentException.class, () -> PointId.parse("tank/+"));
    assertThrows(IllegalArgumentException.class, () -> PointId.parse("tank/a//b"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new PointId("ta nk", "level"));
    assertTrue(e.getMessage().contains("ta nk"), e.getMessage());
  }

  @Test
  void patternsFollowMqttWildcards() {
    assertTrue(PointPattern.parse("tank/+").matches(PointId.parse("tank/level")));
    assertFalse(PointPattern.parse("tank/+").matches(PointId.parse("tank/level/raw")));
    assertTrue(PointPattern.parse("tank/#").matches(PointId.parse("tank/level/raw")));
    assertTrue(PointPattern.parse("+/temperature").matches(PointId.parse("boiler/temperature")));
    assertFalse(PointPattern.parse("+/temperature").matches(PointId.parse("boiler/pressure")));
    assertTrue(PointPattern.parse("#").matches(PointId.parse("a/b")));
    assertThrows(IllegalArgumentException.class, () -> PointPattern.parse("tank/#/x"));
    assertThrows(IllegalArgumentException.class, () -> PointPattern.parse("tank/lev+"));
  }

  @Test
  void goodSampleNeedsValueAndBadQualityNeedsReason() {
    PointId id = PointId.parse("tank/level");
    assertThrows(
        IllegalArgumentException.class,
        () -> new PointSample(id, null, Quality.GOOD, java.time.Instant.EPOCH));
    assertThrows(IllegalArgumentException.class, () -> Quality.bad(" "));
    PointSample bad = new PointSample(id, null, Quality.bad("timeout"), java.time.Instant.EPOCH);
    assertEquals("BAD(timeout)", bad.quality().toString());
  }

  @Test
  void backoffGrowsAndCaps() {
    Backoff b = new Backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1), 2);
    assertEquals(100, b.nominalDelay(0).toMillis());
    assertEquals(400, b.nominalDelay(2).toMillis());
    assertEquals(1000, b.nominalDelay(10).toMillis());
    long d = b.delay(1).toMillis();
    assertTrue(d > 150 && d <= 200, "jittered delay " + d);
  }
}
