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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An adapter whose every method the test replaces to break the {@link ProtocolAdapter} contract. By
 * default it is well-behaved: device {@code pump} with {@code pump/temp} (float) and {@code
 * pump/set} (int, writable), writes answered OK.
 */
public final class ChaosAdapter implements ProtocolAdapter {
  public static final PointId TEMP = PointId.parse("pump/temp");
  public static final PointId SET = PointId.parse("pump/set");

  /** The device config of the one chaos adapter. */
  public record Device(String name) implements DeviceConfig {}

  /** Hands out this adapter for the device {@code pump}. */
  public final class Factory implements AdapterFactory<Device> {
    @Override
    public String protocol() {
      return "chaos";
    }

    @Override
    public Class<Device> configType() {
      return Device.class;
    }

    @Override
    public ProtocolAdapter createAdapter(List<Device> unit, AdapterContext context) {
      return ChaosAdapter.this;
    }
  }

  public volatile Supplier<List<PointInfo>> points =
      () ->
          List.of(
              new PointInfo(TEMP, ValueType.FLOAT64, false, "temp"),
              new PointInfo(SET, ValueType.INT64, true, "set"));
  public volatile Function<EventSink, CompletionStage<Void>> start =
      sink -> CompletableFuture.completedFuture(null);
  public volatile Function<WriteCommand, CompletionStage<WriteResult>> write =
      command -> CompletableFuture.completedFuture(WriteResult.ok(command));
  public volatile Supplier<AdapterHealth> health =
      () -> new AdapterHealth("chaos:pump", AdapterHealth.State.UP, List.of());
  public volatile Runnable close = () -> {};

  /** The sink the gateway handed to start(). */
  public volatile EventSink sink;

  /** Counted down when close() is called (before the test's close behaviour runs). */
  public final CountDownLatch closeCalled = new CountDownLatch(1);

  public Factory factory() {
    return new Factory();
  }

  public static PointSample sample(PointId point, double value) {
    return PointSample.good(point, PointValue.of(value), Instant.EPOCH);
  }

  @Override
  public String name() {
    return "chaos:pump";
  }

  @Override
  public List<PointInfo> points() {
    return points.get();
  }

  @Override
  public CompletionStage<Void> start(EventSink sink) {
    this.sink = sink;
    return start.apply(sink);
  }

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    return write.apply(command);
  }

  @Override
  public AdapterHealth health() {
    return health.get();
  }

  @Override
  public void close() {
    closeCalled.countDown();
    close.run();
  }
}
