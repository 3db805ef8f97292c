package io.edgerule.sandbox;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a tiny built-in rule through the whole engine once per JVM, so that loading Chicory's
 * parser, compiler and runtime classes (hundreds of milliseconds on a cold JVM) is paid at start-up
 * and never counted against the first real rule's init deadline or batch deadline.
 */
final class Warmup {
  private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
  private static final AtomicBoolean DONE = new AtomicBoolean();

  /**
   * wat2wasm of:
   *
   * <pre>
   * (module
   *   (import "gw" "now_ms" (func $now (result i64)))
   *   (import "gw" "log" (func $log (param i32 i32 i32)))
   *   (memory (export "memory") 1 1)
   *   (data (i32.const 0) "w")
   *   (func (export "edgerule_abi_v1"))
   *   (func (export "er_init") (result i32) (drop (call $now)) (i32.const 0))
   *   (func (export "er_buffer") (param i32) (result i32) (i32.const 1024))
   *   (func (export "er_on_events") (param $p i32) (param $n i32) (result i32)
   *     (loop $l (if (local.get $n) (then (local.set $n (i32.sub (local.get $n) (i32.const 1)))
   *       (br $l))))
   *     (call $log (i32.const 2) (i32.const 0) (i32.const 1))
   *     (i32.const 0)))
   * </pre>
   */
  private static final byte[] MODULE =
      HexFormat.of()
          .parseHex(
              "0061736d01000000011d066000017e60037f7f7f006000006000017f60017f017f60027f7f017f0216"
                  + "02026777066e6f775f6d730000026777036c6f67000103050402030405050401010101074105066d"
                  + "656d6f727902000f6564676572756c655f6162695f763100020765725f696e697400030965725f62"
                  + "756666657200040c65725f6f6e5f6576656e747300050a300402000b070010001a41000b05004180"
                  + "080b1d00034020010440200141016b21010c010b0b410241004101100141000b0b07010041000b01"
                  + "77");

  private Warmup() {}

  static void once(RuleEngine engine) {
    if (!DONE.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    RuleManifest manifest =
        RuleManifest.parse(
            "name: warmup\ninputs: ['#']\nlimits: {deadline: 10s, init_deadline: 10s}\n",
            "(built-in warm-up rule)");
    try {
      Rule rule = engine.loadUncapped("warmup", MODULE, manifest);
      Instant t = Instant.EPOCH;
      PointId point = new PointId("warmup", "x");
      RuleOutcome out =
          engine.evaluate(
              rule,
              List.of(
                  new PointEvent(point, PointValue.of(1.0), Quality.GOOD, t, t, 0),
                  new PointEvent(point, PointValue.of("w"), Quality.GOOD, t, t, 1)));
      engine.unload(rule);
      if (!(out instanceof RuleOutcome.Committed)) {
        LOG.warn("rule engine warm-up did not commit: {}", out);
      }
    } catch (RuntimeException e) {
      LOG.warn("rule engine warm-up failed (rules still run, the first load is slower)", e);
    }
    LOG.debug("rule engine warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
  }
}
