package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Coordinator configs from hostile YAML values (ports that are not URLs, hex that is not hex, an
 * empty device key, huge durations): a config whose values are normalised, or an
 * IllegalArgumentException that starts with the field it is about.
 */
class ZigbeeCoordinatorConfigFuzzTest {
  private static final long SEED = 0x5EED_1007L;
  private static final String[] PORTS = {
    null,
    "",
    " ",
    "/dev/ttyUSB0",
    "tcp://192.168.1.20:6638",
    "tcp://gateway",
    "tcp://[::1:6638",
    "tcp:",
    "tcp://h:0",
    "tcp://h:99999",
    "COM3"
  };
  private static final String[] HEX = {
    null,
    "",
    "generate",
    "GENERATE",
    "1a2b",
    "0x1A2B",
    "zz",
    "4000",
    "0013a20040522baa",
    "00:13:a2:00:40:52:2b:aa",
    "1".repeat(32),
    "é"
  };
  private static final String[] KEYS = {
    null, "", "0x", "00124b0001abcd01", "00:12:4B:00:01:AB:CD:01", "00124b0001abcd01ff", "xyz", "1"
  };
  private static final Duration[] DURATIONS = {
    null,
    Duration.ZERO,
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(65534),
    Duration.ofSeconds(65535),
    Duration.ofSeconds(-1),
    Duration.ofSeconds(Long.MAX_VALUE)
  };

  private static <T> T pick(SplittableRandom r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  @Test
  void hostileValuesGiveANormalisedConfigOrNameTheField() {
    SplittableRandom r = new SplittableRandom(SEED);
    int valid = 0;
    for (int n = 0; n < 5_000; n++) {
      Map<String, String> devices = new HashMap<>();
      for (int i = r.nextInt(0, 3); i > 0; i--) {
        devices.put(
            pick(r, KEYS),
            r.nextInt(4) == 0 ? pick(r, new String[] {null, "", "a b", "zigbee"}) : "dev" + i);
      }
      String where = "seed " + SEED + " case " + n + ": devices " + devices;
      ZigbeeCoordinatorConfig c;
      try {
        c =
            new ZigbeeCoordinatorConfig(
                r.nextInt(8) == 0 ? pick(r, new String[] {null, "", "a/b", "+"}) : "zigbee",
                r.nextBoolean() ? pick(r, PORTS) : "/dev/ttyUSB0",
                r.nextBoolean() ? null : new Integer[] {-1, 0, 9600, 115200}[r.nextInt(4)],
                null,
                null,
                r.nextBoolean() ? null : new Integer[] {-1, 10, 11, 26, 27}[r.nextInt(5)],
                r.nextBoolean() ? null : pick(r, HEX),
                r.nextBoolean() ? null : pick(r, HEX),
                r.nextBoolean() ? null : pick(r, HEX),
                r.nextBoolean() ? null : pick(r, DURATIONS),
                devices,
                r.nextBoolean() ? null : pick(r, DURATIONS),
                r.nextBoolean() ? null : pick(r, DURATIONS),
                r.nextBoolean() ? null : pick(r, DURATIONS),
                r.nextBoolean() ? null : pick(r, DURATIONS));
      } catch (IllegalArgumentException e) {
        String m = e.getMessage();
        assertNotNull(m, where);
        assertTrue(m.matches("(?s)[a-z_]+(\\..*)?: .+"), where + ": " + m);
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      valid++;
      for (String key : c.devices().keySet()) {
        assertTrue(key.matches("[0-9a-f]{16}"), where + ": key " + key);
      }
      assertFalse(c.port().isBlank(), where);
      if (c.isTcp()) {
        assertNotNull(ZigbeeCoordinatorConfig.tcpAddress(c.port()), where);
      }
      assertTrue(c.commandTimeout().toMillis() > 0, where + ": the timeout is waited in ms");
    }
    assertTrue(valid > 50, "too few valid configs (" + valid + "): the generator is off");
  }
}
