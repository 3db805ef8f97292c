package io.edgerule.daemon.pipeline;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What the gateway keeps for one rule outside the sandbox, each part bounded: its alarms, its
 * log-line budget, and counters of what was refused or dropped because the rule went over one of
 * its shares (shown under {@code counters} in the rule's entry of the state message).
 */
public final class RuleAccount {
  private final AlarmTable alarms;
  private final LogBudget log;
  private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

  RuleAccount(int alarmCapacity, int logLinesPerSecond, LongSupplier nanoTime) {
    this.alarms = new AlarmTable(alarmCapacity);
    this.log = new LogBudget(logLinesPerSecond, nanoTime);
  }

  AlarmTable alarms() {
    return alarms;
  }

  LogBudget log() {
    return log;
  }

  void count(String counter) {
    add(counter, 1);
  }

  void add(String counter, long n) {
    counters.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(n);
  }

  public long counter(String name) {
    AtomicLong c = counters.get(name);
    return c == null ? 0 : c.get();
  }

  /** The counters that are not zero, by name. */
  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
