package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNetworkNodeListener;
import com.zsmartsystems.zigbee.ZigBeeNetworkStateListener;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.app.discovery.ZigBeeDiscoveryExtension;
import com.zsmartsystems.zigbee.dongle.xbee.ZigBeeDongleXBee;
import com.zsmartsystems.zigbee.serialization.DefaultDeserializer;
import com.zsmartsystems.zigbee.serialization.DefaultSerializer;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.zigbee.ZigbeeCoordinatorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One life of the zsmartsystems stack on one coordinator: port, XBee driver, network manager,
 * discovery, and our workarounds. A network manager cannot be restarted, so after a failure the
 * adapter shuts this one down and builds a new one.
 */
public final class ZigbeeStack {
  private static final Logger log = LoggerFactory.getLogger(ZigbeeStack.class);

  /** How long a real XBee takes at most to resume or form its network after a reset. */
  private static final Duration COORDINATOR_START_TIMEOUT = Duration.ofSeconds(15);

  /** The stack could not be brought up; the message says why and what to check. */
  public static final class BringUpException extends Exception {
    public BringUpException(String message) {
      super(message);
    }
  }

  private final ZigbeeCoordinatorConfig config;
  private final GuardedZigbeePort port;
  private final CoordinatorMonitor monitor;
  private final ZigBeeDongleXBee dongle;
  private final ZigBeeNetworkManager manager;
  private TransactionQueueJanitor janitor;
  private volatile boolean aborted;

  public ZigbeeStack(
      ZigbeeCoordinatorConfig config,
      ThreadFactory threadFactory,
      CoordinatorMonitor monitor,
      FileNetworkDataStore store,
      ZigBeeNetworkNodeListener nodeListener,
      ZigBeeNetworkStateListener stateListener,
      IntConsumer heard,
      Consumer<IeeeAddress> announced) {
    this.config = config;
    this.monitor = monitor;
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), 2);
    if (config.isTcp()) {
      Map.Entry<String, Integer> address = ZigbeeCoordinatorConfig.tcpAddress(config.port());
      port =
          new TcpZigbeePort(address.getKey(), address.getValue(), threadFactory, monitor, backoff);
    } else {
      port =
          new SerialZigbeePort(
              config.port(), config.baud(), config.flowControl(), threadFactory, monitor, backoff);
    }
    dongle = new ZigBeeDongleXBee(port);
    manager = new ZigBeeNetworkManager(dongle);
    manager.setSerializer(DefaultSerializer.class, DefaultDeserializer.class);
    manager.setNetworkDataStore(store); // the library throws at startup without one
    dongle.setZigBeeTransportReceive(
        new ReceiveGuard(manager, monitor::ieeeOf, heard).onAnnounce(announced));
    manager.addNetworkNodeListener(nodeListener);
    manager.addNetworkStateListener(stateListener);
  }

  /**
   * Blocking: opens the port, initialises the dongle, waits for its "coordinator started" and
   * starts the network (resuming the dongle's network and the stored nodes).
   */
  public void start() throws BringUpException {
    long mark = monitor.mark();
    // Opened here first: handed a port it cannot open, the library logs an ERROR of its own at
    // every retry ("Unable to open XBee serial port") while the dongle is unplugged.
    if (!port.open()) {
      throw notInitialised(ZigBeeStatus.COMMUNICATION_ERROR);
    }
    ZigBeeStatus status = manager.initialize();
    if (status != ZigBeeStatus.SUCCESS) {
      throw notInitialised(status);
    }
    ZigBeeDiscoveryExtension discovery = new ZigBeeDiscoveryExtension();
    discovery.setUpdateMeshPeriod(0); // no periodic neighbour/route polling
    discovery.setUpdateMeshTasks(List.of());
    manager.addExtension(discovery);
    if (config.channel() != null) {
      ZigBeeStatus channel = manager.setZigBeeChannel(ZigBeeChannel.create(config.channel()));
      if (channel != ZigBeeStatus.SUCCESS) {
        throw new BringUpException(
            "the dongle refused channel " + config.channel() + ": " + channel);
      }
    }
    // Workaround: the XBee driver's startup() fails unless modem status 06 has already been
    // handled, which a real dongle sends some time after the reset that initialize() does.
    long deadline = System.nanoTime() + COORDINATOR_START_TIMEOUT.toNanos();
    while (!monitor.startedAfterResetSince(mark)) {
      if (System.nanoTime() > deadline) {
        throw new BringUpException(
            "the dongle on "
                + port.describe()
                + " did not report 'coordinator started' (modem status 06) within "
                + COORDINATOR_START_TIMEOUT.toSeconds()
                + " s of its reset: is it configured as coordinator (AT CE=1) with a channel it"
                + " may use?");
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // poll with a deadline
      if (aborted || Thread.currentThread().isInterrupted()) {
        throw new BringUpException("stopped while waiting for the coordinator to start");
      }
    }
    status = manager.startup(false);
    if (status != ZigBeeStatus.SUCCESS) {
      throw new BringUpException("the network did not start on " + port.describe() + ": " + status);
    }
    try {
      janitor = TransactionQueueJanitor.attach(manager);
    } catch (IllegalStateException e) {
      log.error("running without the stuck-transaction workaround: {}", e.getMessage());
    }
  }

  private BringUpException notInitialised(ZigBeeStatus status) {
    String why = port.lastError().isEmpty() ? "" : ": " + port.lastError();
    return new BringUpException(
        "the "
            + config.dongle().name().toLowerCase()
            + " dongle on "
            + port.describe()
            + " did not initialise ("
            + status
            + why
            + "); check the port, the baud rate and that the dongle runs coordinator firmware"
            + " in API mode");
  }

  public ZigBeeNetworkManager manager() {
    return manager;
  }

  public IeeeAddress localIeee() {
    return manager.getLocalIeeeAddress();
  }

  public String describePort() {
    return port.describe();
  }

  public boolean isLineUp() {
    return port.isConnected();
  }

  /** Releases stuck transactions (see {@link TransactionQueueJanitor}); 0 without the janitor. */
  public int sweepTransactions() {
    return janitor == null ? 0 : janitor.sweep();
  }

  /** Stops the library's threads and closes the port. */
  public void shutdown() {
    aborted = true;
    try {
      manager.shutdown();
    } catch (RuntimeException e) {
      log.warn("Zigbee stack shutdown: {}", e.toString());
    } finally {
      port.close();
    }
  }
}
