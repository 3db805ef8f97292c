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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A device the test drives by hand: {@link #push} hands a sample to the gateway at once; writes are
 * accepted and recorded. Offers {@code <name>/level} (float) and {@code <name>/out} (int,
 * writable).
 */
public final class PushAdapter implements ProtocolAdapter {
  /** The device config; {@code protocol: push} in tests that build configs in Java. */
  public record Device(String name) implements DeviceConfig {}

  /** Hands out one adapter per device and remembers the last one made. */
  public static final class Factory implements AdapterFactory<Device> {
    public volatile PushAdapter last;

    @Override
    public String protocol() {
      return "push";
    }

    @Override
    public Class<Device> configType() {
      return Device.class;
    }

    @Override
    public ProtocolAdapter createAdapter(List<Device> unit, AdapterContext context) {
      PushAdapter a = new PushAdapter(unit.get(0).name());
      last = a;
      return a;
    }
  }

  private final String device;
  private volatile EventSink sink;
  public final ConcurrentLinkedQueue<WriteCommand> writes = new ConcurrentLinkedQueue<>();
  public volatile boolean closed;

  /**
   * Whether {@link #health()} lists the device (UP), as device adapters do; off by default, so the
   * state message of tests that do not need it stays as it was.
   */
  public volatile boolean reportsDevice;

  PushAdapter(String device) {
    this.device = device;
  }

  public void push(String point, double value) {
    sink.accept(
        PointSample.good(PointId.parse(device + "/" + point), PointValue.of(value), Instant.now()));
  }

  /** Says that the device's read cycle ended ({@code EventSink.cycleEnd}). */
  public void cycleEnd() {
    sink.cycleEnd(device);
  }

  @Override
  public String name() {
    return "push:" + device;
  }

  @Override
  public List<PointInfo> points() {
    return List.of(
        new PointInfo(PointId.parse(device + "/level"), ValueType.FLOAT64, false, "level"),
        new PointInfo(PointId.parse(device + "/out"), ValueType.INT64, true, "out"));
  }

  @Override
  public CompletionStage<Void> start(EventSink sink) {
    this.sink = sink;
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    writes.add(command);
    return CompletableFuture.completedFuture(WriteResult.ok(command));
  }

  @Override
  public AdapterHealth health() {
    return new AdapterHealth(
        name(),
        AdapterHealth.State.UP,
        reportsDevice
            ? List.of(new AdapterHealth.DeviceHealth(device, AdapterHealth.State.UP, "", Map.of()))
            : List.of());
  }

  @Override
  public void close() {
    closed = true;
  }
}
