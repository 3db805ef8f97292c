package io.edgerule.adapter.zigbee;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.AdapterHealth.DeviceHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.zigbee.internal.DeviceSession;
import io.edgerule.adapter.zigbee.internal.FileNetworkDataStore;
import io.edgerule.adapter.zigbee.internal.PointTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A Zigbee network through one coordinator dongle, on the zsmartsystems Zigbee stack.
 *
 * <p>Points: {@code <name>/permit_join} (int64 seconds, writable: 0 closes the join window) and
 * {@code <name>/online} (bool) for the coordinator; for every discovered device {@code
 * <device>/<point>} from the {@link io.edgerule.adapter.zigbee.internal.ClusterCatalog}, plus
 * {@code <device>/leave}. The device name is its configured alias or its IEEE address in hex.
 * {@link #points()} grows when devices are discovered; devices stored from an earlier run are
 * listed from the start.
 *
 * <p>Life: {@link #start} brings the network up on the daemon's blocking executor (retrying with
 * backoff while the dongle is absent); the network and the paired devices are stored under {@code
 * <state>/zigbee/<name>/} and resumed on the next start without re-pairing.
 */
public final class ZigbeeCoordinatorAdapter implements ProtocolAdapter {
  // The adapter wires its parts and answers the SPI; each part has one job: the link to the dongle
  // (CoordinatorLink), the devices and their set-up (DeviceSync), the periodic checks
  // (Housekeeping), the join window (JoinWindow) and writes (WriteHandler). LinkState is what they
  // all read about the link.
  private final ZigbeeCoordinatorConfig config;
  private final Path stateDirectory;
  private final PointTable table = new PointTable();
  private final LinkState link;
  private final DeviceSync devices;
  private final Housekeeping housekeeping;
  private final CoordinatorLink coordinator;
  private final WriteHandler writes;

  /**
   * Creates the adapter without any I/O to the dongle; reads the devices stored by an earlier run
   * so that {@link #points()} lists them.
   *
   * @throws UncheckedIOException when the state directory cannot be created
   */
  public ZigbeeCoordinatorAdapter(ZigbeeCoordinatorConfig config, AdapterContext context) {
    this.config = config;
    this.stateDirectory = context.stateDirectory().resolve("zigbee").resolve(config.name());
    PointId permitJoinPoint = new PointId(config.name(), "permit_join");
    PointId onlinePoint = new PointId(config.name(), "online");
    FileNetworkDataStore store;
    try {
      Files.createDirectories(stateDirectory);
      store = new FileNetworkDataStore(stateDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "zigbee " + config.name() + ": cannot create state directory " + stateDirectory, e);
    }
    this.link = new LinkState(context);
    this.devices = new DeviceSync(config, context, table, link);
    this.housekeeping = new Housekeeping(config, context, link, devices);
    JoinWindow join = new JoinWindow(config, context, table, permitJoinPoint, link);
    this.coordinator =
        new CoordinatorLink(
            config,
            context,
            stateDirectory,
            store,
            table,
            onlinePoint,
            permitJoinPoint,
            link,
            devices,
            housekeeping,
            join);
    this.writes =
        new WriteHandler(
            config, context, table, permitJoinPoint, link, devices, join, coordinator.monitor());
    table.add(
        new PointInfo(permitJoinPoint, ValueType.INT64, true, "zdo Mgmt_Permit_Joining_req (s)"));
    table.add(new PointInfo(onlinePoint, ValueType.BOOL, false, "coordinator " + config.port()));
    devices.restoreStoredDevices(store);
  }

  @Override
  public String name() {
    return "zigbee:" + config.name();
  }

  /** The coordinator's points and those of every device known so far (the list grows). */
  @Override
  public List<PointInfo> points() {
    return table.list();
  }

  /** The directory with this coordinator's stored network and devices. */
  public Path stateDirectory() {
    return stateDirectory;
  }

  /**
   * Starts bringing the network up; the stage completes when the first attempt has finished, up or
   * not (a missing dongle is retried with backoff and reported BAD, never a failed start).
   */
  @Override
  public CompletionStage<Void> start(EventSink sink) {
    return coordinator.start(sink);
  }

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    return writes.write(command);
  }

  @Override
  public AdapterHealth health() {
    boolean closed = link.closed;
    List<DeviceHealth> devicesHealth = new ArrayList<>();
    Map<String, Long> counters = new LinkedHashMap<>(coordinator.monitor().counters());
    counters.put("bring_up_failures", coordinator.bringUpFailures());
    counters.put("stuck_transactions_released", housekeeping.transactionsReleased());
    AdapterHealth.State coordinatorState =
        closed
            ? AdapterHealth.State.STOPPED
            : link.stack != null && link.online
                ? AdapterHealth.State.UP
                : link.started ? AdapterHealth.State.DOWN : AdapterHealth.State.STARTING;
    devicesHealth.add(new DeviceHealth(config.name(), coordinatorState, link.lastError, counters));
    for (DeviceSession d : devices.sessions()) {
      AdapterHealth.State state =
          d.goneReason() != null
              ? AdapterHealth.State.DOWN
              : d.isConfigured() ? AdapterHealth.State.UP : AdapterHealth.State.STARTING;
      String why = d.goneReason() != null ? d.goneReason() : d.setupProblems();
      devicesHealth.add(new DeviceHealth(d.name(), state, why, d.counters()));
    }
    AdapterHealth.State overall =
        closed
            ? AdapterHealth.State.STOPPED
            : coordinatorState == AdapterHealth.State.UP
                ? AdapterHealth.summarize(devicesHealth)
                : coordinatorState;
    return new AdapterHealth(name(), overall, devicesHealth);
  }

  /** Stops the network: the library's threads, the port, our timers. Idempotent. */
  @Override
  public void close() {
    coordinator.close();
  }
}
