package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Builds test modules from WebAssembly text at test time with {@code wat2wasm} (Debian package
 * {@code wabt}), so every hostile module in the tests is readable source, never an opaque binary.
 */
final class Wat {
  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  /** The ABI boilerplate most test rules share; tests override pieces. */
  static final String MARKER = "(func (export \"edgerule_abi_v1\"))";

  static final String MEMORY = "(memory (export \"memory\") 1 4)";
  static final String INIT_OK = "(func (export \"er_init\") (result i32) (i32.const 0))";

  /** Batches go to 4096..65535 of page 0 (enough for ~1900 records). */
  static final String BUFFER =
      "(func (export \"er_buffer\") (param $n i32) (result i32)"
          + " (if (i32.gt_u (local.get $n) (i32.const 61440)) (then (return (i32.const 0))))"
          + " (i32.const 4096))";

  static final String EVENTS_OK =
      "(func (export \"er_on_events\") (param i32 i32) (result i32) (i32.const 0))";

  private Wat() {}

  /** A module from its fields: {@code Wat.module(MARKER, MEMORY, ...)}; imports go first. */
  static byte[] module(String... fields) {
    List<String> ordered = new ArrayList<>();
    for (String f : fields) {
      if (f.startsWith("(import")) {
        ordered.add(f);
      }
    }
    for (String f : fields) {
      if (!f.startsWith("(import")) {
        ordered.add(f);
      }
    }
    return compile("(module\n  " + String.join("\n  ", ordered) + "\n)");
  }

  /** A rule with the standard marker, memory, init and buffer, plus the given fields. */
  static byte[] rule(String... fields) {
    String[] all = new String[fields.length + 4];
    all[0] = MARKER;
    all[1] = MEMORY;
    all[2] = INIT_OK;
    all[3] = BUFFER;
    System.arraycopy(fields, 0, all, 4, fields.length);
    return module(all);
  }

  static byte[] compile(String text) {
    return CACHE.computeIfAbsent(text, t -> run(t, List.of())).clone();
  }

  /** With wat2wasm feature flags, e.g. {@code --enable-threads}. */
  static byte[] compile(String text, String... flags) {
    return CACHE
        .computeIfAbsent(String.join(" ", flags) + "\n" + text, t -> run(text, List.of(flags)))
        .clone();
  }

  private static byte[] run(String text, List<String> flags) {
    try {
      Path dir = Files.createTempDirectory("wat");
      Path src = dir.resolve("m.wat");
      Path out = dir.resolve("m.wasm");
      Files.writeString(src, text, StandardCharsets.UTF_8);
      Process p;
      try {
        List<String> command =
            new ArrayList<>(List.of("wat2wasm", src.toString(), "-o", out.toString()));
        command.addAll(flags);
        p = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        fail("wat2wasm is needed to build the test modules: install the Debian package 'wabt'", e);
        throw new AssertionError(e);
      }
      String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail("wat2wasm failed:\n" + log + "\nsource:\n" + text);
      }
      byte[] wasm = Files.readAllBytes(out);
      Files.delete(src);
      Files.delete(out);
      Files.delete(dir);
      return wasm;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("cannot run wat2wasm", e);
    }
  }
}
