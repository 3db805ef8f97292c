package io.edgerule.adapter;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A snapshot of an adapter's health, for logs, the health endpoint and fleet state. */
public record AdapterHealth(String adapter, State state, List<DeviceHealth> devices) {
  public enum State {
    STARTING,
    /** Every device answers. */
    UP,
    /** Some devices answer, some do not. */
    DEGRADED,
    /** No device answers. */
    DOWN,
    STOPPED
  }

  /**
   * One device (or bus, or session) behind the adapter. {@code counters} are monotonically
   * increasing totals since start (requests, timeouts, crc_errors, reconnects, ...), named in
   * snake_case.
   */
  public record DeviceHealth(
      String device, State state, String lastError, Map<String, Long> counters) {
    public DeviceHealth {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(state, "state");
      lastError = lastError == null ? "" : lastError;
      counters = Map.copyOf(counters);
    }
  }

  public AdapterHealth {
    Objects.requireNonNull(adapter, "adapter");
    Objects.requireNonNull(state, "state");
    devices = List.copyOf(devices);
  }

  /** UP when all devices are up, DOWN when none is, DEGRADED in between. */
  public static State summarize(List<DeviceHealth> devices) {
    if (devices.isEmpty()) {
      return State.UP;
    }
    long up = devices.stream().filter(d -> d.state() == State.UP).count();
    if (up == devices.size()) {
      return State.UP;
    }
    return up == 0 ? State.DOWN : State.DEGRADED;
  }
}
