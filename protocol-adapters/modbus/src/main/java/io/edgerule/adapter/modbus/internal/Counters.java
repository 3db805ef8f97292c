package io.edgerule.adapter.modbus.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device's monotonically increasing totals, readable from any thread. The names are the keys of
 * {@link io.edgerule.adapter.AdapterHealth.DeviceHealth#counters()} and are documented in
 * docs/reference/modbus.md.
 */
public final class Counters {
  public enum Name {
    /** Requests sent (reads, writes, and each retry). */
    REQUESTS,
    /** Normal responses received. */
    RESPONSES,
    /** Requests that got no answer in time. */
    TIMEOUTS,
    /** Modbus exception responses. */
    EXCEPTIONS,
    /** Answers that did not make sense (wrong function code, too short). */
    GARBLED,
    /** Reads sent again after a timeout or garbled answer. */
    RETRIES,
    /** Connection attempts, successful or not. */
    CONNECT_ATTEMPTS,
    /** Successful connections after the first one. */
    RECONNECTS,
    /** Established connections that broke. */
    DISCONNECTS,
    /** Read cycles started. */
    POLLS,
    /** Poll ticks that found the previous cycle still running. */
    OVERRUNS,
    /** Samples delivered to the gateway. */
    SAMPLES,
    /** Write commands sent to the device. */
    WRITES,
    /** Writes the device refused or did not answer. */
    WRITE_FAILURES,
    /** Coalesced reads split into one read per point after an exception 02. */
    SPLIT_READS;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Map<Name, AtomicLong> values = new LinkedHashMap<>();

  public Counters() {
    for (Name n : Name.values()) {
      values.put(n, new AtomicLong());
    }
  }

  public void increment(Name name) {
    values.get(name).incrementAndGet();
  }

  public long get(Name name) {
    return values.get(name).get();
  }

  /** A snapshot keyed by snake_case name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k.key(), v.get()));
    return out;
  }
}
