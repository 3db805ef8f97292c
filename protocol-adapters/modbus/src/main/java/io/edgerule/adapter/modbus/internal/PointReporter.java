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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one device's read responses and failures into samples: decodes each point of a response,
 * lets the point's report-by-exception filter decide, and hands what passes to the sink at once.
 * Not thread-safe: one poller's serial tasks own it.
 *
 * <p>Per register it does no look-up and, while the register does not change, no allocation but the
 * sample: each read has a table of its points made once ({@link #table}), each point keeps its id,
 * its filter and its last decoded value (batch telemetry at 500,000 samples/s spent the adapter
 * thread in a look-up of the filter and of the id by name per register, and allocated a value, a
 * filter record and the sample per register).
 */
final class PointReporter {
  private static final Logger log = LoggerFactory.getLogger(DevicePoller.class);

  /** One configured point and what is remembered of it. */
  private static final class Tracked {
    final ModbusPointConfig config;
    final PointId id;
    final ReportFilter filter = new ReportFilter();
    long raw; // the register pattern `decoded` came from
    PointValue decoded; // null until the first decode

    Tracked(ModbusPointConfig config, PointId id) {
      this.config = config;
      this.id = id;
    }

    /** The point's value in a response from register {@code blockStart}; throws if not in it. */
    PointValue decode(byte[] data, int blockStart) {
      long now = PointCodec.raw(config, data, blockStart);
      if (decoded == null || now != raw) { // an equal pattern decodes to an equal value
        decoded = PointCodec.fromRaw(config, now);
        raw = now;
      }
      return decoded;
    }
  }

  private final String device;
  private final Clock clock;
  private final CounterSet<DeviceCounter> counters;
  private final Map<String, Tracked> byName = new LinkedHashMap<>(); // config order

  /** The points of each read, by the read's identity: the plan's reads and the splits' singles. */
  private final Map<ReadBlock, Tracked[]> tables = new IdentityHashMap<>();

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
      byName.put(p.name(), new Tracked(p, new PointId(device, p.name())));
    }
  }

  /** Where samples go from now on. */
  void sendTo(EventSink sink) {
    this.sink = sink;
  }

  /** The configured point named {@code name}, or null. */
  ModbusPointConfig point(String name) {
    Tracked t = byName.get(name);
    return t == null ? null : t.config;
  }

  /**
   * The points of a response: {@code data} holds the block's bits or registers. A point that does
   * not decode throws, and the samples of the points before it stay waiting for the next hand-in.
   */
  void answered(ReadBlock block, byte[] data, boolean integrity) {
    Instant at = clock.instant(); // the response's arrival: the source time of all its points
    boolean bits = block.table().isBits();
    int start = block.start();
    for (Tracked p : table(block)) {
      PointValue value =
          bits
              ? PointCodec.decodeBit(RegisterCodec.bit(data, p.config.address() - start))
              : p.decode(data, start);
      emit(p, value, Quality.GOOD, integrity, at);
    }
    handIn();
  }

  /** The points of {@code block} could not be read: BAD with {@code reason}, no value. */
  void bad(ReadBlock block, String reason, boolean integrity) {
    bad(List.of(table(block)), reason, integrity);
  }

  /** No point could be read (no connection): BAD with {@code reason}, no value. */
  void allBad(String reason, boolean integrity) {
    bad(byName.values(), reason, integrity);
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

  /** The points of {@code block}, in its order; made at its first response. */
  private Tracked[] table(ReadBlock block) {
    Tracked[] table = tables.get(block);
    if (table == null) {
      List<ModbusPointConfig> points = block.points();
      table = new Tracked[points.size()];
      for (int i = 0; i < table.length; i++) {
        table[i] = byName.get(points.get(i).name());
      }
      tables.put(block, table);
    }
    return table;
  }

  private void bad(Iterable<Tracked> points, String reason, boolean integrity) {
    Quality bad = Quality.bad(reason);
    Instant at = clock.instant();
    for (Tracked p : points) {
      emit(p, null, bad, integrity, at);
    }
    handIn();
  }

  /** Adds a point's sample to {@link #outgoing} if its report-by-exception filter lets it pass. */
  private void emit(Tracked p, PointValue value, Quality quality, boolean integrity, Instant at) {
    if (p.filter.offer(p.config.deadband(), value, quality, integrity)) {
      outgoing.add(new PointSample(p.id, value, quality, at));
    }
  }

  /**
   * Hands the samples of one response (or one failure) to the sink at once: one hand-off and one
   * wake-up of the gateway's dispatcher per response instead of one per point.
   */
  private void handIn() {
    if (outgoing.isEmpty()) {
      return;
    }
    counters.add(SAMPLES, outgoing.size());
    try {
      sink.acceptAll(outgoing);
    } catch (RuntimeException e) {
      log.error("{}: event sink failed on {} samples", device, outgoing.size(), e);
    } finally {
      outgoing.clear();
    }
  }
}
