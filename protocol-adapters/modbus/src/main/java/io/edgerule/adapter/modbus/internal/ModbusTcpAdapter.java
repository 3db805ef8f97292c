package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTcpDeviceConfig;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/** One Modbus TCP device: its own connection and its own poll schedule. */
public final class ModbusTcpAdapter implements ProtocolAdapter {
  private final ModbusTcpDeviceConfig config;
  private final List<PointInfo> points;
  private final DevicePoller poller;
  private final Runnable releaseThreads;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  public ModbusTcpAdapter(
      ModbusTcpDeviceConfig config, AdapterContext context, NettyResources threads) {
    this.config = config;
    this.points =
        config.points().stream()
            .map(
                p ->
                    new PointInfo(
                        new PointId(config.name(), p.name()),
                        p.valueType(),
                        p.writable(),
                        p.describe()))
            .toList();
    this.releaseThreads = threads.lease();
    ModbusLink link =
        new TcpLink(
            config.host(),
            config.port(),
            config.timeout(),
            threads,
            context.scheduler(),
            context.blockingIo());
    this.poller =
        new DevicePoller(
            settings(config),
            config.points(),
            link,
            PollTimer.of(context.scheduler()),
            threads.executor(),
            context.clock(),
            context.metrics(),
            "modbus-tcp");
  }

  static PollerSettings settings(ModbusTcpDeviceConfig c) {
    return new PollerSettings(
        c.name(),
        c.unitId(),
        c.pollInterval(),
        c.timeout(),
        c.retries(),
        c.reconnect(),
        c.integrityInterval(),
        new PlanLimits(c.maxGap(), c.maxBitGap(), c.maxRegisters(), c.maxBits()));
  }

  @Override
  public String name() {
    return "modbus-tcp:" + config.name();
  }

  @Override
  public List<PointInfo> points() {
    return points;
  }

  @Override
  public CompletionStage<Void> start(EventSink sink) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException(name() + " is closed"));
    }
    if (started.compareAndSet(false, true)) {
      poller.start(sink);
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    if (closed.get()) {
      return CompletableFuture.completedFuture(WriteResult.timeout(command, name() + " is closed"));
    }
    return poller.write(command);
  }

  @Override
  public AdapterHealth health() {
    AdapterHealth.DeviceHealth device = poller.health();
    return new AdapterHealth(name(), device.state(), List.of(device));
  }

  /** The reads one cycle makes now (for tests and diagnostics). */
  public List<ReadBlock> plan() {
    return poller.plan();
  }

  /** The device's configured points. */
  public List<ModbusPointConfig> pointConfigs() {
    return config.points();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        poller.close();
      } finally {
        releaseThreads.run();
      }
    }
  }
}
