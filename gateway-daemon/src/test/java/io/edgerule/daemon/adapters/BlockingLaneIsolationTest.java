package io.edgerule.daemon.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.PipelineConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One adapter's blocking calls never hold up another adapter's: an adapter whose blocking calls
 * hang (an OPC-UA connect to a PLC that does not answer, several of them) fills only its own lane,
 * and a second adapter's blocking work still runs at once. With the old shared pool of four
 * threads, the hanging adapter's eight calls took every thread and the second adapter's call waited
 * behind them for as long as they hung.
 */
class BlockingLaneIsolationTest {
  /** More blocking calls than the old shared pool had threads. */
  private static final int HANGING_CALLS = 8;

  @TempDir Path tmp;

  /** {@code hangs}: the adapter's blocking calls wait until the test releases them. */
  record Device(String name, boolean hangs) implements DeviceConfig {}

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger hanging = new AtomicInteger();

  /** Submits blocking work at start: eight calls that hang, or one that hands in a sample. */
  final class LaneAdapter implements ProtocolAdapter {
    private final Device device;
    private final AdapterContext context;

    LaneAdapter(Device device, AdapterContext context) {
      this.device = device;
      this.context = context;
    }

    @Override
    public String name() {
      return "lane:" + device.name();
    }

    @Override
    public List<PointInfo> points() {
      return List.of(new PointInfo(point(), ValueType.FLOAT64, false, "v"));
    }

    private PointId point() {
      return PointId.parse(device.name() + "/v");
    }

    @Override
    public CompletionStage<Void> start(EventSink sink) {
      if (device.hangs()) {
        for (int i = 0; i < HANGING_CALLS; i++) {
          context
              .blockingIo()
              .execute(
                  () -> {
                    hanging.incrementAndGet();
                    try {
                      release.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
        }
      } else {
        context
            .blockingIo()
            .execute(
                () -> sink.accept(PointSample.good(point(), PointValue.of(1.0), Instant.now())));
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<WriteResult> write(WriteCommand command) {
      return CompletableFuture.completedFuture(WriteResult.rejected(command, "read-only"));
    }

    @Override
    public AdapterHealth health() {
      return new AdapterHealth(name(), AdapterHealth.State.UP, List.of());
    }

    @Override
    public void close() {}
  }

  final class Factory implements AdapterFactory<Device> {
    @Override
    public String protocol() {
      return "lane";
    }

    @Override
    public Class<Device> configType() {
      return Device.class;
    }

    @Override
    public ProtocolAdapter createAdapter(List<Device> unit, AdapterContext context) {
      return new LaneAdapter(unit.get(0), context);
    }
  }

  @Test
  void anAdapterWhoseBlockingCallsHangDoesNotDelayAnotherAdaptersBlockingWork() throws Exception {
    CountDownLatch probed = new CountDownLatch(1);
    GatewayListener listener =
        new GatewayListener() {
          @Override
          public void onEvent(PointEvent event) {
            if (event.point().equals(PointId.parse("zigbee/v"))) {
              probed.countDown();
            }
          }
        };
    GatewayConfig config =
        new GatewayConfig(
            new GatewaySection("lanes-gw", tmp.resolve("state")),
            // The hanging adapter starts first, so its calls are queued before the other's.
            List.of(new Device("plc", true), new Device("zigbee", false)),
            List.of(),
            null,
            new PipelineConfig(1000, 64, 1, Duration.ofSeconds(30)),
            null);
    try (Gateway gw = Gateway.start(config, List.of(new Factory()), listener, Clock.systemUTC())) {
      try {
        // A hang net, not a timing: on a loaded machine the sample may take a while.
        assertTrue(
            probed.await(2, TimeUnit.MINUTES),
            "the second adapter's blocking work ran while the first one's calls hung");
        assertTrue(hanging.get() >= 1, "the first adapter's calls were hanging meanwhile");
        assertEquals(1, release.getCount(), "and were never released");
      } finally {
        release.countDown();
      }
    }
  }
}
