package io.edgerule.sandbox.internal;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.MachineFactory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Compiled modules by the SHA-256 of their bytes: a module is parsed and compiled to JVM bytecode
 * once, however many rules (or hot-swap generations) run it. An entry lives while a loaded rule
 * uses it.
 */
public final class CompiledModules {

  /** A parsed module and its compiled machine factory (they must be used together). */
  public static final class Entry {
    private final String digest;
    private final WasmModule module;
    private final Function<Instance, Machine> machines;
    private final AtomicInteger users = new AtomicInteger();

    Entry(String digest, WasmModule module, Function<Instance, Machine> machines) {
      this.digest = digest;
      this.module = module;
      this.machines = machines;
    }

    public String digest() {
      return digest;
    }

    public WasmModule module() {
      return module;
    }

    public Function<Instance, Machine> machines() {
      return machines;
    }
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** Hex SHA-256 of the module bytes. */
  public static String digest(byte[] wasm) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wasm));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The cached entry for a digest, or null. */
  public Entry lookup(String digest) {
    return entries.get(digest);
  }

  /**
   * Compiles a parsed (and validated) module, or returns the entry another load compiled first.
   * Functions the compiler cannot translate fail the compile: the interpreter is never used, as it
   * cannot be interrupted inside a {@code br_if} loop. Every function checks the deadline before it
   * returns ({@link ReturnChecks}).
   */
  public Entry compile(String digest, WasmModule module) {
    return entries.computeIfAbsent(digest, d -> new Entry(d, module, machines(module)));
  }

  /**
   * What {@code MachineFactoryCompiler.builder(module).compile()} does, with the classes going
   * through {@link ReturnChecks} on their way to the class loader.
   */
  private static Function<Instance, Machine> machines(WasmModule module) {
    ReturnChecks classes =
        (ReturnChecks)
            Compiler.builder(module)
                .withInterpreterFallback(InterpreterFallback.FAIL)
                .withClassCollectorFactory(ReturnChecks::new)
                .build()
                .compile()
                .collector();
    return new MachineFactory(module, classes.machineFactory());
  }

  public void acquire(Entry entry) {
    entry.users.incrementAndGet();
  }

  public void release(Entry entry) {
    if (entry.users.decrementAndGet() <= 0) {
      entries.remove(entry.digest, entry);
    }
  }

  public int size() {
    return entries.size();
  }

  public void clear() {
    entries.clear();
  }
}
