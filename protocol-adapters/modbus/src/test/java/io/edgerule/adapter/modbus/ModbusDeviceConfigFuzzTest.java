package io.edgerule.adapter.modbus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Modbus TCP devices, RTU buses and slaves from hostile YAML values (durations from negative to ten
 * billion years, ports and unit ids out of range, point lists with holes and twins): a config whose
 * numbers fit where the adapter puts them (nanoTime sums, int milliseconds), or an
 * IllegalArgumentException that names the device or bus.
 */
class ModbusDeviceConfigFuzzTest {
  private static final long SEED = 0x5EED_0006L;
  private static final Duration[] DURATIONS = {
    null,
    Duration.ZERO,
    Duration.ofNanos(1),
    Duration.ofMillis(10),
    Duration.ofSeconds(1),
    Duration.ofMinutes(2),
    Duration.ofDays(30),
    Duration.ofDays(366),
    Duration.ofSeconds(-1),
    Duration.ofSeconds(Long.MAX_VALUE)
  };
  private static final Integer[] INTS = {
    null, Integer.MIN_VALUE, -1, 0, 1, 8, 125, 126, 247, 255, 256, 2000, 65535, 65536
  };
  private static final String[] PORTS = {
    null, "", "/dev/ttyUSB0", "tcp://10.0.0.9:4001", "tcp://gateway", "tcp://[::1]:1", "tcp://h:0"
  };

  private static <T> T pick(SplittableRandom r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  private static List<ModbusPointConfig> points(SplittableRandom r) {
    List<ModbusPointConfig> points = new ArrayList<>();
    for (int i = r.nextInt(0, 4); i > 0; i--) {
      points.add(
          r.nextInt(10) == 0
              ? null
              : ModbusPointConfig.of(
                  r.nextInt(5) == 0 ? "twin" : r.nextInt(8) == 0 ? "a b" : "p" + i,
                  ModbusTable.HOLDING_REGISTER,
                  r.nextInt(0x10000 - 4),
                  ModbusDataType.values()[2 + r.nextInt(ModbusDataType.values().length - 2)]));
    }
    return points;
  }

  private static void assertNamed(IllegalArgumentException e, String where) {
    String m = e.getMessage();
    assertNotNull(m, where);
    assertFalse(m.isBlank(), where);
    // "field: problem", so that the config loader can point at the field's line
    assertTrue(m.matches("(?s)[a-z_]+(\\[\\d+\\])?(\\.[a-z_]+)?: .+"), where + ": " + m);
  }

  private static void assertUsable(Duration poll, Duration integrity, String where) {
    long now = System.nanoTime();
    long next = now + poll.toNanos() + integrity.toNanos();
    assertTrue(next - now > 0, where + ": nanoTime arithmetic wraps");
  }

  @Test
  void tcpDevicesAreUsableOrRefusedByName() {
    SplittableRandom r = new SplittableRandom(SEED);
    int valid = 0;
    for (int n = 0; n < 5_000; n++) {
      Duration poll = pick(r, DURATIONS);
      Duration timeout = pick(r, DURATIONS);
      Duration integrity = pick(r, DURATIONS);
      String where =
          "seed %d case %d: poll %s timeout %s integrity %s"
              .formatted(SEED, n, poll, timeout, integrity);
      ModbusTcpDeviceConfig c;
      try {
        c =
            new ModbusTcpDeviceConfig(
                r.nextInt(6) == 0 ? "" : "plc",
                r.nextInt(6) == 0 ? " " : "10.0.0.5",
                r.nextBoolean() ? null : pick(r, INTS),
                r.nextBoolean() ? null : pick(r, INTS),
                poll,
                timeout,
                r.nextBoolean() ? null : pick(r, INTS),
                null,
                r.nextBoolean() ? null : pick(r, INTS),
                r.nextBoolean() ? null : pick(r, INTS),
                r.nextBoolean() ? null : pick(r, INTS),
                r.nextBoolean() ? null : pick(r, INTS),
                integrity,
                points(r));
      } catch (IllegalArgumentException e) {
        assertNamed(e, where);
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      valid++;
      assertUsable(c.pollInterval(), c.integrityInterval(), where);
      assertTrue(c.timeout().toMillis() <= Integer.MAX_VALUE, where + ": an int of millis");
      assertTrue(c.port() >= 1 && c.port() <= 65535 && c.unitId() >= 0 && c.unitId() <= 255, where);
    }
    assertTrue(valid > 20, "too few valid devices (" + valid + "): the generator is off");
  }

  @Test
  void rtuBusesAndSlavesAreUsableOrRefusedByName() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    int valid = 0;
    for (int n = 0; n < 5_000; n++) {
      String where = "seed " + (SEED + 1) + " case " + n;
      ModbusRtuBusConfig bus;
      try {
        bus =
            new ModbusRtuBusConfig(
                r.nextInt(4) == 0 ? pick(r, PORTS) : "/dev/ttyUSB0",
                r.nextBoolean() ? null : new Integer[] {0, 299, 300, 9600, 4_000_001}[r.nextInt(5)],
                r.nextBoolean() ? null : pick(r, INTS),
                r.nextBoolean() ? null : Parity.values()[r.nextInt(Parity.values().length)],
                r.nextBoolean() ? null : pick(r, INTS),
                r.nextBoolean() ? null : pick(r, DURATIONS),
                r.nextBoolean() ? null : pick(r, DURATIONS),
                null,
                r.nextBoolean(),
                r.nextBoolean());
      } catch (IllegalArgumentException e) {
        assertNamed(e, where);
        continue;
      } catch (RuntimeException e) {
        fail(where + ": bus: " + e, e);
        return;
      }
      Duration poll = pick(r, DURATIONS);
      Duration integrity = pick(r, DURATIONS);
      ModbusRtuDeviceConfig c;
      try {
        c =
            new ModbusRtuDeviceConfig(
                "slave",
                bus,
                r.nextBoolean() ? null : pick(r, INTS),
                poll,
                r.nextBoolean() ? null : pick(r, INTS),
                null,
                null,
                r.nextBoolean() ? null : pick(r, INTS),
                null,
                integrity,
                points(r));
      } catch (IllegalArgumentException e) {
        assertNamed(e, where + " poll " + poll + " integrity " + integrity);
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      valid++;
      assertUsable(c.pollInterval(), c.integrityInterval(), where);
      assertTrue(bus.timeout().toNanos() > 0, where);
    }
    assertTrue(valid > 20, "too few valid slaves (" + valid + "): the generator is off");
  }
}
