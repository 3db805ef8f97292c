package io.edgerule.sandbox.internal;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.SubType;
import com.dylibso.chicory.wasm.types.Table;
import io.edgerule.sandbox.RuleLimits;
import io.edgerule.sandbox.RuleManifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Load-time checks of a parsed module against ABI v1, its manifest and its limits. Every problem is
 * reported (not only the first), each as a sentence a rule author can act on.
 */
public final class ModuleValidator {

  /** What the checks established, for instantiation. */
  public record Checked(MemoryLimits memoryLimits, boolean hasTick) {}

  /** The module breaks the ABI, its manifest or a limit. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  private final WasmModule module;
  private final RuleManifest manifest;
  private final RuleLimits limits;
  private final List<String> problems = new ArrayList<>();
  private final int importedFunctions;

  private ModuleValidator(WasmModule module, RuleManifest manifest, RuleLimits limits) {
    this.module = module;
    this.manifest = manifest;
    this.limits = limits;
    this.importedFunctions = module.importSection().count(ExternalType.FUNCTION);
  }

  public static Checked check(WasmModule module, RuleManifest manifest, RuleLimits limits)
      throws Invalid {
    return new ModuleValidator(module, manifest, limits).run();
  }

  private Checked run() throws Invalid {
    int functions = functionCount();
    if (functions > limits.maxFunctions()) {
      // Refuse before anything else looks at (or compiles) the bodies.
      throw new Invalid(
          "has "
              + functions
              + " functions; the limit is "
              + limits.maxFunctions()
              + " (limits.max_functions)");
    }
    checkTypes();
    checkImports();
    MemoryLimits memory = checkMemory();
    checkTables();
    Map<String, Export> exports = exportsByName();
    checkMarker(exports);
    checkMemoryExport(exports);
    requireFunction(exports, Abi.INIT, Abi.INIT_TYPE);
    requireFunction(exports, Abi.BUFFER, Abi.BUFFER_TYPE);
    requireFunction(exports, Abi.ON_EVENTS, Abi.ON_EVENTS_TYPE);
    boolean hasTick = exports.containsKey(Abi.ON_TICK);
    if (manifest.tickPeriod().isPresent()) {
      requireFunction(exports, Abi.ON_TICK, Abi.ON_TICK_TYPE);
    } else if (hasTick) {
      problems.add(
          "exports "
              + Abi.ON_TICK
              + " but the manifest sets no tick period (add e.g. 'tick: 1s' or drop the export)");
    }
    if (!problems.isEmpty()) {
      throw new Invalid(String.join("; ", problems));
    }
    return new Checked(memory, hasTick);
  }

  private void checkTypes() {
    var types = module.typeSection();
    for (int i = 0; i < types.subTypeCount(); i++) {
      SubType sub = types.getSubType(i);
      if (sub.compType().funcType() == null) {
        problems.add(
            "type "
                + i
                + " is a GC "
                + (sub.compType().structType() != null ? "struct" : "array")
                + " type; rules may use only function types");
      }
    }
  }

  private void checkImports() {
    var imports = module.importSection();
    for (int i = 0; i < imports.importCount(); i++) {
      Import imp = imports.getImport(i);
      String qualified = imp.module() + "." + imp.name();
      if (imp.importType() != ExternalType.FUNCTION) {
        problems.add(
            "imports "
                + kind(imp.importType())
                + " "
                + qualified
                + "; a rule defines its own memory and tables and imports only functions from '"
                + Abi.IMPORT_MODULE
                + "'");
        continue;
      }
      if (!Abi.IMPORT_MODULE.equals(imp.module())) {
        problems.add(
            "imports "
                + qualified
                + "; rules may import only from '"
                + Abi.IMPORT_MODULE
                + "'"
                + (imp.module().equals("env") && imp.name().equals("abort")
                    ? " (AssemblyScript: build with --use abort=)"
                    : "")
                + (imp.module().startsWith("wasi") ? " (build without WASI: -nostdlib)" : ""));
        continue;
      }
      Abi.Import spec = Abi.IMPORTS.get(imp.name());
      if (spec == null) {
        problems.add("imports " + qualified + " which is not in ABI v" + Abi.VERSION);
        continue;
      }
      FunctionType actual = type(((FunctionImport) imp).typeIndex());
      if (actual == null || !actual.equals(spec.type())) {
        problems.add(
            "imports "
                + qualified
                + " with type "
                + (actual == null ? "?" : Abi.render(actual))
                + "; ABI v1 defines "
                + Abi.render(spec.type()));
        continue;
      }
      if (!granted(spec.capability())) {
        problems.add("imports " + qualified + " but " + spec.capability().missing);
      }
    }
  }

  private boolean granted(Abi.Capability capability) {
    return switch (capability) {
      case ALWAYS -> true;
      case WRITE -> !manifest.writablePoints().isEmpty();
      case PUBLISH -> !manifest.topics().isEmpty();
      case ALARM -> !manifest.alarms().isEmpty();
      case STATE -> limits.stateBytes() > 0;
    };
  }

  private MemoryLimits checkMemory() {
    var section = module.memorySection();
    int count = section.map(s -> s.memoryCount()).orElse(0);
    if (count == 0) {
      problems.add("defines no memory; ABI v1 needs one memory exported as '" + Abi.MEMORY + "'");
      return null;
    }
    if (count > 1) {
      problems.add("defines " + count + " memories; ABI v1 allows one");
    }
    MemoryLimits declared = section.get().getMemory(0).limits();
    if (declared.shared()) {
      problems.add("its memory is shared; rules may not use shared memory or threads");
    }
    int cap = limits.memoryPages();
    if (declared.initialPages() > cap) {
      problems.add(
          "its memory declares "
              + declared.initialPages()
              + " initial pages of 64 KiB; the limit is "
              + cap
              + " (limits.memory_pages)");
      return null;
    }
    return new MemoryLimits(declared.initialPages(), Math.min(declared.maximumPages(), cap), false);
  }

  private void checkTables() {
    var tables = module.tableSection();
    for (int i = 0; i < tables.tableCount(); i++) {
      Table t = tables.getTable(i);
      if (t.limits().min() > limits.maxTableElements()) {
        problems.add(
            "table "
                + i
                + " declares "
                + t.limits().min()
                + " initial elements; the limit is "
                + limits.maxTableElements()
                + " (limits.max_table_elements)");
      }
    }
  }

  private Map<String, Export> exportsByName() {
    Map<String, Export> byName = new HashMap<>();
    var exports = module.exportSection();
    for (int i = 0; i < exports.exportCount(); i++) {
      Export e = exports.getExport(i);
      byName.put(e.name(), e);
    }
    return byName;
  }

  private void checkMarker(Map<String, Export> exports) {
    if (exports.containsKey(Abi.MARKER)) {
      requireFunction(exports, Abi.MARKER, Abi.MARKER_TYPE);
      return;
    }
    List<String> others =
        exports.keySet().stream().filter(n -> n.startsWith(Abi.MARKER_PREFIX)).sorted().toList();
    if (!others.isEmpty()) {
      problems.add(
          "targets an unsupported ABI (exports "
              + String.join(", ", others)
              + "); this gateway runs ABI v"
              + Abi.VERSION
              + " (marker export "
              + Abi.MARKER
              + ")");
    } else {
      problems.add(
          "has no ABI version marker: export a function "
              + Abi.MARKER
              + " () -> () (the SDKs do this for you)");
    }
  }

  private void checkMemoryExport(Map<String, Export> exports) {
    Export e = exports.get(Abi.MEMORY);
    if (e == null || e.exportType() != ExternalType.MEMORY || e.index() != 0) {
      problems.add("does not export its memory as '" + Abi.MEMORY + "'");
    }
  }

  private void requireFunction(Map<String, Export> exports, String name, FunctionType type) {
    Export e = exports.get(name);
    if (e == null) {
      problems.add("does not export " + name + " " + Abi.render(type));
      return;
    }
    if (e.exportType() != ExternalType.FUNCTION) {
      problems.add(
          "exports "
              + name
              + " as a "
              + kind(e.exportType())
              + "; ABI v1 needs a function "
              + Abi.render(type));
      return;
    }
    if (e.index() < 0 || e.index() >= functionCount()) {
      // Chicory's parser does not check export indices; an index past the end is no function.
      problems.add(
          "exports "
              + name
              + " as function "
              + Integer.toUnsignedString(e.index())
              + ", but the module has only "
              + functionCount()
              + " functions");
      return;
    }
    FunctionType actual = functionType(e.index());
    if (actual == null || !actual.equals(type)) {
      problems.add(
          "exports "
              + name
              + " with type "
              + (actual == null ? "?" : Abi.render(actual))
              + "; ABI v1 defines "
              + Abi.render(type));
    }
  }

  private FunctionType functionType(int functionIndex) {
    int typeIndex;
    if (functionIndex < importedFunctions) {
      int seen = 0;
      typeIndex = -1;
      var imports = module.importSection();
      for (int i = 0; i < imports.importCount(); i++) {
        Import imp = imports.getImport(i);
        if (imp.importType() == ExternalType.FUNCTION && seen++ == functionIndex) {
          typeIndex = ((FunctionImport) imp).typeIndex();
          break;
        }
      }
    } else {
      typeIndex = module.functionSection().getFunctionType(functionIndex - importedFunctions);
    }
    return type(typeIndex);
  }

  private int functionCount() {
    return importedFunctions + module.functionSection().functionCount();
  }

  /** The function type at a type index, or null if there is none (out of range, a GC type). */
  private FunctionType type(int typeIndex) {
    var types = module.typeSection();
    return typeIndex < 0 || typeIndex >= types.subTypeCount() ? null : types.getType(typeIndex);
  }

  private static String kind(ExternalType type) {
    return switch (type) {
      case FUNCTION -> "function";
      case TABLE -> "table";
      case MEMORY -> "memory";
      case GLOBAL -> "global";
      case TAG -> "tag";
    };
  }
}
