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
 */
public record RuleLimits(
    int memoryPages,
    Duration deadline,
    Duration initDeadline,
    int maxActions,
    int maxActionBytes,
    int maxTableElements,
    int quarantineAfter,
    Duration faultWindow) {

  /** Wasm's own ceiling: 65,536 pages of 64 KiB. */
  public static final int MAX_PAGES = 65_536;

  private static final RuleLimits DEFAULTS =
      new RuleLimits(
          16,
          Duration.ofMillis(100),
          Duration.ofSeconds(1),
          64,
          64 * 1024,
          10_000,
          3,
          Duration.ofSeconds(60));

  public RuleLimits {
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(initDeadline, "initDeadline");
    Objects.requireNonNull(faultWindow, "faultWindow");
    if (memoryPages < 1 || memoryPages > MAX_PAGES) {
      throw new IllegalArgumentException(
          "memory_pages must be between 1 and " + MAX_PAGES + ", not " + memoryPages);
    }
    requirePositive("deadline", deadline);
    requirePositive("init_deadline", initDeadline);
    requirePositive("fault_window", faultWindow);
    if (maxActions < 1) {
      throw new IllegalArgumentException("max_actions must be at least 1, not " + maxActions);
    }
    if (maxActionBytes < 1) {
      throw new IllegalArgumentException(
          "max_action_bytes must be at least 1, not " + maxActionBytes);
    }
    if (maxTableElements < 0) {
      throw new IllegalArgumentException(
          "max_table_elements must not be negative, not " + maxTableElements);
    }
    if (quarantineAfter < 1) {
      throw new IllegalArgumentException(
          "quarantine_after must be at least 1, not " + quarantineAfter);
    }
  }

  private static void requirePositive(String field, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be positive, not " + d);
    }
  }

  /**
   * The defaults a manifest gets for every limit it does not set: 16 pages (1 MiB), 100 ms per
   * batch, 1 s for start + init, 64 actions and 64 KiB per batch, 10,000 table elements, quarantine
   * after 3 faults within 60 s.
   */
  public static RuleLimits defaults() {
    return DEFAULTS;
  }

  /**
   * The stricter of this and {@code caps} for every field: the smaller memory, deadlines, action
   * and table limits and fault count, and the longer fault window.
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
        faultWindow.compareTo(caps.faultWindow) >= 0 ? faultWindow : caps.faultWindow);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  public RuleLimits withMemoryPages(int pages) {
    return new RuleLimits(
        pages,
        deadline,
        initDeadline,
        maxActions,
        maxActionBytes,
        maxTableElements,
        quarantineAfter,
        faultWindow);
  }

  public RuleLimits withDeadline(Duration d) {
    return new RuleLimits(
        memoryPages,
        d,
        initDeadline,
        maxActions,
        maxActionBytes,
        maxTableElements,
        quarantineAfter,
        faultWindow);
  }

  public RuleLimits withInitDeadline(Duration d) {
    return new RuleLimits(
        memoryPages,
        deadline,
        d,
        maxActions,
        maxActionBytes,
        maxTableElements,
        quarantineAfter,
        faultWindow);
  }

  public RuleLimits withMaxActions(int n) {
    return new RuleLimits(
        memoryPages,
        deadline,
        initDeadline,
        n,
        maxActionBytes,
        maxTableElements,
        quarantineAfter,
        faultWindow);
  }

  public RuleLimits withMaxActionBytes(int n) {
    return new RuleLimits(
        memoryPages,
        deadline,
        initDeadline,
        maxActions,
        n,
        maxTableElements,
        quarantineAfter,
        faultWindow);
  }

  public RuleLimits withMaxTableElements(int n) {
    return new RuleLimits(
        memoryPages,
        deadline,
        initDeadline,
        maxActions,
        maxActionBytes,
        n,
        quarantineAfter,
        faultWindow);
  }

  public RuleLimits withQuarantine(int faults, Duration window) {
    return new RuleLimits(
        memoryPages,
        deadline,
        initDeadline,
        maxActions,
        maxActionBytes,
        maxTableElements,
        faults,
        window);
  }
}
