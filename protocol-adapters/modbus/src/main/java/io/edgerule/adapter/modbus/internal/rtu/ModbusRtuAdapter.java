package io.edgerule.adapter.modbus.internal.rtu;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.modbus.ModbusRtuBusConfig;
import io.edgerule.adapter.modbus.ModbusRtuDeviceConfig;
import io.edgerule.adapter.modbus.internal.DevicePoller;
import io.edgerule.adapter.modbus.internal.Pdus;
import io.edgerule.adapter.modbus.internal.PlanLimits;
import io.edgerule.adapter.modbus.internal.PollTimer;
import io.edgerule.adapter.modbus.internal.PollerSettings;
import io.edgerule.adapter.modbus.internal.ReadBlock;
import io.edgerule.adapter.modbus.internal.ReadPlanner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One RTU bus and the slaves on it: a {@link DevicePoller} per slave (the same poller as Modbus
 * TCP: coalescing, retries, report by exception, writes), each talking through its {@link UnitLink}
 * to one shared {@link RtuBus}. Two threads, both from the daemon's thread factory: the bus thread
 * (the only one touching the port) and one thread for the pollers' tasks. A config reload that
 * changes slaves but not the bus makes only those slaves again ({@link #reconfigure}).
 */
public final class ModbusRtuAdapter implements ProtocolAdapter {
  private record Unit(ModbusRtuDeviceConfig config, UnitLink link, DevicePoller poller) {}

  private final ModbusRtuBusConfig bus;
  private final RtuBus rtuBus;
  private final AdapterContext context;
  private final ExecutorService pollerThread;
  // Replaced whole by reconfigure (never changed in place), read by write and health.
  private volatile Map<String, Unit> units;
  private volatile List<PointInfo> points;
  private volatile EventSink sink; // guarded by this for writes; set by start
  private final AtomicBoolean closed = new AtomicBoolean();

  public ModbusRtuAdapter(
      ModbusRtuBusConfig bus, List<ModbusRtuDeviceConfig> devices, AdapterContext context) {
    this(bus, devices, context, port(bus));
  }

  /** With a given port (tests). */
  public ModbusRtuAdapter(
      ModbusRtuBusConfig bus,
      List<ModbusRtuDeviceConfig> devices,
      AdapterContext context,
      BusPort port) {
    this.bus = bus;
    this.context = context;
    this.rtuBus =
        new RtuBus(
            port,
            new RtuBus.Settings(
                bus.timeout(),
                bus.interFrameGap().toNanos(),
                bus.characterNanos(),
                bus.echo(),
                bus.reconnect()),
            context.threadFactory(),
            context.metrics());
    this.pollerThread = Executors.newSingleThreadExecutor(context.threadFactory());
    Map<String, Unit> made = new LinkedHashMap<>();
    for (ModbusRtuDeviceConfig d : devices) {
      made.put(d.name(), unit(d));
    }
    this.units = made;
    this.points = pointsOf(made);
  }

  /** A slave's link on the bus and its poller (not started). */
  private Unit unit(ModbusRtuDeviceConfig d) {
    PlanLimits limits = new PlanLimits(d.maxGap(), d.maxBitGap(), d.maxRegisters(), d.maxBits());
    List<ReadBlock> plan = ReadPlanner.plan(d.points(), limits);
    // A slave that stopped answering is asked again with its first read; any answer will do.
    UnitLink link =
        rtuBus.unit(d.unitId(), Math.max(2, d.retries() + 1), Pdus.read(plan.get(0)), d.name());
    DevicePoller poller =
        new DevicePoller(
            settings(d, bus, limits),
            d.points(),
            link,
            PollTimer.of(context.scheduler()),
            pollerThread,
            context.clock(),
            context.metrics(),
            "modbus-rtu");
    return new Unit(d, link, poller);
  }

  private static List<PointInfo> pointsOf(Map<String, Unit> units) {
    List<PointInfo> points = new ArrayList<>();
    for (Unit u : units.values()) {
      ModbusRtuDeviceConfig d = u.config();
      d.points()
          .forEach(
              p ->
                  points.add(
                      new PointInfo(
                          new PointId(d.name(), p.name()),
                          p.valueType(),
                          p.writable(),
                          p.describe() + " unit " + d.unitId())));
    }
    return List.copyOf(points);
  }

  /**
   * Takes the slaves of a config reload on this bus without closing it: a slave whose entry is
   * unchanged keeps its poller (schedule, report-by-exception state, pending writes); a changed one
   * is closed and made again, a removed one closed, a new one made; new pollers start at once if
   * the adapter runs. The port stays open and the bus thread keeps running.
   *
   * @return the slaves made again, added or removed, by name; empty, with nothing changed, when a
   *     bus setting differs (port, baud, parity, timing...): then the whole bus must be made again
   */
  public synchronized Optional<List<String>> reconfigure(List<ModbusRtuDeviceConfig> next) {
    if (closed.get() || next.isEmpty() || !next.get(0).bus().equals(bus)) {
      return Optional.empty();
    }
    Map<String, Unit> now = units;
    Map<String, ModbusRtuDeviceConfig> wanted = new LinkedHashMap<>();
    next.forEach(d -> wanted.put(d.name(), d));
    List<String> touched = new ArrayList<>();
    // Closed first, so that a new slave may take the unit id an old one leaves.
    for (Unit u : now.values()) {
      if (!u.config().equals(wanted.get(u.config().name()))) {
        u.poller().close();
        rtuBus.remove(u.link());
        touched.add(u.config().name());
      }
    }
    Map<String, Unit> result = new LinkedHashMap<>();
    List<Unit> fresh = new ArrayList<>();
    for (ModbusRtuDeviceConfig d : next) {
      Unit kept = now.get(d.name());
      if (kept != null && kept.config().equals(d)) {
        result.put(d.name(), kept);
      } else {
        Unit u = unit(d);
        result.put(d.name(), u);
        fresh.add(u);
        if (!touched.contains(d.name())) {
          touched.add(d.name());
        }
      }
    }
    units = result;
    points = pointsOf(result);
    EventSink s = sink;
    if (s != null) {
      fresh.forEach(u -> u.poller().start(s));
    }
    return Optional.of(List.copyOf(touched));
  }

  private static BusPort port(ModbusRtuBusConfig bus) {
    if (bus.isTcp()) {
      // a device server answers a connect quickly or not at all; never wait less than 2 s
      Duration connect =
          bus.timeout().compareTo(Duration.ofSeconds(2)) > 0
              ? bus.timeout()
              : Duration.ofSeconds(2);
      return new TcpBusPort(bus.tcpHost(), bus.tcpPort(), connect);
    }
    return new SerialBusPort(
        bus.port(), bus.baud(), bus.dataBits(), bus.parity(), bus.stopBits(), bus.rs485Mode());
  }

  static PollerSettings settings(
      ModbusRtuDeviceConfig d, ModbusRtuBusConfig bus, PlanLimits limits) {
    return new PollerSettings(
        d.name(),
        d.unitId(),
        d.pollInterval(),
        bus.timeout(),
        d.retries(),
        bus.reconnect(),
        d.integrityInterval(),
        limits);
  }

  @Override
  public String name() {
    return "modbus-rtu:" + bus.port();
  }

  @Override
  public List<PointInfo> points() {
    return points;
  }

  @Override
  public synchronized CompletionStage<Void> start(EventSink sink) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException(name() + " is closed"));
    }
    if (this.sink == null) {
      this.sink = sink;
      units.values().forEach(u -> u.poller().start(sink));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    if (closed.get()) {
      return CompletableFuture.completedFuture(WriteResult.timeout(command, name() + " is closed"));
    }
    Unit unit = units.get(command.point().device());
    if (unit == null) {
      return CompletableFuture.completedFuture(
          WriteResult.rejected(command, "unknown point " + command.point()));
    }
    return unit.poller().write(command);
  }

  @Override
  public AdapterHealth health() {
    List<AdapterHealth.DeviceHealth> devices = new ArrayList<>();
    for (Unit u : units.values()) {
      AdapterHealth.DeviceHealth h = u.poller().health();
      Map<String, Long> counters = new LinkedHashMap<>(h.counters());
      counters.putAll(u.link().counters());
      devices.add(new AdapterHealth.DeviceHealth(h.device(), h.state(), h.lastError(), counters));
    }
    devices.add(rtuBus.health());
    AdapterHealth.State state =
        closed.get() ? AdapterHealth.State.STOPPED : AdapterHealth.summarize(devices);
    return new AdapterHealth(name(), state, devices);
  }

  /** The reads one cycle of {@code device} makes now (for tests and diagnostics). */
  public List<ReadBlock> plan(String device) {
    return units.get(device).poller().plan();
  }

  @Override
  public synchronized void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        units.values().forEach(u -> u.poller().close());
      } finally {
        rtuBus.close();
        pollerThread.shutdown();
      }
    }
  }
}
