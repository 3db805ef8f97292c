package io.edgerule.sandbox;

import static io.edgerule.sandbox.Wat.BUFFER;
import static io.edgerule.sandbox.Wat.MARKER;
import static io.edgerule.sandbox.Wat.MEMORY;

/**
 * WAT rules for the state, swap and shadow tests. Every one resolves {@code tank/out} in er_init
 * and reports a number there with gw.write_i64.
 */
final class StatefulRules {
  private StatefulRules() {}

  static final String STATE_IMPORTS =
      "(import \"gw\" \"state_get\" (func $sget (param i32 i32 i32 i32) (result i32)))\n"
          + "(import \"gw\" \"state_put\" (func $sput (param i32 i32 i32 i32) (result i32)))";

  static final String REPORTER =
      "(import \"gw\" \"point_id\" (func $point_id (param i32 i32) (result i32)))\n"
          + "(import \"gw\" \"write_i64\" (func $write_i64 (param i32 i64) (result i32)))\n"
          + "(global $out (mut i32) (i32.const -1))\n"
          + "(data (i32.const 0) \"tank/out\")\n"
          + "(data (i32.const 16) \"n\")\n"
          + "(func (export \"er_init\") (result i32)"
          + " (global.set $out (call $point_id (i32.const 0) (i32.const 8))) (i32.const 0))";

  /**
   * Adds {@code step} per event to the persistent counter "n" and reports it; traps (after its
   * state_put) when the batch's first value is above 100, so the put must be discarded.
   */
  static byte[] counter(int step) {
    return Wat.module(
        MARKER,
        MEMORY,
        BUFFER,
        STATE_IMPORTS,
        REPORTER,
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (if (i32.ne (call $sget (i32.const 16) (i32.const 1) (i32.const 32) (i32.const 8))"
            + "             (i32.const 8))"
            + "   (then (i64.store (i32.const 32) (i64.const 0))))"
            + " (i64.store (i32.const 32) (i64.add (i64.load (i32.const 32))"
            + "   (i64.mul (i64.const "
            + step
            + ") (i64.extend_i32_u (local.get $count)))))"
            + " (drop (call $sput (i32.const 16) (i32.const 1) (i32.const 32) (i32.const 8)))"
            + " (if (f64.gt (f64.load offset=8 (local.get $ptr)) (f64.const 100))"
            + "   (then unreachable))"
            + " (drop (call $write_i64 (global.get $out) (i64.load (i32.const 32))))"
            + " (i32.const 0))");
  }

  /** Writes the sequence number of every event it sees to tank/out, in order. */
  static byte[] echo(String variant) {
    return Wat.module(
        MARKER,
        MEMORY,
        BUFFER,
        REPORTER,
        "(func (export \"" + variant + "\"))", // makes each version a different module
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (local $i i32)"
            + " (block $done (loop $next"
            + "   (br_if $done (i32.ge_u (local.get $i) (local.get $count)))"
            + "   (drop (call $write_i64 (global.get $out)"
            + "     (i64.load offset=24 (i32.add (local.get $ptr)"
            + "       (i32.mul (local.get $i) (i32.const 32))))))"
            + "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
            + "   (br $next)))"
            + " (i32.const 0))");
  }

  /** Reports 1 when the batch's first value is above {@code threshold}, else 0. */
  static byte[] threshold(double threshold) {
    return Wat.module(
        MARKER,
        MEMORY,
        BUFFER,
        REPORTER,
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (drop (call $write_i64 (global.get $out)"
            + "   (i64.extend_i32_u (f64.gt (f64.load offset=8 (local.get $ptr)) (f64.const "
            + threshold
            + ")))))"
            + " (i32.const 0))");
  }

  static RuleManifest manifest(String name, String... limits) {
    return EngineFixture.named(
        name,
        "writable_points: [tank/out]",
        "limits: {"
            + String.join(", ", limits)
            + (limits.length == 0 ? "" : ", ")
            + "deadline: 1s}");
  }
}
