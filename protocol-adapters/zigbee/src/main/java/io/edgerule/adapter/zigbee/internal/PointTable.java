package io.edgerule.adapter.zigbee.internal;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The points an adapter offers (growing as devices are discovered) and the last sample of each, so
 * that a state change (coordinator offline, device left) is emitted once, not on every check.
 */
public final class PointTable {
  private final Map<PointId, PointInfo> points = new ConcurrentHashMap<>();
  private final Map<PointId, PointSample> last = new ConcurrentHashMap<>();
  private volatile EventSink sink = sample -> {};

  public void setSink(EventSink sink) {
    this.sink = Objects.requireNonNull(sink);
  }

  public void add(PointInfo info) {
    points.put(info.id(), info);
  }

  /** All points, sorted by id. */
  public List<PointInfo> list() {
    List<PointInfo> list = new ArrayList<>(points.values());
    list.sort((a, b) -> a.id().compareTo(b.id()));
    return Collections.unmodifiableList(list);
  }

  public Optional<PointInfo> get(PointId id) {
    return Optional.ofNullable(points.get(id));
  }

  public Optional<PointSample> last(PointId id) {
    return Optional.ofNullable(last.get(id));
  }

  /** Emits a GOOD value (every report is emitted: the sink's consumers decide about duplicates). */
  public void good(PointId id, PointValue value, Instant time) {
    emit(PointSample.good(id, value, time));
  }

  /** Emits a non-GOOD quality unless the point already has exactly that quality. */
  public void quality(PointId id, Quality quality, Instant time) {
    PointSample previous = last.get(id);
    if (previous != null && previous.quality().equals(quality)) {
      return;
    }
    emit(new PointSample(id, null, quality, time));
  }

  private void emit(PointSample sample) {
    last.put(sample.point(), sample);
    sink.accept(sample);
  }
}
