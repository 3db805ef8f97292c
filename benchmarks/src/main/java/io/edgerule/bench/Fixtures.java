package io.edgerule.bench;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.sandbox.RuleLimit;
import io.edgerule.sandbox.RuleLimits;
import io.edgerule.sandbox.RuleManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The reference module and a repeatable stream of temperatures that cross the thresholds. */
final class Fixtures {
  static final PointId TEMPERATURE = PointId.parse("tank/temperature");
  static final int RING = 4096;

  private Fixtures() {}

  static byte[] referenceWasm() {
    try (InputStream in = Fixtures.class.getResourceAsStream("/avg_alarm.wasm")) {
      if (in == null) {
        throw new IllegalStateException("avg_alarm.wasm is not on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The gateway's ceiling for the benchmarks: the defaults, but an action rate no benchmark loop
   * reaches (the default 1000/s would fail batches; the token bucket is still checked).
   */
  static RuleLimits hostCaps() {
    return RuleLimits.defaults().with(RuleLimit.ACTIONS_PER_SECOND, 100_000_000);
  }

  static RuleManifest referenceManifest() {
    return RuleManifest.parse(
        "name: avg_alarm\n"
            + "inputs: [tank/temperature]\n"
            + "alarms: [overtemp]\n"
            + "limits: {memory_pages: 4, actions_per_second: 100000000}\n",
        "avg_alarm.yaml");
  }

  private static final double[] TEMPERATURES = new double[RING];

  static {
    // A slow 60..95 wave, so the alarm is raised and cleared now and then.
    for (int i = 0; i < RING; i++) {
      TEMPERATURES[i] = 77.5 + 17.5 * Math.sin(i * (2 * Math.PI / 256));
    }
  }

  /** The temperature of a step (precomputed: the benchmarks measure rules, not Math.sin). */
  static double temperature(int step) {
    return TEMPERATURES[step & (RING - 1)];
  }

  static List<PointEvent> events() {
    Instant t0 = Instant.parse("2026-11-21T10:00:00Z");
    List<PointEvent> events = new ArrayList<>(RING);
    for (int i = 0; i < RING; i++) {
      Instant t = t0.plusMillis(100L * i);
      events.add(
          new PointEvent(TEMPERATURE, PointValue.of(temperature(i)), Quality.GOOD, t, t, i + 1));
    }
    return events;
  }

  /** A copy of a module that compiles to the same code but has a different SHA-256. */
  static byte[] distinct(byte[] wasm, long n) {
    // Appends a custom section (id 0) named "n" holding 8 bytes: ignored by every runtime.
    byte[] out = new byte[wasm.length + 12];
    System.arraycopy(wasm, 0, out, 0, wasm.length);
    int at = wasm.length;
    out[at++] = 0; // custom section
    out[at++] = 10; // size: 1 (name length) + 1 (name) + 8
    out[at++] = 1;
    out[at++] = 'n';
    for (int i = 0; i < 8; i++) {
      out[at++] = (byte) (n >>> (8 * i));
    }
    return out;
  }
}
