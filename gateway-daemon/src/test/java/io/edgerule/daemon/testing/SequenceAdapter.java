package io.edgerule.daemon.testing;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated device that hands the gateway sequence-numbered samples at a fixed rate: sample
 * {@code i} goes to point {@code p<i % points>} with the value {@code i / points}, so each point's
 * values count 0, 1, 2, ... and a subscriber can tell a lost, doubled or reordered sample. The
 * producer runs until {@link #stop()} or {@code limit} samples. Point {@code out} is writable;
 * writes are counted.
 *
 * <p>With {@code cycle} > 0 the device reads like a polling adapter: it hands in {@code cycle}
 * samples at once ({@code acceptAll}) and then ends the read cycle ({@code cycleEnd}), and counts
 * them as produced only when {@code cycleEnd} returned, the moment a batch-mode gateway takes
 * responsibility for them.
 */
public final class SequenceAdapter implements ProtocolAdapter {
  /**
   * @param rate samples per second, over all points (0: none)
   * @param limit samples in all, at most
   * @param cycle samples per read cycle (0: one {@code accept} per sample, no cycles)
   */
  public record Device(String name, int points, int rate, long limit, int cycle)
      implements DeviceConfig {
    /** One sample at a time, no read cycles. */
    public Device(String name, int points, int rate, long limit) {
      this(name, points, rate, limit, 0);
    }
  }

  /** One adapter per device; remembers the last one made. */
  public static final class Factory implements AdapterFactory<Device> {
    public volatile SequenceAdapter last;

    @Override
    public String protocol() {
      return "sequence";
    }

    @Override
    public Class<Device> configType() {
      return Device.class;
    }

    @Override
    public ProtocolAdapter createAdapter(List<Device> unit, AdapterContext context) {
      SequenceAdapter a = new SequenceAdapter(unit.get(0));
      last = a;
      return a;
    }
  }

  private final Device device;
  private final List<PointId> ids = new ArrayList<>();
  private final AtomicLong produced = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private volatile boolean running = true;
  private Thread producer;

  SequenceAdapter(Device device) {
    this.device = device;
    for (int p = 0; p < device.points(); p++) {
      ids.add(PointId.parse(device.name() + "/p" + p));
    }
  }

  /** Samples handed to the gateway so far. */
  public long produced() {
    return produced.get();
  }

  public long writes() {
    return writes.get();
  }

  /** Waits (at most 5 minutes) until {@code n} samples were handed over. */
  public void awaitProduced(long n) throws InterruptedException {
    Poll.until(
        () -> produced.get() >= n,
        java.time.Duration.ofMinutes(5),
        "the device produced " + n + " samples (so far " + produced.get() + ")");
  }

  /** Stops producing; returns how many samples were handed over. */
  public long stop() throws InterruptedException {
    running = false;
    if (producer != null) {
      producer.join();
    }
    return produced.get();
  }

  @Override
  public String name() {
    return "sequence:" + device.name();
  }

  @Override
  public List<PointInfo> points() {
    List<PointInfo> out = new ArrayList<>();
    for (PointId id : ids) {
      out.add(new PointInfo(id, ValueType.INT64, false, "sequence"));
    }
    out.add(new PointInfo(PointId.parse(device.name() + "/out"), ValueType.INT64, true, "out"));
    return out;
  }

  @Override
  public CompletionStage<Void> start(EventSink sink) {
    if (device.rate() > 0) {
      producer = new Thread(() -> produce(sink), "sequence-" + device.name());
      producer.setDaemon(true);
      producer.start();
    }
    return CompletableFuture.completedFuture(null);
  }

  private void produce(EventSink sink) {
    long start = System.nanoTime();
    int points = device.points();
    int cycle = device.cycle();
    List<PointSample> response = new ArrayList<>();
    for (long i = 0; running && i < device.limit(); i++) {
      // Paces the load: sample i is due at i / rate seconds (load generation, not synchronisation).
      long due = start + i * 1_000_000_000L / device.rate();
      long wait = due - System.nanoTime();
      if (wait > 1_000_000) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
      PointSample sample =
          PointSample.good(ids.get((int) (i % points)), PointValue.of(i / points), Instant.now());
      if (cycle == 0) {
        sink.accept(sample);
        produced.incrementAndGet();
      } else {
        response.add(sample);
        if (response.size() == cycle) {
          sink.acceptAll(response);
          sink.cycleEnd(device.name());
          produced.addAndGet(cycle);
          response.clear();
        }
      }
    }
  }

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    writes.incrementAndGet();
    return CompletableFuture.completedFuture(WriteResult.ok(command));
  }

  @Override
  public AdapterHealth health() {
    return new AdapterHealth(name(), AdapterHealth.State.UP, List.of());
  }

  @Override
  public void close() {
    running = false;
  }
}
