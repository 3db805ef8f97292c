package io.edgerule.daemon.state;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.daemon.namespace.GatewayState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last event of every configured point, for the status page ({@code points} of the state
 * snapshot). The table is built from the configured points and never changes shape (a config reload
 * that changes the devices replaces it whole), so the dispatcher's per-event {@link #record} is a
 * volatile read, a lookup in a map nobody writes to and one volatile write: no lock, no allocation.
 * Events of points not configured (none today) are ignored.
 */
public final class LatestSamples {
  private static final class Cell {
    final PointInfo info;
    volatile PointEvent last;

    Cell(PointInfo info) {
      this.info = info;
    }
  }

  /** The table's shape: never changed, replaced whole when the devices change. */
  private record Shape(Map<PointId, Cell> cells, List<Cell> ordered) {}

  private volatile Shape shape;

  public LatestSamples(List<PointInfo> points) {
    this.shape = shape(points, Map.of());
  }

  private static Shape shape(List<PointInfo> points, Map<PointId, Cell> before) {
    Map<PointId, Cell> m = new HashMap<>(points.size() * 2);
    List<Cell> o = new ArrayList<>(points.size());
    for (PointInfo p : points) {
      Cell kept = before.get(p.id());
      Cell c = kept != null && kept.info.equals(p) ? kept : new Cell(p);
      if (m.putIfAbsent(p.id(), c) == null) {
        o.add(c);
      }
    }
    return new Shape(m, List.copyOf(o));
  }

  /**
   * Takes the points after a config reload changed the devices: points that stay keep their last
   * value, new ones start empty, removed ones go.
   */
  public void reshape(List<PointInfo> points) {
    shape = shape(points, shape.cells());
  }

  /** Called by the dispatcher for every event. */
  public void record(PointEvent event) {
    Cell c = shape.cells().get(event.point());
    if (c != null) {
      c.last = event;
    }
  }

  /** Every point in configuration order, with its last value (null before its first sample). */
  public List<GatewayState.PointState> snapshot() {
    List<Cell> ordered = shape.ordered();
    List<GatewayState.PointState> out = new ArrayList<>(ordered.size());
    for (Cell c : ordered) {
      PointEvent e = c.last;
      out.add(
          e == null
              ? new GatewayState.PointState(c.info.id(), null, null, null)
              : new GatewayState.PointState(c.info.id(), e.value(), e.quality(), e.sourceTime()));
    }
    return out;
  }
}
