package io.edgerule.mqtt.outbox;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** Where the outbox lives, how it flushes and each message class's budget. */
public record OutboxConfig(
    Path file, FlushPolicy flush, Map<MessageClass, ClassBudget> budgets, Clock clock) {

  public OutboxConfig {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(flush, "flush");
    Objects.requireNonNull(clock, "clock");
    EnumMap<MessageClass, ClassBudget> all = new EnumMap<>(defaultBudgets());
    all.putAll(budgets);
    budgets = Map.copyOf(all);
  }

  /**
   * The defaults: telemetry 64 MiB and one day; alarms, write and command results 16 MiB and seven
   * days (they are kept longer and are never pushed out by telemetry); rule publications 16 MiB and
   * one day; state, birth and death 1 MiB and one hour (only the newest matters).
   */
  public static Map<MessageClass, ClassBudget> defaultBudgets() {
    EnumMap<MessageClass, ClassBudget> m = new EnumMap<>(MessageClass.class);
    m.put(MessageClass.TELEMETRY, new ClassBudget(64L << 20, Duration.ofDays(1)));
    m.put(MessageClass.ALARM, new ClassBudget(16L << 20, Duration.ofDays(7)));
    m.put(MessageClass.WRITE_RESULT, new ClassBudget(16L << 20, Duration.ofDays(7)));
    m.put(MessageClass.COMMAND_RESULT, new ClassBudget(16L << 20, Duration.ofDays(7)));
    m.put(MessageClass.RULE_PUBLICATION, new ClassBudget(16L << 20, Duration.ofDays(1)));
    m.put(MessageClass.STATE, new ClassBudget(1L << 20, Duration.ofHours(1)));
    m.put(MessageClass.BIRTH_DEATH, new ClassBudget(1L << 20, Duration.ofHours(1)));
    return m;
  }

  public static OutboxConfig of(Path file, FlushPolicy flush) {
    return new OutboxConfig(file, flush, Map.of(), Clock.systemUTC());
  }

  public OutboxConfig withBudget(MessageClass c, ClassBudget b) {
    EnumMap<MessageClass, ClassBudget> m = new EnumMap<>(budgets);
    m.put(c, b);
    return new OutboxConfig(file, flush, m, clock);
  }

  public OutboxConfig withClock(Clock c) {
    return new OutboxConfig(file, flush, budgets, c);
  }

  public ClassBudget budget(MessageClass c) {
    return budgets.get(c);
  }
}
