package io.edgerule.daemon.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.AdapterHealth.DeviceHealth;
import io.edgerule.adapter.AdapterHealth.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeviceHealthWatchTest {
  final AtomicReference<List<AdapterHealth>> health = new AtomicReference<>(List.of());
  final List<String> changes = new ArrayList<>();
  final DeviceHealthWatch watch =
      new DeviceHealthWatch(health::get, (d, up) -> changes.add(d + (up ? " up" : " down")));

  static AdapterHealth adapter(DeviceHealth... devices) {
    return new AdapterHealth("a", AdapterHealth.summarize(List.of(devices)), List.of(devices));
  }

  static DeviceHealth device(String name, State state) {
    return new DeviceHealth(name, state, "", Map.of());
  }

  @Test
  void reportsEachChangeOnceAndIgnoresTheGatewaysOwnEntry() {
    health.set(
        List.of(
            adapter(device("tank", State.STARTING), device("(gateway)", State.DEGRADED)),
            adapter(device("meter", State.UP))));
    watch.poll();
    assertEquals(List.of("meter up", "tank down"), changes.stream().sorted().toList());
    changes.clear();
    watch.poll();
    assertEquals(List.of(), changes, "nothing changed");
    health.set(
        List.of(adapter(device("tank", State.DEGRADED)), adapter(device("meter", State.DOWN))));
    watch.poll();
    assertEquals(List.of("meter down", "tank up"), changes.stream().sorted().toList());
    changes.clear();
    health.set(List.of(adapter(device("meter", State.STOPPED))));
    watch.poll();
    assertEquals(List.of("tank down"), changes, "a device no longer listed is down");
  }
}
