package io.edgerule.sandbox;

import io.edgerule.adapter.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One limit a rule runs under, and the table of all of them ({@link #all()}). Each entry says
 * everything the code needs about its limit: its key (in manifests' {@code limits:} and the
 * config's {@code rule_limits:}), its type, the manifest default, the gateway's default ceiling,
 * the allowed range and which of two values is the stricter one. {@link RuleLimits}, the manifest
 * binder, the config loader and the reference docs' table are all driven from here: adding a limit
 * is one constant below (plus the code that enforces it and its row in docs/reference/rule-abi.md,
 * which a test checks against this table).
 *
 * @param <T> {@link Integer} for counts and sizes, {@link Duration} for times
 */
public final class RuleLimit<T extends Comparable<? super T>> {
  /** Which of two values binds harder (the one {@link RuleLimits#cappedBy} keeps). */
  public enum Stricter {
    SMALLER,
    LONGER
  }

  // Filled by the constructor, in declaration order; must be declared before the constants.
  private static final List<RuleLimit<?>> TABLE = new ArrayList<>();

  /** Durations must be longer than zero; there is no upper bound beyond the duration grammar's. */
  private static final Duration SHORTEST = Duration.ofNanos(1);

  /**
   * Most 64 KiB pages of linear memory: declared initial pages above this refuse the load; {@code
   * memory.grow} beyond it returns -1.
   */
  public static final RuleLimit<Integer> MEMORY_PAGES =
      count("memory_pages", 16, 256, 1, RuleLimits.MAX_PAGES);

  /** Longest time one batch or tick may run before it is interrupted. */
  public static final RuleLimit<Duration> DEADLINE =
      time("deadline", Duration.ofMillis(100), Duration.ofSeconds(1), Stricter.SMALLER);

  /** Longest time the start section and {@code er_init} together may run. */
  public static final RuleLimit<Duration> INIT_DEADLINE =
      time("init_deadline", Duration.ofSeconds(1), Duration.ofSeconds(5), Stricter.SMALLER);

  /** Most actions (writes, publishes, alarms, logs) one batch may stage. */
  public static final RuleLimit<Integer> MAX_ACTIONS = count("max_actions", 64, 1024, 1);

  /** Most bytes (payloads, messages, names) one batch may stage. */
  public static final RuleLimit<Integer> MAX_ACTION_BYTES =
      count("max_action_bytes", 64 * 1024, 1024 * 1024, 1);

  /** Most initial elements of a module's table (and its growth ceiling). */
  public static final RuleLimit<Integer> MAX_TABLE_ELEMENTS =
      count("max_table_elements", 10_000, 100_000, 0);

  /** This many faults within {@link #FAULT_WINDOW} quarantine the rule. */
  public static final RuleLimit<Integer> QUARANTINE_AFTER = count("quarantine_after", 3, 3, 1);

  /** The window faults are counted in. */
  public static final RuleLimit<Duration> FAULT_WINDOW =
      time("fault_window", Duration.ofSeconds(60), Duration.ofSeconds(60), Stricter.LONGER);

  /** Largest module binary the engine loads. */
  public static final RuleLimit<Integer> MAX_MODULE_BYTES =
      count("max_module_bytes", 8 * 1024 * 1024, 8 * 1024 * 1024, 8);

  /** Most functions (imported and defined) a module may have. */
  public static final RuleLimit<Integer> MAX_FUNCTIONS = count("max_functions", 50_000, 50_000, 1);

  /**
   * Most bytes of JVM heap one instance of the rule keeps: linear memory at its cap, tables and
   * their growth, globals, segments. A module over it is refused before it is parsed; {@code
   * table.grow} beyond it returns -1.
   */
  public static final RuleLimit<Integer> HEAP_BYTES =
      count("heap_bytes", 64 * 1024 * 1024, 256 * 1024 * 1024, 1024 * 1024);

  /**
   * Most bytes of JVM heap parsing and compiling the rule's module may allocate, estimated from its
   * code size, functions and locals before either starts; a module over it is refused.
   */
  public static final RuleLimit<Integer> COMPILE_HEAP_BYTES =
      count("compile_heap_bytes", 256 * 1024 * 1024, 256 * 1024 * 1024, 1024 * 1024);

  /**
   * Sustained actions per second over batches (a token bucket holding one second's worth); a batch
   * whose actions exceed the tokens left fails with LIMIT.
   */
  public static final RuleLimit<Integer> ACTIONS_PER_SECOND =
      count("actions_per_second", 1_000, 100_000, 1);

  /** Most bytes (keys + values) of persistent state ({@code gw.state_put}); 0 disables state. */
  public static final RuleLimit<Integer> STATE_BYTES =
      count("state_bytes", 64 * 1024, 1024 * 1024, 0);

  /**
   * Stack size of the threads rules run on, in KiB; the daemon sizes its rule threads with the
   * host's value (threads are shared, so a manifest cannot change it).
   */
  public static final RuleLimit<Integer> STACK_KIB =
      count("stack_kib", 1024, 1024, RuleLimits.MIN_STACK_KIB);

  /**
   * How long a quarantined rule waits before its first automatic re-admission; each further
   * quarantine doubles it.
   */
  public static final RuleLimit<Duration> READMIT_BACKOFF =
      time("readmit_backoff", Duration.ofSeconds(30), Duration.ofSeconds(30), Stricter.LONGER);

  /** The longest wait between automatic re-admissions. */
  public static final RuleLimit<Duration> READMIT_BACKOFF_MAX =
      time("readmit_backoff_max", Duration.ofHours(1), Duration.ofHours(1), Stricter.LONGER);

  private static final List<RuleLimit<?>> ALL = Collections.unmodifiableList(TABLE);

  private final int index;
  private final String key;
  private final Class<T> type;
  private final T manifestDefault;
  private final T hostDefault;
  private final T min;
  private final T max;
  private final Stricter stricter;

  private RuleLimit(
      String key,
      Class<T> type,
      T manifestDefault,
      T hostDefault,
      T min,
      T max,
      Stricter stricter) {
    this.index = TABLE.size();
    this.key = key;
    this.type = type;
    this.manifestDefault = manifestDefault;
    this.hostDefault = hostDefault;
    this.min = min;
    this.max = max;
    this.stricter = stricter;
    TABLE.add(this);
  }

  private static RuleLimit<Integer> count(
      String key, int manifestDefault, int hostDefault, int min) {
    return count(key, manifestDefault, hostDefault, min, Integer.MAX_VALUE);
  }

  private static RuleLimit<Integer> count(
      String key, int manifestDefault, int hostDefault, int min, int max) {
    return new RuleLimit<>(
        key, Integer.class, manifestDefault, hostDefault, min, max, Stricter.SMALLER);
  }

  private static RuleLimit<Duration> time(
      String key, Duration manifestDefault, Duration hostDefault, Stricter stricter) {
    return new RuleLimit<>(
        key, Duration.class, manifestDefault, hostDefault, SHORTEST, null, stricter);
  }

  /** Every limit, in a fixed order. */
  public static List<RuleLimit<?>> all() {
    return ALL;
  }

  /** The limit with this key, or null. */
  public static RuleLimit<?> byKey(String key) {
    for (RuleLimit<?> l : ALL) {
      if (l.key.equals(key)) {
        return l;
      }
    }
    return null;
  }

  /** Position in {@link #all()}. */
  int index() {
    return index;
  }

  /** The key in manifests ({@code limits.<key>}) and the config ({@code rule_limits.<key>}). */
  public String key() {
    return key;
  }

  /** {@code Integer.class} or {@code Duration.class}. */
  public Class<T> type() {
    return type;
  }

  /** What a manifest that does not set this limit gets. */
  public T manifestDefault() {
    return manifestDefault;
  }

  /** The gateway's ceiling when its config does not set this limit. */
  public T hostDefault() {
    return hostDefault;
  }

  /** Smallest allowed value (for durations: 1 ns, i.e. longer than 0). */
  public T min() {
    return min;
  }

  /** Largest allowed value of a count ({@link Integer#MAX_VALUE} when open); null for durations. */
  public T max() {
    return max;
  }

  public Stricter stricter() {
    return stricter;
  }

  /** The stricter of two values of this limit. */
  public T stricterOf(T a, T b) {
    int c = a.compareTo(b);
    return stricter == Stricter.SMALLER ? (c <= 0 ? a : b) : (c >= 0 ? a : b);
  }

  /**
   * The allowed values as the reference docs write them: {@code 1–65536}, {@code ≥ 1}, {@code > 0}.
   */
  public String rangeText() {
    if (type == Duration.class) {
      return "> 0";
    }
    return max.equals(Integer.MAX_VALUE) ? "≥ " + min : min + "–" + max;
  }

  /**
   * What is wrong with {@code value} for this limit, e.g. {@code must be between 1 and 65536, not
   * 0}; null when it is allowed.
   */
  public String problem(T value) {
    Objects.requireNonNull(value, key);
    if (value.compareTo(min) >= 0 && (max == null || value.compareTo(max) <= 0)) {
      return null;
    }
    if (type == Duration.class) {
      return "must be longer than 0";
    }
    return rangeProblem((Integer) min, (Integer) max, value.compareTo(max) > 0) + ", not " + value;
  }

  /**
   * The allowed range for a count; an open-ended one names the bound that was crossed ("at least 1,
   * not 2147483648" would send the author the wrong way).
   */
  static String rangeProblem(int min, int max, boolean tooLarge) {
    if (max != Integer.MAX_VALUE) {
      return "must be between " + min + " and " + max;
    }
    return tooLarge ? "must be at most " + max : "must be at least " + min;
  }

  /** {@code value} as a manifest or config would write it ({@code 100ms}, {@code 16}). */
  public String format(Object value) {
    return value instanceof Duration d ? DurationText.format(d) : String.valueOf(value);
  }

  /** Checks {@code value}'s type and range; the message starts with {@code key: }. */
  T checked(Object value) {
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(
          key + ": expected " + type.getSimpleName() + ", not " + value);
    }
    T v = type.cast(value);
    String problem = problem(v);
    if (problem != null) {
      throw new IllegalArgumentException(key + ": " + problem);
    }
    return v;
  }

  @Override
  public String toString() {
    return key;
  }
}
