package io.edgerule.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import io.edgerule.sandbox.internal.FlatMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Function;

/**
 * The reference module on bare Chicory, without the sandbox: stub host functions, records written
 * straight into memory, no watchdog, no staging. What WebAssembly itself costs, compiled or
 * interpreted; the sandbox's own cost is the difference to {@code RuleEngine.evaluate}.
 */
final class RawWasm {
  private static final VarHandle I32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle I64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long[] OK = {0};

  private final Instance instance;
  private final ExportFunction onEvents;
  private final int buffer;
  private final byte[] records;
  int actions;

  /** Which linear memory implementation the instance gets. */
  enum MemoryKind {
    /** The sandbox's own {@code FlatMemory}: one {@code byte[]}. */
    FLAT,
    /** Chicory's {@code ByteArrayMemory}: 64 KiB {@code byte[]} pages. */
    PAGED,
    /** Chicory's default, {@code ByteBufferMemory}. */
    BYTE_BUFFER
  }

  RawWasm(byte[] wasm, boolean compiled, int maxBatch) {
    this(wasm, compiled, MemoryKind.FLAT, maxBatch);
  }

  RawWasm(byte[] wasm, boolean compiled, MemoryKind memory, int maxBatch) {
    this(Parser.parse(wasm), compiled ? MachineFactoryCompiler::compile : null, memory, maxBatch);
  }

  /**
   * Chicory's compiler with the sandbox's check before every return ({@code ReturnChecks}), as the
   * sandbox compiles rules.
   */
  static Function<Instance, Machine> withReturnChecks(WasmModule module) {
    var result =
        com.dylibso.chicory.compiler.internal.Compiler.builder(module)
            .withInterpreterFallback(com.dylibso.chicory.compiler.InterpreterFallback.FAIL)
            .withClassCollectorFactory(io.edgerule.sandbox.internal.ReturnChecks::new)
            .build()
            .compile();
    return ((io.edgerule.sandbox.internal.ReturnChecks) result.collector()).machineFactory();
  }

  /**
   * @param compiler makes the module's machine (e.g. Chicory's compiler); null: the interpreter
   */
  RawWasm(
      WasmModule module,
      Function<WasmModule, Function<Instance, Machine>> compiler,
      MemoryKind memory,
      int maxBatch) {
    FunctionType lookup = FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32));
    FunctionType raise =
        FunctionType.of(
            List.of(ValType.I32, ValType.I32, ValType.I32, ValType.I32, ValType.I32),
            List.of(ValType.I32));
    ImportValues imports =
        ImportValues.builder()
            .addFunction(new HostFunction("gw", "point_id", lookup, (inst, a) -> new long[] {0}))
            .addFunction(
                new HostFunction(
                    "gw",
                    "alarm_raise",
                    raise,
                    (inst, a) -> {
                      actions++;
                      return OK;
                    }))
            .addFunction(
                new HostFunction(
                    "gw",
                    "alarm_clear",
                    lookup,
                    (inst, a) -> {
                      actions++;
                      return OK;
                    }))
            .build();
    // The sandbox's default page cap (16), as the reference manifest gets it.
    int initial = module.memorySection().orElseThrow().getMemory(0).limits().initialPages();
    Instance.Builder b =
        Instance.builder(module)
            .withImportValues(imports)
            .withMemoryLimits(new MemoryLimits(initial, 16));
    switch (memory) {
      case FLAT -> b.withMemoryFactory(FlatMemory::new);
      case PAGED -> b.withMemoryFactory(ByteArrayMemory::new);
      case BYTE_BUFFER -> {} // Chicory's default
    }
    if (compiler != null) {
      b.withMachineFactory(compiler.apply(module));
    }
    instance = b.build();
    instance.export("er_init").apply();
    onEvents = instance.export("er_on_events");
    buffer = (int) instance.export("er_buffer").apply(32L * maxBatch)[0];
    records = new byte[32 * maxBatch];
  }

  /**
   * Writes {@code count} float64 records (point id 0) starting at temperature step {@code step}.
   */
  void deliver(int step, int count) {
    for (int i = 0; i < count; i++) {
      int at = i * 32;
      I32.set(records, at, 0);
      records[at + 4] = 3; // float64
      records[at + 5] = 0; // good
      I64.set(records, at + 8, Double.doubleToRawLongBits(Fixtures.temperature(step + i)));
      I64.set(records, at + 16, 0L);
      I64.set(records, at + 24, (long) step + i);
    }
    instance.memory().write(buffer, records, 0, count * 32);
    onEvents.apply(buffer, count);
  }
}
