package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.ProtocolAdapter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which adapter owns which point, for routing writes and for checking that an adapter's events are
 * for its own points. Adapters whose points appear at run time (Zigbee devices joining) are found
 * by re-reading {@link ProtocolAdapter#points()} on a miss. A point offered by two adapters belongs
 * to the first one (config order); the other is told through {@link AdapterGuard#problem}.
 */
public final class PointDirectory {
  // Changed by a config reload (add, remove) while writes and samples look points up.
  private final List<ProtocolAdapter> adapters;
  private final Map<PointId, Entry> entries = new ConcurrentHashMap<>();

  public record Entry(ProtocolAdapter adapter, PointInfo info) {}

  public PointDirectory(List<ProtocolAdapter> adapters) {
    this.adapters = new CopyOnWriteArrayList<>(adapters);
    refresh();
  }

  /** Adds an adapter (a config reload): its points are found from now on. */
  public void add(ProtocolAdapter adapter) {
    adapters.add(adapter);
    refresh(adapter);
  }

  /**
   * Removes an adapter (a config reload) and forgets its points; a point it shadowed in another
   * adapter belongs to that one from now on.
   */
  public void remove(ProtocolAdapter adapter) {
    adapters.remove(adapter);
    entries.values().removeIf(e -> e.adapter() == adapter);
    refresh();
  }

  /**
   * Re-reads the points of {@code adapter}, which changed in place (a config reload made some of
   * its devices again): points it no longer offers, or offers differently, are forgotten; its other
   * points stay known throughout, so their events are never refused meanwhile.
   */
  public void reshaped(ProtocolAdapter adapter) {
    List<PointInfo> now;
    try {
      now = adapter.points();
    } catch (RuntimeException e) {
      now = null;
    }
    Set<PointInfo> offered = now == null ? Set.of() : new HashSet<>(now);
    entries.values().removeIf(e -> e.adapter() == adapter && !offered.contains(e.info()));
    refresh();
  }

  private void refresh() {
    for (ProtocolAdapter adapter : adapters) {
      refresh(adapter);
    }
  }

  private void refresh(ProtocolAdapter adapter) {
    List<PointInfo> points;
    try {
      points = adapter.points();
    } catch (RuntimeException e) {
      // One adapter's broken points() used to stop the gateway from starting at all. The gateway
      // wraps adapters in an AdapterGuard, which logs this; here the adapter just offers nothing.
      return;
    }
    if (points == null) {
      return;
    }
    for (PointInfo info : points) {
      if (info == null) {
        continue;
      }
      Entry before = entries.putIfAbsent(info.id(), new Entry(adapter, info));
      if (before != null && before.adapter() != adapter && adapter instanceof AdapterGuard guard) {
        // Used to be silent: the second adapter's events for the point reached the rules as if
        // they came from the first, and nothing said why its writes never arrived.
        guard.problem(
            "point_clash",
            "offers point "
                + info.id()
                + ", which adapter "
                + before.adapter().name()
                + " already offers; "
                + before.adapter().name()
                + " keeps it and this adapter's events for it are refused");
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

  /**
   * True if {@code adapter} owns {@code id}. On a miss only that adapter's points are re-read (on
   * the caller's thread, normally the adapter's own): an adapter sending events for points it never
   * declared pays for it itself.
   */
  public boolean owns(ProtocolAdapter adapter, PointId id) {
    Entry e = entries.get(id);
    if (e == null) {
      refresh(adapter);
      e = entries.get(id);
    }
    return e != null && e.adapter() == adapter;
  }

  /** The adapter that owns {@code id}, without re-reading any adapter's points. */
  public Optional<ProtocolAdapter> ownerIfKnown(PointId id) {
    Entry e = entries.get(id);
    return e == null ? Optional.empty() : Optional.of(e.adapter());
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
