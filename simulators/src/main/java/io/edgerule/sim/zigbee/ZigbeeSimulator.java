package io.edgerule.sim.zigbee;

import io.edgerule.sim.zigbee.XBeeFrame.ModemStatus;
import io.edgerule.sim.zigbee.XBeeFrameDecoder.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated XBee Zigbee coordinator dongle with virtual devices, on TCP or a serial port. It is
 * written from the Digi and Zigbee specifications and shares no code with the gateway or its Zigbee
 * library, so the gateway is tested against something it did not write.
 *
 * <pre>{@code
 * try (ZigbeeSimulator sim = ZigbeeSimulator.builder()
 *     .device(VirtualDevice.light(0x00124b0000000004L))
 *     .startTcp(0)) {
 *   String port = "tcp://127.0.0.1:" + sim.tcpPort();
 *   ...
 * }
 * }</pre>
 *
 * <p>Everything the simulator does happens on one thread; the public methods hand their work to it
 * and wait, so tests may call them from any thread.
 */
public final class ZigbeeSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZigbeeSimulator.class);
  private static final long TICK_MILLIS = 100;
  private static final long CALL_TIMEOUT_SECONDS = 15;

  private final ScheduledExecutorService executor;
  private final SimLink link;
  private final XBeeCoordinator coordinator;
  private final XBeeFrameDecoder decoder = new XBeeFrameDecoder(true);
  private final long startNanos = System.nanoTime();
  private long badFramesFromHost;
  private boolean dropOnNextHostFrame;

  private ZigbeeSimulator(Builder b, SimLink link) {
    this.link = link;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "zigbee-sim");
              t.setDaemon(true);
              return t;
            });
    this.coordinator =
        new XBeeCoordinator(
            b.ieee,
            b.panId,
            b.extendedPanId,
            b.channel,
            b.responseDelay.toMillis(),
            executor,
            new XBeeCoordinator.Output() {
              @Override
              public void send(XBeeFrame frame) {
                log.debug("to host: {}", frame);
                link.write(XBeeApiCodec.encode(frame.frameData(), true));
              }

              @Override
              public void sendRaw(byte[] bytes) {
                link.write(bytes);
              }
            });
    b.devices.forEach(coordinator::addDevice);
  }

  public static Builder builder() {
    return new Builder();
  }

  private ZigbeeSimulator start() throws IOException {
    try {
      link.start(bytes -> executor.execute(() -> onBytes(bytes)));
    } catch (IOException e) {
      executor.shutdownNow();
      link.close();
      throw e;
    }
    executor.scheduleAtFixedRate(
        () -> coordinator.tick(now()), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    executor.execute(() -> coordinator.powerUp(ModemStatus.HARDWARE_RESET, now()));
    log.info(
        "XBee coordinator simulator on {}: PAN {} ext PAN {} channel {}, devices {}",
        link.describe(),
        String.format("%04X", coordinator.panId()),
        String.format("%016X", coordinator.extendedPanId()),
        coordinator.channel(),
        coordinator.devices());
    return this;
  }

  private long now() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private void onBytes(byte[] bytes) {
    for (Result r : decoder.feed(bytes)) {
      if (r instanceof Result.Frame && dropOnNextHostFrame) {
        dropOnNextHostFrame = false;
        log.info("dropping the host's connection with its frame unanswered");
        ((TcpSimLink) link).dropConnection();
        return; // the rest of what came with it is lost too
      }
      if (r instanceof Result.Frame f) {
        XBeeFrame frame;
        try {
          frame = XBeeFrame.parse(f.frameData());
        } catch (IllegalArgumentException e) {
          badFramesFromHost++;
          log.warn("dropped a frame from the host: {}", e.getMessage());
          continue;
        }
        log.debug("from host: {}", frame);
        coordinator.onHostFrame(frame, now());
      } else {
        badFramesFromHost++;
        log.warn("dropped a frame from the host: {}", r);
      }
    }
  }

  /** The TCP port the simulator listens on, or -1 on a serial port. */
  public int tcpPort() {
    return link instanceof TcpSimLink tcp ? tcp.port() : -1;
  }

  public String describe() {
    return link.describe();
  }

  public List<VirtualDevice> devices() {
    return call(coordinator::devices);
  }

  public VirtualDevice device(long ieee) {
    for (VirtualDevice d : devices()) {
      if (d.ieee() == ieee) {
        return d;
      }
    }
    throw new IllegalArgumentException(String.format("no device %016x", ieee));
  }

  /** Powers on another device; it joins the next time joining is permitted. */
  public void addDevice(VirtualDevice device) {
    call(
        () -> {
          coordinator.addDevice(device);
          return null;
        });
  }

  /** Whether the coordinator's join window is open (the gateway sent permit join). */
  public boolean permitJoinOpen() {
    return call(() -> coordinator.permitJoinRemainingMillis(now()) > 0);
  }

  /** The sum of all devices' joins: a gateway restart that resumes the network adds none. */
  public int totalJoins() {
    int joins = 0;
    for (VirtualDevice d : devices()) {
      joins += d.joinCount();
    }
    return joins;
  }

  /** Frames received from the host so far (valid ones). */
  public long framesFromHost() {
    return call(coordinator::framesFromHost);
  }

  /** The AT commands received from the host, in order ("FR", "AP", "AO", ...). */
  public List<String> atCommandsFromHost() {
    return call(coordinator::atCommands);
  }

  /**
   * The device announces itself (ZDO Device_annce) and is reachable again, as a device does when it
   * comes back to a restarted coordinator. It must have joined (in this or an earlier simulator
   * with the same network).
   */
  public void deviceAnnounces(long ieee) {
    VirtualDevice device = device(ieee);
    call(
        () -> {
          device.setReachable(true);
          coordinator.announce(device);
          log.info("{} announced itself", device);
          return null;
        });
  }

  /** Frames from the host dropped for bad checksum, truncation or malformed fields. */
  public long badFramesFromHost() {
    return call(() -> badFramesFromHost);
  }

  /**
   * Fault: the device leaves the network on its own (as after a factory reset or when it moves to
   * another network). An XBee coordinator does not tell its host about this; the device just goes
   * silent and unicasts to it fail with "address not found".
   */
  public void deviceLeaves(long ieee) {
    VirtualDevice device = device(ieee);
    call(
        () -> {
          device.left();
          log.info("{} left the network", device);
          return null;
        });
  }

  /**
   * Fault: the dongle resets (brown-out, watchdog): modem status 00, the join window closes, and
   * 0.6 s later modem status 06 "coordinator started" as it resumes its network.
   */
  public void resetDongle() {
    call(
        () -> {
          log.info("dongle reset");
          coordinator.powerUp(ModemStatus.HARDWARE_RESET, now());
          return null;
        });
  }

  /**
   * Fault: sends the host a frame (a report if a device has bound clusters) with a wrong checksum.
   */
  public void injectBadChecksum() {
    call(
        () -> {
          byte[] frameData = coordinator.sampleFrameForFaults();
          int wrong = (XBeeApiCodec.checksum(frameData) + 1) & 0xFF;
          byte[] wire = XBeeApiCodec.encode(frameData, true, wrong);
          log.info("injecting a frame with a bad checksum");
          link.write(wire);
          return null;
        });
  }

  /** Fault: sends the first half of a frame and nothing more of it. */
  public void injectTruncatedFrame() {
    call(
        () -> {
          byte[] wire = XBeeApiCodec.encode(coordinator.sampleFrameForFaults(), true);
          byte[] half = Arrays.copyOf(wire, Math.max(4, wire.length / 2));
          if ((half[half.length - 1] & 0xFF) == XBeeApiCodec.ESCAPE) {
            half = Arrays.copyOf(half, half.length - 1); // never end on a dangling escape
          }
          log.info("injecting a truncated frame ({} of {} bytes)", half.length, wire.length);
          link.write(half);
          return null;
        });
  }

  /** Fault (TCP only): drops the host's connection, as a restarting ser2net would. */
  public void dropConnection() {
    if (!(link instanceof TcpSimLink tcp)) {
      throw new IllegalStateException("dropConnection needs a TCP simulator");
    }
    tcp.dropConnection();
  }

  /**
   * Fault (TCP only): the connection drops when the next frame from the host arrives, and that
   * frame is lost unanswered, as when ser2net restarts in the middle of a request.
   */
  public void dropConnectionOnNextHostFrame() {
    if (!(link instanceof TcpSimLink)) {
      throw new IllegalStateException("dropConnectionOnNextHostFrame needs a TCP simulator");
    }
    call(
        () -> {
          dropOnNextHostFrame = true;
          return null;
        });
  }

  private <T> T call(Callable<T> task) {
    try {
      // generous: on a loaded machine the simulator's thread may wait a while for a core
      return executor.submit(task).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("simulator task failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "simulator thread did not answer in " + CALL_TIMEOUT_SECONDS + " s", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    link.close();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Configures and starts a simulator. */
  public static final class Builder {
    private final Random random = new Random();
    private long ieee = 0x0013A20041A2B3C4L;
    private int panId = 1 + random.nextInt(0x3FFE);
    private long extendedPanId = random.nextLong() & 0x7FFFFFFFFFFFFFFFL | 1;
    private int channel = 15;
    private Duration responseDelay = Duration.ofMillis(5);
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private final List<VirtualDevice> devices = new ArrayList<>();

    private Builder() {}

    /** The dongle's own IEEE address (AT SH/SL). */
    public Builder ieee(long value) {
      this.ieee = value;
      return this;
    }

    public Builder panId(int value) {
      this.panId = value;
      return this;
    }

    public Builder extendedPanId(long value) {
      this.extendedPanId = value;
      return this;
    }

    public Builder channel(int value) {
      if (value < 11 || value > 26) {
        throw new IllegalArgumentException("channel must be 11..26, got " + value);
      }
      this.channel = value;
      return this;
    }

    /** How long a device takes to answer (radio latency); 5 ms by default. */
    public Builder responseDelay(Duration value) {
      this.responseDelay = Objects.requireNonNull(value);
      return this;
    }

    /** The address the TCP server binds to; loopback by default. */
    public Builder bindAddress(InetAddress value) {
      this.bindAddress = Objects.requireNonNull(value);
      return this;
    }

    /** A device that is powered on and joins as soon as joining is permitted. */
    public Builder device(VirtualDevice device) {
      devices.add(device);
      return this;
    }

    public Builder devices(List<VirtualDevice> list) {
      devices.addAll(list);
      return this;
    }

    /** Listens on TCP ({@code port} 0 picks a free port, see {@link #tcpPort()}). */
    public ZigbeeSimulator startTcp(int port) throws IOException {
      return new ZigbeeSimulator(this, new TcpSimLink(bindAddress, port)).start();
    }

    /** Opens a serial port (e.g. the dongle end of a {@link SocatPty}). */
    public ZigbeeSimulator startSerial(String path, int baud) throws IOException {
      return new ZigbeeSimulator(this, new SerialSimLink(path, baud)).start();
    }
  }
}
