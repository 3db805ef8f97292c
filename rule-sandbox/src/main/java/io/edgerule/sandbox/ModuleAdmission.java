package io.edgerule.sandbox;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.edgerule.sandbox.internal.CompiledModules;
import io.edgerule.sandbox.internal.ModuleCost;
import io.edgerule.sandbox.internal.ModuleValidator;
import io.edgerule.sandbox.internal.WasmPrescan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What stands between a module's bytes and a compiled module a rule can run: the size limit, the
 * framing prescan, the heap its instances and its compilation would take (judged before anything is
 * parsed), parsing, the checks against its manifest and limits, and compilation (or the cache).
 * Every refusal is a {@link RuleLoadException} naming the limit or what is malformed; the engine
 * and the rules already loaded are untouched by it.
 */
final class ModuleAdmission {
  /**
   * An admitted module.
   *
   * @param tableHeap the heap left for its tables once the rest of an instance is counted
   */
  record Admitted(
      CompiledModules.Entry entry,
      ModuleValidator.Checked checked,
      String digest,
      long tableHeap) {}

  private ModuleAdmission() {}

  /**
   * Reads a module file for {@link RuleEngine#load(String, Path, RuleManifest)}; errors name it.
   */
  static byte[] read(String name, Path wasmFile, int limit) {
    byte[] wasm;
    // Read at most one byte past the limit: the path may name a multi-gigabyte file (readAllBytes
    // throws OutOfMemoryError above 2 GiB) or a device that never ends.
    try (InputStream in = Files.newInputStream(wasmFile)) {
      wasm = in.readNBytes(Math.min(limit, Integer.MAX_VALUE - 16) + 1);
    } catch (IOException e) {
      throw new RuleLoadException(
          name,
          wasmFile.toString(),
          "cannot read the module: " + e.getClass().getSimpleName() + " " + e.getMessage());
    }
    if (wasm.length > limit) {
      throw new RuleLoadException(
          name,
          wasmFile.toString(),
          "the module is "
              + fileSize(wasmFile, limit)
              + " bytes; the limit is "
              + limit
              + " (limits.max_module_bytes)");
    }
    return wasm;
  }

  /** The file's size for a message, or "more than {@code limit}" if it has none (a device). */
  private static String fileSize(Path file, int limit) {
    try {
      long size = Files.size(file);
      return size > limit ? Long.toString(size) : "more than " + limit;
    } catch (IOException e) {
      return "more than " + limit;
    }
  }

  /** Checks, parses and compiles (or takes from {@code compiled}) a rule's module. */
  static Admitted admit(
      CompiledModules compiled,
      String name,
      byte[] wasm,
      String source,
      RuleManifest manifest,
      RuleLimits limits) {
    if (wasm.length > limits.maxModuleBytes()) {
      throw new RuleLoadException(
          name,
          source,
          "the module is "
              + wasm.length
              + " bytes; the limit is "
              + limits.maxModuleBytes()
              + " (limits.max_module_bytes)");
    }
    String framing = WasmPrescan.problem(wasm);
    if (framing != null) {
      throw new RuleLoadException(name, source, framing);
    }
    // Before anything is parsed: what loading and running the module would cost the heap.
    ModuleCost cost = ModuleCost.of(wasm);
    long heapLimit = limits.heapBytes();
    long retained = cost.retainedBytes(limits.memoryPages());
    if (retained > heapLimit) {
      throw new RuleLoadException(
          name,
          source,
          "an instance would keep "
              + mib(retained)
              + " of heap (linear memory at its cap of "
              + limits.memoryPages()
              + " pages, "
              + cost.describe()
              + "); the limit is "
              + mib(heapLimit)
              + " (limits.heap_bytes)");
    }
    String digest = CompiledModules.digest(wasm);
    CompiledModules.Entry cached = compiled.lookup(digest);
    long compileLimit = limits.compileHeapBytes();
    if (cached == null && cost.loadBytes() > compileLimit) {
      throw new RuleLoadException(
          name,
          source,
          "parsing and compiling it would take up to "
              + mib(cost.loadBytes())
              + " of heap ("
              + cost.describe()
              + "); the limit is "
              + mib(compileLimit)
              + " (limits.compile_heap_bytes)");
    }
    WasmModule module = cached != null ? cached.module() : parse(name, source, wasm);

    ModuleValidator.Checked checked;
    try {
      checked = ModuleValidator.check(module, manifest, limits);
    } catch (ModuleValidator.Invalid e) {
      throw new RuleLoadException(name, source, e.getMessage());
    } catch (RuntimeException e) {
      // Chicory's parser leaves some indices unchecked (its validator runs at instantiation):
      // whatever the checks trip over is still a malformed module, not a crash of the load.
      throw new RuleLoadException(name, source, "malformed module: " + describe(e), e);
    }

    CompiledModules.Entry entry;
    try {
      entry = cached != null ? cached : compiled.compile(digest, module);
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      // The compiler can fail on a module the parser accepted: a VerifyError or ClassFormatError
      // from loading its generated classes, an assertion, a method too large. The module is
      // refused; the engine and the rules already loaded are untouched.
      throw new RuleLoadException(name, source, "cannot compile the module: " + describe(e), e);
    } catch (OutOfMemoryError e) {
      // The estimate above keeps a module from getting here; the heap may be short for other
      // reasons. The rule is refused, not the gateway.
      throw new RuleLoadException(
          name, source, "cannot compile the module: the JVM ran out of heap memory", e);
    }
    return new Admitted(entry, checked, digest, heapLimit - retained);
  }

  private static WasmModule parse(String name, String source, byte[] wasm) {
    try {
      return Parser.parse(wasm);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      // Chicory's parser meets some malformed control flow with an assert (an AssertionError
      // when assertions are on), and deep nesting with recursion: all mean a malformed module.
      throw new RuleLoadException(name, source, "malformed module: " + describe(e), e);
    } catch (OutOfMemoryError e) {
      // A length field Chicory trusts for an allocation ("Requested array size exceeds VM
      // limit"); WasmPrescan refuses the usual ones before they get here.
      throw new RuleLoadException(
          name, source, "malformed module: a length field is too large to allocate", e);
    }
  }

  private static String mib(long bytes) {
    return bytes >= 10 << 20
        ? (bytes >> 20) + " MiB"
        : String.format("%.1f MiB", bytes / 1048576.0);
  }

  /** An exception's message for a load error; never empty (some are thrown without one). */
  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : message.lines().findFirst().orElse(message);
  }
}
