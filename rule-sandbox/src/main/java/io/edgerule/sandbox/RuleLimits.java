package io.edgerule.sandbox;

import java.time.Duration;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The limits one rule runs under: a value for every {@link RuleLimit} in the table. The gateway
 * passes its ceiling ({@code hostCaps}) to {@link RuleEngine}; a manifest may ask for other values;
 * the rule runs under {@link #cappedBy the stricter of the two} for every limit. Immutable; every
 * value is checked against its limit's range.
 *
 * <p>The typed accessors below are conveniences for the code that enforces each limit; {@link #get}
 * reads any limit.
 */
public final class RuleLimits {

  /** Wasm's own ceiling: 65,536 pages of 64 KiB. */
  public static final int MAX_PAGES = 65_536;

  /** Smallest rule thread stack the daemon accepts (KiB). */
  public static final int MIN_STACK_KIB = 64;

  private static final RuleLimits DEFAULTS = fromTable(false);
  private static final RuleLimits HOST_DEFAULTS = fromTable(true);

  /** Indexed by {@link RuleLimit#index()}. */
  private final Object[] values;

  private RuleLimits(Object[] values) {
    this.values = values;
  }

  private static RuleLimits fromTable(boolean host) {
    Object[] v = new Object[RuleLimit.all().size()];
    for (RuleLimit<?> l : RuleLimit.all()) {
      v[l.index()] = l.checked(host ? l.hostDefault() : l.manifestDefault());
    }
    return new RuleLimits(v);
  }

  /**
   * The defaults a manifest gets for every limit it does not set ({@link
   * RuleLimit#manifestDefault()}): 16 pages (1 MiB), 100 ms per batch, 1 s for start + init, 64
   * actions and 64 KiB per batch, 10,000 table elements, quarantine after 3 faults within 60 s,
   * modules up to 8 MiB and 50,000 functions, 1,000 actions per second, 64 KiB of state, 1 MiB
   * thread stacks, re-admission after 30 s doubling up to 1 h.
   */
  public static RuleLimits defaults() {
    return DEFAULTS;
  }

  /**
   * The gateway's ceiling for every limit its config does not set ({@link
   * RuleLimit#hostDefault()}): generous values that protect the gateway without getting in the way
   * of ordinary rules.
   */
  public static RuleLimits hostDefaults() {
    return HOST_DEFAULTS;
  }

  /** The value of one limit. */
  public <T extends Comparable<? super T>> T get(RuleLimit<T> limit) {
    return limit.type().cast(values[limit.index()]);
  }

  /**
   * A copy with {@code limit} set to {@code value}.
   *
   * @throws IllegalArgumentException {@code key: what is wrong} if the value is out of range
   */
  public <T extends Comparable<? super T>> RuleLimits with(RuleLimit<T> limit, T value) {
    Object[] v = values.clone();
    v[limit.index()] = limit.checked(value);
    return new RuleLimits(v);
  }

  /**
   * The stricter of this and {@code caps} for every limit ({@link RuleLimit#stricter()}): the
   * smaller memory, deadlines, action, table, module, rate, state and stack limits and fault count,
   * and the longer fault window and re-admission waits.
   */
  public RuleLimits cappedBy(RuleLimits caps) {
    Object[] v = new Object[values.length];
    for (RuleLimit<?> l : RuleLimit.all()) {
      v[l.index()] = stricter(l, caps);
    }
    return new RuleLimits(v);
  }

  private <T extends Comparable<? super T>> T stricter(RuleLimit<T> l, RuleLimits caps) {
    return l.stricterOf(get(l), caps.get(l));
  }

  // ---- typed accessors (see RuleLimit for what each limit means) ----

  public int memoryPages() {
    return get(RuleLimit.MEMORY_PAGES);
  }

  public Duration deadline() {
    return get(RuleLimit.DEADLINE);
  }

  public Duration initDeadline() {
    return get(RuleLimit.INIT_DEADLINE);
  }

  public int maxActions() {
    return get(RuleLimit.MAX_ACTIONS);
  }

  public int maxActionBytes() {
    return get(RuleLimit.MAX_ACTION_BYTES);
  }

  public int maxTableElements() {
    return get(RuleLimit.MAX_TABLE_ELEMENTS);
  }

  public int quarantineAfter() {
    return get(RuleLimit.QUARANTINE_AFTER);
  }

  public Duration faultWindow() {
    return get(RuleLimit.FAULT_WINDOW);
  }

  public int maxModuleBytes() {
    return get(RuleLimit.MAX_MODULE_BYTES);
  }

  public int maxFunctions() {
    return get(RuleLimit.MAX_FUNCTIONS);
  }

  public int heapBytes() {
    return get(RuleLimit.HEAP_BYTES);
  }

  public int compileHeapBytes() {
    return get(RuleLimit.COMPILE_HEAP_BYTES);
  }

  public int actionsPerSecond() {
    return get(RuleLimit.ACTIONS_PER_SECOND);
  }

  public int stateBytes() {
    return get(RuleLimit.STATE_BYTES);
  }

  public int stackKib() {
    return get(RuleLimit.STACK_KIB);
  }

  public Duration readmitBackoff() {
    return get(RuleLimit.READMIT_BACKOFF);
  }

  public Duration readmitBackoffMax() {
    return get(RuleLimit.READMIT_BACKOFF_MAX);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuleLimits other && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  /** {@code RuleLimits[memory_pages=16, deadline=100ms, ...]}. */
  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(", ", "RuleLimits[", "]");
    for (RuleLimit<?> l : RuleLimit.all()) {
      j.add(l.key() + "=" + l.format(values[l.index()]));
    }
    return j.toString();
  }
}
