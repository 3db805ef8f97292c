package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.ProtocolAdapter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which adapter owns which point, for routing writes. Adapters whose points appear at run time
 * (Zigbee devices joining) are found by re-reading every adapter's {@link ProtocolAdapter#points()}
 * on a miss.
 */
public final class PointDirectory {
  private final List<ProtocolAdapter> adapters;
  private final Map<PointId, Entry> entries = new ConcurrentHashMap<>();

  public record Entry(ProtocolAdapter adapter, PointInfo info) {}

  public PointDirectory(List<ProtocolAdapter> adapters) {
    this.adapters = List.copyOf(adapters);
    refresh();
  }

  private void refresh() {
    for (ProtocolAdapter adapter : adapters) {
      for (PointInfo info : adapter.points()) {
        entries.putIfAbsent(info.id(), new Entry(adapter, info));
      }
    }
  }

  public Optional<Entry> find(PointId id) {
    Entry e = entries.get(id);
    if (e == null) {
      refresh();
      e = entries.get(id);
    }
    return Optional.ofNullable(e);
  }

  /** All points known now. */
  public List<PointInfo> all() {
    refresh();
    return entries.values().stream()
        .map(Entry::info)
        .sorted((a, b) -> a.id().compareTo(b.id()))
        .toList();
  }
}
