package io.edgerule.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits one rule runs under. The gateway passes its ceiling ({@code hostCaps}) to {@link
 * RuleEngine}; a manifest may ask for other values; the rule runs under {@link #cappedBy the
 * stricter of the two} for every field.
 *
 * @param memoryPages most 64 KiB pages of linear memory (declared initial pages above this refuse
 *     the load; {@code memory.grow} beyond it returns -1)
 * @param deadline longest time one batch or tick may run before it is interrupted
 * @param initDeadline longest time the start section and {@code er_init} together may run
 * @param maxActions most actions (writes, publishes, alarms, logs) one batch may stage
 * @param maxActionBytes most bytes (payloads, messages, names) one batch may stage
 * @param maxTableElements most initial elements of a module's table (and its growth ceiling)
 * @param quarantineAfter this many faults within {@code faultWindow} quarantine the rule
 * @param faultWindow the window faults are counted in
 * @param maxModuleBytes largest module binary the engine loads
 * @param maxFunctions most functions (imported and defined) a module may have
 * @param actionsPerSecond sustained actions per second over batches (a token bucket holding one
 *     second's worth); a batch whose actions exceed the tokens left fails with LIMIT
 * @param stateBytes most bytes (keys + values) of persistent state ({@code gw.state_put})
 * @param stackKib stack size of the threads rules run on, in KiB; the daemon sizes its rule threads
 *     with the host's value (threads are shared, so a manifest cannot change it)
 * @param readmitBackoff how long a quarantined rule waits before its first automatic re-admission;
 *     each further quarantine doubles it
 * @param readmitBackoffMax the longest wait between automatic re-admissions
 */
public record RuleLimits(
    int memoryPages,
    Duration deadline,
    Duration initDeadline,
    int maxActions,
    int maxActionBytes,
    int maxTableElements,
    int quarantineAfter,
    Duration faultWindow,
    int maxModuleBytes,
    int maxFunctions,
    int actionsPerSecond,
    int stateBytes,
    int stackKib,
    Duration readmitBackoff,
    Duration readmitBackoffMax) {

  /** Wasm's own ceiling: 65,536 pages of 64 KiB. */
  public static final int MAX_PAGES = 65_536;

  /** Smallest rule thread stack the daemon accepts (KiB). */
  public static final int MIN_STACK_KIB = 64;

  private static final RuleLimits DEFAULTS =
      new RuleLimits(
          16,
          Duration.ofMillis(100),
          Duration.ofSeconds(1),
          64,
          64 * 1024,
          10_000,
          3,
          Duration.ofSeconds(60),
          8 * 1024 * 1024,
          50_000,
          1_000,
          64 * 1024,
          1024,
          Duration.ofSeconds(30),
          Duration.ofHours(1));

  public RuleLimits {
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(initDeadline, "initDeadline");
    Objects.requireNonNull(faultWindow, "faultWindow");
    Objects.requireNonNull(readmitBackoff, "readmitBackoff");
    Objects.requireNonNull(readmitBackoffMax, "readmitBackoffMax");
    if (memoryPages < 1 || memoryPages > MAX_PAGES) {
      throw new IllegalArgumentException(
          "memory_pages must be between 1 and " + MAX_PAGES + ", not " + memoryPages);
    }
    requirePositive("deadline", deadline);
    requirePositive("init_deadline", initDeadline);
    requirePositive("fault_window", faultWindow);
    requirePositive("readmit_backoff", readmitBackoff);
    requirePositive("readmit_backoff_max", readmitBackoffMax);
    requireAtLeast("max_actions", maxActions, 1);
    requireAtLeast("max_action_bytes", maxActionBytes, 1);
    requireAtLeast("max_table_elements", maxTableElements, 0);
    requireAtLeast("quarantine_after", quarantineAfter, 1);
    requireAtLeast("max_module_bytes", maxModuleBytes, 8);
    requireAtLeast("max_functions", maxFunctions, 1);
    requireAtLeast("actions_per_second", actionsPerSecond, 1);
    requireAtLeast("state_bytes", stateBytes, 0);
    requireAtLeast("stack_kib", stackKib, MIN_STACK_KIB);
  }

  /** The first eight limits; the others take their {@link #defaults()}. */
  public RuleLimits(
      int memoryPages,
      Duration deadline,
      Duration initDeadline,
      int maxActions,
      int maxActionBytes,
      int maxTableElements,
      int quarantineAfter,
      Duration faultWindow) {
    this(
        memoryPages,
        deadline,
        initDeadline,
        maxActions,
        maxActionBytes,
        maxTableElements,
        quarantineAfter,
        faultWindow,
        8 * 1024 * 1024,
        50_000,
        1_000,
        64 * 1024,
        1024,
        Duration.ofSeconds(30),
        Duration.ofHours(1));
  }

  private static void requirePositive(String field, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, not " + d);
    }
  }

  private static void requireAtLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be at least " + min + ", not " + value);
    }
  }

  /**
   * The defaults a manifest gets for every limit it does not set: 16 pages (1 MiB), 100 ms per
   * batch, 1 s for start + init, 64 actions and 64 KiB per batch, 10,000 table elements, quarantine
   * after 3 faults within 60 s, modules up to 8 MiB and 50,000 functions, 1,000 actions per second,
   * 64 KiB of state, 1 MiB thread stacks, re-admission after 30 s doubling up to 1 h.
   */
  public static RuleLimits defaults() {
    return DEFAULTS;
  }

  /**
   * The stricter of this and {@code caps} for every field: the smaller memory, deadlines, action,
   * table, module, rate, state and stack limits and fault count, and the longer fault window and
   * re-admission waits.
   */
  public RuleLimits cappedBy(RuleLimits caps) {
    return new RuleLimits(
        Math.min(memoryPages, caps.memoryPages),
        min(deadline, caps.deadline),
        min(initDeadline, caps.initDeadline),
        Math.min(maxActions, caps.maxActions),
        Math.min(maxActionBytes, caps.maxActionBytes),
        Math.min(maxTableElements, caps.maxTableElements),
        Math.min(quarantineAfter, caps.quarantineAfter),
        max(faultWindow, caps.faultWindow),
        Math.min(maxModuleBytes, caps.maxModuleBytes),
        Math.min(maxFunctions, caps.maxFunctions),
        Math.min(actionsPerSecond, caps.actionsPerSecond),
        Math.min(stateBytes, caps.stateBytes),
        Math.min(stackKib, caps.stackKib),
        max(readmitBackoff, caps.readmitBackoff),
        max(readmitBackoffMax, caps.readmitBackoffMax));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** A copy with the fields {@code edit} changes. */
  private RuleLimits with(java.util.function.Consumer<Builder> edit) {
    Builder b = new Builder(this);
    edit.accept(b);
    return b.build();
  }

  public RuleLimits withMemoryPages(int pages) {
    return with(b -> b.memoryPages = pages);
  }

  public RuleLimits withDeadline(Duration d) {
    return with(b -> b.deadline = d);
  }

  public RuleLimits withInitDeadline(Duration d) {
    return with(b -> b.initDeadline = d);
  }

  public RuleLimits withMaxActions(int n) {
    return with(b -> b.maxActions = n);
  }

  public RuleLimits withMaxActionBytes(int n) {
    return with(b -> b.maxActionBytes = n);
  }

  public RuleLimits withMaxTableElements(int n) {
    return with(b -> b.maxTableElements = n);
  }

  public RuleLimits withQuarantine(int faults, Duration window) {
    return with(
        b -> {
          b.quarantineAfter = faults;
          b.faultWindow = window;
        });
  }

  public RuleLimits withModuleCaps(int bytes, int functions) {
    return with(
        b -> {
          b.maxModuleBytes = bytes;
          b.maxFunctions = functions;
        });
  }

  public RuleLimits withActionsPerSecond(int n) {
    return with(b -> b.actionsPerSecond = n);
  }

  public RuleLimits withStateBytes(int n) {
    return with(b -> b.stateBytes = n);
  }

  public RuleLimits withStackKib(int n) {
    return with(b -> b.stackKib = n);
  }

  public RuleLimits withReadmitBackoff(Duration first, Duration max) {
    return with(
        b -> {
          b.readmitBackoff = first;
          b.readmitBackoffMax = max;
        });
  }

  /** Mutable copy for the with-methods (and the manifest binder). */
  static final class Builder {
    int memoryPages;
    Duration deadline;
    Duration initDeadline;
    int maxActions;
    int maxActionBytes;
    int maxTableElements;
    int quarantineAfter;
    Duration faultWindow;
    int maxModuleBytes;
    int maxFunctions;
    int actionsPerSecond;
    int stateBytes;
    int stackKib;
    Duration readmitBackoff;
    Duration readmitBackoffMax;

    Builder(RuleLimits l) {
      memoryPages = l.memoryPages;
      deadline = l.deadline;
      initDeadline = l.initDeadline;
      maxActions = l.maxActions;
      maxActionBytes = l.maxActionBytes;
      maxTableElements = l.maxTableElements;
      quarantineAfter = l.quarantineAfter;
      faultWindow = l.faultWindow;
      maxModuleBytes = l.maxModuleBytes;
      maxFunctions = l.maxFunctions;
      actionsPerSecond = l.actionsPerSecond;
      stateBytes = l.stateBytes;
      stackKib = l.stackKib;
      readmitBackoff = l.readmitBackoff;
      readmitBackoffMax = l.readmitBackoffMax;
    }

    RuleLimits build() {
      return new RuleLimits(
          memoryPages,
          deadline,
          initDeadline,
          maxActions,
          maxActionBytes,
          maxTableElements,
          quarantineAfter,
          faultWindow,
          maxModuleBytes,
          maxFunctions,
          actionsPerSecond,
          stateBytes,
          stackKib,
          readmitBackoff,
          readmitBackoffMax);
    }
  }
}
