package io.edgerule.daemon.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Builds test rules from WebAssembly text with {@code wat2wasm} (Debian package {@code wabt}). */
public final class Wat {
  private Wat() {}

  /** Compiles {@code text} into {@code out} and returns {@code out}. */
  public static Path compile(String text, Path out) {
    try {
      Path src = out.resolveSibling(out.getFileName() + ".wat");
      Files.writeString(src, text, StandardCharsets.UTF_8);
      Process p;
      try {
        p =
            new ProcessBuilder("wat2wasm", src.toString(), "-o", out.toString())
                .redirectErrorStream(true)
                .start();
      } catch (IOException e) {
        fail("wat2wasm is needed to build the test rules: install the Debian package 'wabt'", e);
        throw new AssertionError(e);
      }
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail("wat2wasm failed:\n" + log + "\nsource:\n" + text);
      }
      return out;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("cannot run wat2wasm", e);
    }
  }

  /**
   * A rule that resolves {@code tank/out} in er_init into {@code $out}, with a 4 KiB batch buffer,
   * plus {@code body} (more imports first, then functions).
   */
  public static String rule(String imports, String body) {
    return "(module\n"
        + "(import \"gw\" \"point_id\" (func $point_id (param i32 i32) (result i32)))\n"
        + "(import \"gw\" \"write_i64\" (func $write_i64 (param i32 i64) (result i32)))\n"
        + imports
        + "\n(memory (export \"memory\") 1 4)\n"
        + "(global $out (mut i32) (i32.const -1))\n"
        + "(data (i32.const 0) \"tank/out\")\n"
        + "(func (export \"edgerule_abi_v1\"))\n"
        + "(func (export \"er_init\") (result i32)"
        + " (global.set $out (call $point_id (i32.const 0) (i32.const 8))) (i32.const 0))\n"
        + "(func (export \"er_buffer\") (param $n i32) (result i32)"
        + " (if (i32.gt_u (local.get $n) (i32.const 61440)) (then (return (i32.const 0))))"
        + " (i32.const 4096))\n"
        + body
        + "\n)";
  }

  /** er_on_events that writes every event's sequence number to tank/out, in order. */
  public static final String ECHO_SEQUENCES =
      "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
          + " (local $i i32)"
          + " (block $done (loop $next"
          + "   (br_if $done (i32.ge_u (local.get $i) (local.get $count)))"
          + "   (drop (call $write_i64 (global.get $out)"
          + "     (i64.load offset=24 (i32.add (local.get $ptr)"
          + "       (i32.mul (local.get $i) (i32.const 32))))))"
          + "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
          + "   (br $next)))"
          + " (i32.const 0))";
}
