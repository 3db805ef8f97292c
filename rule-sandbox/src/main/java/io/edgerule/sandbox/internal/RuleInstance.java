package io.edgerule.sandbox.internal;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.Table;
import io.edgerule.adapter.PointEvent;
import io.edgerule.sandbox.FailureKind;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleLimits;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.internal.yaml.Quote;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One live instance of a rule module and the host state bound to it (id tables, staged actions, the
 * batch buffer). Not thread-safe: the engine runs one call at a time per rule, always under the
 * watchdog. After any failed call the engine throws the instance away, so a rule never runs on
 * memory a trap or an interrupt left half-updated.
 */
public final class RuleInstance {
  private static final int PAGE = 65_536;

  /** Characters of a failed er_init's log lines quoted in the load error. */
  private static final int LOGGED_SHOWN = 200;

  private final Instance instance;
  private final HostFunctions host;
  private final ExportFunction init;
  private final ExportFunction buffer;
  private final ExportFunction onEvents;
  private final ExportFunction onTick;
  private final EventEncoder encoder = new EventEncoder();
  private int bufferAddress;
  private int bufferCapacity;

  private RuleInstance(Instance instance, HostFunctions host, boolean hasTick) {
    this.instance = instance;
    this.host = host;
    this.init = instance.export(Abi.INIT);
    this.buffer = instance.export(Abi.BUFFER);
    this.onEvents = instance.export(Abi.ON_EVENTS);
    this.onTick = hasTick ? instance.export(Abi.ON_TICK) : null;
  }

  /**
   * Links a compiled module with a fresh host state. Loads the compiled classes but runs no rule
   * code yet: {@link #initialize} does, under a deadline.
   */
  public static RuleInstance create(
      CompiledModules.Entry compiled,
      ModuleValidator.Checked checked,
      RuleManifest manifest,
      RuleLimits limits,
      Clock clock,
      RuleState state,
      HeapBudget heap) {
    HostFunctions host =
        new HostFunctions(
            manifest, clock, new ActionStage(limits.maxActions(), limits.maxActionBytes()), state);
    int tableCap = limits.maxTableElements();
    Instance instance =
        Instance.builder(compiled.module())
            .withMachineFactory(compiled.machines())
            .withImportValues(host.imports())
            .withMemoryLimits(checked.memoryLimits())
            // Not Chicory's default ByteBufferMemory: one flat byte[] (rules never share
            // memory), the fastest loads and stores compiled code can make; Chicory's paged
            // ByteArrayMemory (PagedMemory) for caps above FlatMemory.MAX_PAGES
            // (docs/benchmarks.md). Bulk operations keep the deadline in both (BulkWork). Same
            // limits either way: grow returns -1 at the cap and an access outside the pages traps.
            .withMemoryFactory(FlatMemory::forLimits)
            // A fresh Table per instance, capped, keeping the deadline in bulk table operations.
            .withTableFactory(
                (Table t, int initValue) -> new RuleTable(t, tableCap, initValue, heap))
            .withInitialize(false)
            .withStart(false)
            .build();
    return new RuleInstance(instance, host, checked.hasTick());
  }

  /**
   * Runs data/element initialisation, the start section and {@code er_init}.
   *
   * @return the log lines the rule emitted during init
   * @throws RuleAbort ABI if er_init returns non-zero or emits an action other than a log
   */
  public List<RuleAction> initialize() {
    try {
      host.phase(HostFunctions.Phase.INIT);
      instance.initialize(false);
      int status = (int) init.apply()[0];
      if (status != Abi.OK) {
        // The rule's own log lines usually say why; they would be lost with the instance.
        String said =
            host.stage().commit().stream()
                .filter(a -> a instanceof RuleAction.Log)
                .map(a -> ((RuleAction.Log) a).message())
                .collect(Collectors.joining(" | "));
        throw new RuleAbort(
            FailureKind.ABI,
            Abi.INIT
                + " returned status "
                + status
                + " (0 means success)"
                // The rule's text, up to max_action_bytes of it with line breaks and control
                // characters, must not flood or forge lines of the gateway's log: one short line.
                + (said.isEmpty() ? "" : "; it logged: " + Quote.abbreviate(said, LOGGED_SHOWN)));
      }
      return host.stage().commit();
    } finally {
      host.phase(HostFunctions.Phase.IDLE);
      host.stage().discard();
    }
  }

  /**
   * Encodes a batch for {@link #deliver} (host work, done before the deadline starts).
   *
   * @return how many events are for this rule; 0 means there is nothing to deliver
   */
  public int prepare(List<PointEvent> batch) {
    return encoder.encode(batch, host.points());
  }

  /**
   * Hands the prepared batch to {@code er_on_events}.
   *
   * @return the actions to commit; throws (RuleAbort, Chicory exceptions, Errors) on failure
   */
  public List<RuleAction> deliver() {
    int count = encoder.count();
    try {
      host.phase(HostFunctions.Phase.CALL);
      int size = encoder.size();
      if (size > bufferCapacity) {
        acquireBuffer(size);
      }
      encoder.relocate(bufferAddress);
      instance.memory().write(bufferAddress, encoder.bytes(), 0, size);
      int status = (int) onEvents.apply(bufferAddress, count)[0];
      if (status != Abi.OK) {
        throw new RuleAbort(
            FailureKind.ABI, Abi.ON_EVENTS + " returned status " + status + " (0 means success)");
      }
      return host.stage().commit();
    } finally {
      host.phase(HostFunctions.Phase.IDLE);
      host.stage().discard();
    }
  }

  /** Calls {@code er_on_tick}. */
  public List<RuleAction> onTick() {
    if (onTick == null) {
      throw new IllegalStateException("the rule has no " + Abi.ON_TICK);
    }
    try {
      host.phase(HostFunctions.Phase.CALL);
      int status = (int) onTick.apply()[0];
      if (status != Abi.OK) {
        throw new RuleAbort(
            FailureKind.ABI, Abi.ON_TICK + " returned status " + status + " (0 means success)");
      }
      return host.stage().commit();
    } finally {
      host.phase(HostFunctions.Phase.IDLE);
      host.stage().discard();
    }
  }

  private void acquireBuffer(int size) {
    long address = buffer.apply(size)[0] & 0xffffffffL;
    Memory memory = instance.memory();
    long memorySize = (long) memory.pages() * PAGE;
    if (address == 0) {
      throw new RuleAbort(
          FailureKind.ABI,
          Abi.BUFFER + "(" + size + ") returned 0: the rule has no room for this batch");
    }
    if (address % 8 != 0 || address + size > memorySize) {
      throw new RuleAbort(
          FailureKind.ABI,
          Abi.BUFFER
              + "("
              + size
              + ") returned "
              + address
              + ", which is "
              + (address % 8 != 0
                  ? "not 8-byte aligned"
                  : "outside linear memory (" + memorySize + " bytes)"));
    }
    bufferAddress = (int) address;
    bufferCapacity = size;
  }

  /** Pages of linear memory in use now. */
  public int memoryPages() {
    return instance.memory().pages();
  }
}
