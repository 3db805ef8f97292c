package io.edgerule.adapter.modbus.internal;

import static io.edgerule.adapter.modbus.internal.DeviceCounter.SAMPLES;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one device's read responses and failures into samples: decodes each point of a response,
 * lets the report-by-exception filter decide, and hands what passes to the sink at once. Not
 * thread-safe: one poller's serial tasks own it.
 */
final class PointReporter {
  private static final Logger log = LoggerFactory.getLogger(DevicePoller.class);

  private final String device;
  private final Clock clock;
  private final CounterSet<DeviceCounter> counters;
  private final Map<String, ModbusPointConfig> points = new LinkedHashMap<>();
  private final Map<String, PointId> ids = new LinkedHashMap<>();
  private final ReportFilter filter = new ReportFilter();
  private final List<PointSample> outgoing = new ArrayList<>(); // see handIn
  private EventSink sink = sample -> {};

  PointReporter(
      String device,
      List<ModbusPointConfig> pointConfigs,
      Clock clock,
      CounterSet<DeviceCounter> counters) {
    this.device = device;
    this.clock = clock;
    this.counters = counters;
    for (ModbusPointConfig p : pointConfigs) {
      points.put(p.name(), p);
      ids.put(p.name(), new PointId(device, p.name()));
    }
  }

  /** Where samples go from now on. */
  void sendTo(EventSink sink) {
    this.sink = sink;
  }

  /** The configured point named {@code name}, or null. */
  ModbusPointConfig point(String name) {
    return points.get(name);
  }

  /** Every configured point, in config order. */
  Collection<ModbusPointConfig> points() {
    return points.values();
  }

  /**
   * The points of a response: {@code data} holds the block's bits or registers. A point that does
   * not decode throws, and the samples of the points before it stay waiting for the next hand-in.
   */
  void answered(ReadBlock block, byte[] data, boolean integrity) {
    Instant at = clock.instant(); // the response's arrival: the source time of all its points
    for (ModbusPointConfig p : block.points()) {
      PointValue value =
          block.table().isBits()
              ? PointCodec.decodeBit(RegisterCodec.bit(data, p.address() - block.start()))
              : PointCodec.decodeRegisters(p, data, block.start());
      emit(p, value, Quality.GOOD, integrity, at);
    }
    handIn();
  }

  /** {@code failed} could not be read: BAD with {@code reason}, no value. */
  void bad(Collection<ModbusPointConfig> failed, String reason, boolean integrity) {
    Quality bad = Quality.bad(reason);
    Instant at = clock.instant();
    for (ModbusPointConfig p : failed) {
      emit(p, null, bad, integrity, at);
    }
    handIn();
  }

  /** Every sample of a read cycle has been handed in. */
  void cycleEnd() {
    try {
      // Every read of the cycle has answered or failed: its samples are all handed in, so the
      // gateway can send them as one telemetry batch now.
      sink.cycleEnd(device);
    } catch (RuntimeException e) {
      log.error("{}: event sink failed at the end of a cycle", device, e);
    }
  }

  /** Adds a point's sample to {@link #outgoing} if the report-by-exception filter lets it pass. */
  private void emit(
      ModbusPointConfig p, PointValue value, Quality quality, boolean integrity, Instant at) {
    if (!filter.offer(p.name(), p.deadband(), value, quality, integrity)) {
      return;
    }
    counters.increment(SAMPLES);
    outgoing.add(new PointSample(ids.get(p.name()), value, quality, at));
  }

  /**
   * Hands the samples of one response (or one failure) to the sink at once: one hand-off and one
   * wake-up of the gateway's dispatcher per response instead of one per point.
   */
  private void handIn() {
    if (outgoing.isEmpty()) {
      return;
    }
    try {
      sink.acceptAll(outgoing);
    } catch (RuntimeException e) {
      log.error("{}: event sink failed on {} samples", device, outgoing.size(), e);
    } finally {
      outgoing.clear();
    }
  }
}
