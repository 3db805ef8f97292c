package io.edgerule.daemon.hostile;

/** WebAssembly text of the hostile and well-behaved rules these tests run side by side. */
final class HostileWat {
  private HostileWat() {}

  /**
   * A module with {@code imports}, one page of memory (4 KiB batch buffer at 4096) and {@code
   * body}.
   */
  static String module(String imports, String data, String body) {
    return "(module\n"
        + imports
        + "\n(memory (export \"memory\") 1 4)\n"
        + data
        + "\n(func (export \"edgerule_abi_v1\"))\n"
        + "(func (export \"er_init\") (result i32) (i32.const 0))\n"
        + "(func (export \"er_buffer\") (param $n i32) (result i32)"
        + " (if (i32.gt_u (local.get $n) (i32.const 61440)) (then (return (i32.const 0))))"
        + " (i32.const 4096))\n"
        + body
        + "\n)";
  }

  static final String ALARM_IMPORTS =
      "(import \"gw\" \"alarm_raise\" (func $raise (param i32 i32 i32 i32 i32) (result i32)))\n"
          + "(import \"gw\" \"alarm_clear\" (func $clear (param i32 i32) (result i32)))\n"
          + "(import \"gw\" \"log\" (func $log (param i32 i32 i32)))\n";

  /**
   * Every batch raises {@code names} new alarm names (8 letters from a counter, never the same
   * twice) and writes {@code logs} log lines.
   */
  static String alarmFlood(int names, int logs) {
    return module(
        ALARM_IMPORTS + "(global $n (mut i32) (i32.const 0))\n",
        "(data (i32.const 100) \"flood\")",
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (local $i i32) (local $k i32)"
            + " (block $done (loop $next"
            + "   (br_if $done (i32.ge_u (local.get $i) (i32.const "
            + names
            + ")))"
            + "   (local.set $k (i32.const 0))"
            + "   (block $nd (loop $nl"
            + "     (br_if $nd (i32.ge_u (local.get $k) (i32.const 8)))"
            + "     (i32.store8 (i32.add (i32.const 64) (local.get $k))"
            + "       (i32.add (i32.const 97) (i32.and (i32.shr_u (global.get $n)"
            + "         (i32.mul (local.get $k) (i32.const 4))) (i32.const 15))))"
            + "     (local.set $k (i32.add (local.get $k) (i32.const 1)))"
            + "     (br $nl)))"
            + "   (drop (call $raise (i32.const 64) (i32.const 8) (i32.const 1)"
            + "     (i32.const 100) (i32.const 5)))"
            + "   (global.set $n (i32.add (global.get $n) (i32.const 1)))"
            + "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
            + "   (br $next)))"
            + " (local.set $i (i32.const 0))"
            + " (block $ld (loop $ll"
            + "   (br_if $ld (i32.ge_u (local.get $i) (i32.const "
            + logs
            + ")))"
            + "   (call $log (i32.const 2) (i32.const 100) (i32.const 5))"
            + "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
            + "   (br $ll)))"
            + " (i32.const 0))");
  }

  /** For every event: raises alarm {@code high} when the value is at least 100, else clears it. */
  static final String GUARD =
      module(
          ALARM_IMPORTS,
          "(data (i32.const 0) \"high\") (data (i32.const 8) \"hot\")",
          "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
              + " (local $i i32) (local $p i32)"
              + " (block $done (loop $next"
              + "   (br_if $done (i32.ge_u (local.get $i) (local.get $count)))"
              + "   (local.set $p (i32.add (local.get $ptr) (i32.mul (local.get $i) (i32.const 32))))"
              + "   (if (f64.ge (f64.load offset=8 (local.get $p)) (f64.const 100))"
              + "     (then (drop (call $raise (i32.const 0) (i32.const 4) (i32.const 2)"
              + "       (i32.const 8) (i32.const 3))))"
              + "     (else (drop (call $clear (i32.const 0) (i32.const 4)))))"
              + "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
              + "   (br $next)))"
              + " (i32.const 0))");

  /**
   * Every batch spins {@code iterations} rounds of a 64-bit LCG (no host call, one back edge per
   * round, so inside its deadline it is never interrupted) and returns normally.
   */
  static String spinner(long iterations) {
    return module(
        "(global $sink (mut i64) (i64.const 0))\n",
        "",
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (local $i i64) (local $x i64)"
            + " (local.set $x (global.get $sink))"
            + " (block $done (loop $next"
            + "   (br_if $done (i64.ge_u (local.get $i) (i64.const "
            + iterations
            + ")))"
            + "   (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005))"
            + "     (i64.const 1442695040888963407)))"
            + "   (local.set $i (i64.add (local.get $i) (i64.const 1)))"
            + "   (br $next)))"
            + " (global.set $sink (local.get $x))"
            + " (i32.const 0))");
  }

  static final String PUBLISH_IMPORTS =
      "(import \"gw\" \"topic_id\" (func $topic_id (param i32 i32) (result i32)))\n"
          + "(import \"gw\" \"publish\" (func $publish (param i32 i32 i32 i32) (result i32)))\n"
          + "(global $t (mut i32) (i32.const -1))\n";

  /** A rule that resolves the topic named at address 0 ({@code length} bytes) in er_init. */
  private static String publisher(String topic, String body) {
    return module(PUBLISH_IMPORTS, "(data (i32.const 0) \"" + topic + "\")", body)
        .replace(
            "(func (export \"er_init\") (result i32) (i32.const 0))",
            "(func (export \"er_init\") (result i32)"
                + " (global.set $t (call $topic_id (i32.const 0) (i32.const "
                + topic.length()
                + "))) (i32.const 0))");
  }

  /** Publishes every event's sequence number (8 bytes, little-endian) to {@code seq}, QoS 1. */
  static final String TALKER =
      publisher(
          "seq",
          "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
              + " (local $i i32)"
              + " (block $done (loop $next"
              + "   (br_if $done (i32.ge_u (local.get $i) (local.get $count)))"
              + "   (i64.store (i32.const 256) (i64.load offset=24 (i32.add (local.get $ptr)"
              + "     (i32.mul (local.get $i) (i32.const 32)))))"
              + "   (drop (call $publish (global.get $t) (i32.const 256) (i32.const 8) (i32.const 1)))"
              + "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
              + "   (br $next)))"
              + " (i32.const 0))");

  /** Every batch publishes {@code n} messages to {@code spam} (QoS 0). */
  static String blaster(int n) {
    return publisher(
        "spam",
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (local $i i32)"
            + " (block $done (loop $next"
            + "   (br_if $done (i32.ge_u (local.get $i) (i32.const "
            + n
            + ")))"
            + "   (i32.store (i32.const 256) (local.get $i))"
            + "   (drop (call $publish (global.get $t) (i32.const 256) (i32.const 8) (i32.const 0)))"
            + "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
            + "   (br $next)))"
            + " (i32.const 0))");
  }
}
