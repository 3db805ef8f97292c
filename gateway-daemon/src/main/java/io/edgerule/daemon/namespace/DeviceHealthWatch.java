package io.edgerule.daemon.namespace;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.daemon.pipeline.AdapterGuard;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Turns the adapters' health snapshots into device up/down changes for the fleet namespace
 * (Sparkplug's DBIRTH/DDEATH), called on the gateway's scheduler every few hundred milliseconds. A
 * device is up while its state is UP or DEGRADED (it answers, perhaps not every request); STARTING,
 * DOWN and STOPPED are down. The gateway's own {@code (gateway)} entries (an adapter breaking its
 * contract) are not devices. A device missing from a snapshot is down.
 */
public final class DeviceHealthWatch {
  private final Supplier<List<AdapterHealth>> health;
  private final BiConsumer<String, Boolean> changed;
  private final Map<String, Boolean> known = new HashMap<>();

  /**
   * @param changed gets (device, up) for every device whose state changed since the last {@link
   *     #poll()}, and for every device at the first poll
   */
  public DeviceHealthWatch(
      Supplier<List<AdapterHealth>> health, BiConsumer<String, Boolean> changed) {
    this.health = health;
    this.changed = changed;
  }

  /** Reads the health once and reports changes. Not reentrant: one scheduler task calls it. */
  public synchronized void poll() {
    Map<String, Boolean> now = new HashMap<>();
    for (AdapterHealth a : health.get()) {
      for (AdapterHealth.DeviceHealth d : a.devices()) {
        if (d.device().equals(AdapterGuard.GATEWAY_ENTRY)) {
          continue;
        }
        boolean up =
            d.state() == AdapterHealth.State.UP || d.state() == AdapterHealth.State.DEGRADED;
        now.merge(d.device(), up, Boolean::logicalAnd);
      }
    }
    for (Map.Entry<String, Boolean> e : known.entrySet()) {
      if (e.getValue() && !now.containsKey(e.getKey())) {
        now.put(e.getKey(), false);
      }
    }
    for (Map.Entry<String, Boolean> e : now.entrySet()) {
      if (!e.getValue().equals(known.put(e.getKey(), e.getValue()))) {
        changed.accept(e.getKey(), e.getValue());
      }
    }
  }
}
