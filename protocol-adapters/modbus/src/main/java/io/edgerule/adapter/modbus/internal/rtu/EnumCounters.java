package io.edgerule.adapter.modbus.internal.rtu;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Monotonic totals named by an enum, readable from any thread; snapshot keys are the constant names
 * in snake_case (the keys of {@code DeviceHealth.counters()}).
 */
public final class EnumCounters<E extends Enum<E>> {
  private final Map<E, AtomicLong> values;

  public EnumCounters(Class<E> names) {
    values = new EnumMap<>(names);
    for (E name : names.getEnumConstants()) {
      values.put(name, new AtomicLong());
    }
  }

  public void increment(E name) {
    values.get(name).incrementAndGet();
  }

  public void add(E name, long amount) {
    values.get(name).addAndGet(amount);
  }

  public long get(E name) {
    return values.get(name).get();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k.name().toLowerCase(Locale.ROOT), v.get()));
    return out;
  }
}
