package io.edgerule.adapter.opcua;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Device and point configs from hostile YAML values (endpoints that are not URLs, durations from
 * negative to ten billion years, node ids of every shape): a config that can be used, or an
 * IllegalArgumentException naming the field. A valid config's durations fit where they go (a UInt32
 * of milliseconds for the request timeout, milliseconds for the intervals).
 */
class OpcUaConfigFuzzTest {
  private static final long SEED = 0x5EED_2003L;
  private static final String[] ENDPOINTS = {
    null,
    "",
    "opc.tcp://10.0.0.5:4840",
    "opc.tcp://plc",
    "opc.tcp://[::1]:4840",
    "opc.tcp://host:99999",
    "opc.tcp://host_name:4840",
    "http://plc:4840",
    "opc.tcp://",
    "::",
    "opc.tcp://plc:4840/path?q#f",
    " opc.tcp://plc:4840 ",
    "opc.tcp://pl c:1",
    "OPC.TCP://PLC:1"
  };
  private static final Duration[] DURATIONS = {
    null,
    Duration.ZERO,
    Duration.ofNanos(1),
    Duration.ofMillis(9),
    Duration.ofMillis(10),
    Duration.ofMillis(100),
    Duration.ofSeconds(-1),
    Duration.ofDays(1),
    Duration.ofDays(60),
    Duration.ofSeconds(Long.MAX_VALUE),
    Duration.ofSeconds(Long.MIN_VALUE),
    Duration.ofMillis(0xFFFF_FFFFL),
    Duration.ofMillis(0x1_0000_0000L)
  };
  private static final String[] NODE_IDS = {
    null, "", "ns=2;s=Tank", "i=2258", "ns=70000;s=x", "ns=1;g=1-1-1-1-1", "nsu=;s=x", "s=温度"
  };
  private static final String[] NAMES = {null, "", "plc1", "a b", "tank/level", "+", "é"};

  private static <T> T pick(SplittableRandom r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  @Test
  void hostileValuesGiveAUsableConfigOrNameTheField() {
    SplittableRandom r = new SplittableRandom(SEED);
    int valid = 0;
    for (int n = 0; n < 5_000; n++) {
      List<OpcUaPointConfig> points = new ArrayList<>();
      String pointError = null;
      for (int i = r.nextInt(0, 3); i > 0; i--) {
        try {
          points.add(
              new OpcUaPointConfig(
                  r.nextBoolean() ? pick(r, NAMES) : "p" + i,
                  r.nextBoolean() ? pick(r, NODE_IDS) : "ns=2;s=Tank",
                  r.nextBoolean() ? null : ValueType.values()[r.nextInt(5)],
                  pick(r, DURATIONS),
                  r.nextBoolean() ? null : new int[] {-1, 0, 1, 10_000, 10_001}[r.nextInt(5)],
                  null,
                  r.nextBoolean()));
        } catch (IllegalArgumentException e) {
          pointError = e.getMessage();
          assertField(e, "point " + i);
        } catch (RuntimeException e) {
          fail("seed " + SEED + " case " + n + ": point: " + e, e);
        }
      }
      String endpoint = r.nextBoolean() ? pick(r, ENDPOINTS) : "opc.tcp://plc:4840";
      Duration publishing = r.nextBoolean() ? pick(r, DURATIONS) : null;
      Duration timeout = r.nextBoolean() ? pick(r, DURATIONS) : null;
      SecurityPolicyName policy =
          r.nextBoolean()
              ? null
              : SecurityPolicyName.values()[r.nextInt(SecurityPolicyName.values().length)];
      SecurityMode mode =
          r.nextBoolean() ? null : SecurityMode.values()[r.nextInt(SecurityMode.values().length)];
      String where =
          "seed %d case %d: endpoint %s policy %s mode %s publishing %s timeout %s (%s)"
              .formatted(SEED, n, endpoint, policy, mode, publishing, timeout, pointError);
      OpcUaDeviceConfig c;
      try {
        c =
            new OpcUaDeviceConfig(
                r.nextBoolean() ? pick(r, NAMES) : "plc1",
                endpoint,
                policy,
                mode,
                null,
                publishing,
                timeout,
                null,
                points);
      } catch (IllegalArgumentException e) {
        assertField(e, where);
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      valid++;
      assertTrue(c.port() >= 0 && c.port() <= 65535, where);
      assertNotNull(c.host(), where);
      assertTrue(c.publishingInterval().toMillis() >= 10, where);
      long timeoutMillis = c.requestTimeout().toMillis();
      assertTrue(timeoutMillis >= 100 && timeoutMillis <= 0xFFFF_FFFFL, where);
      for (OpcUaPointConfig p : c.points()) {
        if (p.samplingInterval() != null) {
          assertTrue(p.samplingInterval().toMillis() >= 0, where);
        }
      }
    }
    assertTrue(valid > 50, "too few valid configs (" + valid + "): the generator is off");
  }

  /** "field: what is wrong", e.g. "request_timeout: must be at least 100ms, got 9ms". */
  private static void assertField(IllegalArgumentException e, String where) {
    String m = e.getMessage();
    assertNotNull(m, where);
    assertFalse(m.isBlank(), where);
    assertTrue(m.matches("(?s)[a-z_]+(\\[\\d+\\])?(\\.[a-z_]+)?: .+"), where + ": " + m);
  }
}
