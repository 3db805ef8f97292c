package io.edgerule.sim.zigbee;

import io.edgerule.sim.zigbee.XBeeFrame.AtCommand;
import io.edgerule.sim.zigbee.XBeeFrame.AtResponse;
import io.edgerule.sim.zigbee.XBeeFrame.ExplicitRxIndicator;
import io.edgerule.sim.zigbee.XBeeFrame.ExplicitTransmitRequest;
import io.edgerule.sim.zigbee.XBeeFrame.ModemStatus;
import io.edgerule.sim.zigbee.XBeeFrame.TransmitStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The behaviour of an XBee Zigbee coordinator in API mode 2 with explicit addressing (AO=3): it
 * answers local AT commands, forms a network (modem status 06), opens its join window on a ZDO
 * Mgmt_Permit_Joining_req, lets waiting virtual devices join (they announce themselves), relays APS
 * frames between the host and the devices (transmit status 0x8B, explicit RX indicator 0x91) and
 * answers ZDO requests addressed to itself.
 *
 * <p>Confined to one thread (the simulator's scheduler); the {@link Output} is called from it.
 */
final class XBeeCoordinator {
  private static final Logger log = LoggerFactory.getLogger(XBeeCoordinator.class);

  /** Where frames to the host go. */
  interface Output {
    void send(XBeeFrame frame);

    /** Already framed bytes, sent as they are (fault injection). */
    void sendRaw(byte[] bytes);
  }

  private final long ieee;
  private final ScheduledExecutorService executor;
  private final Output out;
  private final long responseDelayMillis;
  private final Random random;
  private final List<VirtualDevice> devices = new ArrayList<>();
  private final Map<String, byte[]> registers = new HashMap<>();

  private int panId;
  private long extendedPanId;
  private int channel;
  private long permitJoinUntilMillis;
  private int zdoSequence;
  private long framesFromHost;
  private final List<String> atCommands = new ArrayList<>();

  XBeeCoordinator(
      long ieee,
      int panId,
      long extendedPanId,
      int channel,
      long responseDelayMillis,
      ScheduledExecutorService executor,
      Output out) {
    this.ieee = ieee;
    this.panId = panId;
    this.extendedPanId = extendedPanId;
    this.channel = channel;
    this.responseDelayMillis = responseDelayMillis;
    this.executor = executor;
    this.out = out;
    this.random = new Random(ieee ^ extendedPanId);
    registers.put("AP", new byte[] {2});
    registers.put("AO", new byte[] {3});
    registers.put("ZS", new byte[] {2});
    registers.put("EE", new byte[] {1});
    registers.put("EO", new byte[] {2});
    registers.put("CE", new byte[] {1});
    registers.put("NJ", new byte[] {(byte) 0xFF});
    registers.put("JN", new byte[] {0});
    registers.put("SC", new byte[] {0x7F, (byte) 0xFF});
    registers.put("ID", new byte[8]);
    registers.put("BD", new byte[] {3});
    registers.put("NI", " ".getBytes(StandardCharsets.US_ASCII));
  }

  void addDevice(VirtualDevice device) {
    devices.add(device);
  }

  List<VirtualDevice> devices() {
    return List.copyOf(devices);
  }

  long framesFromHost() {
    return framesFromHost;
  }

  List<String> atCommands() {
    return List.copyOf(atCommands);
  }

  int panId() {
    return panId;
  }

  long extendedPanId() {
    return extendedPanId;
  }

  int channel() {
    return channel;
  }

  long permitJoinRemainingMillis(long now) {
    return Math.max(0, permitJoinUntilMillis - now);
  }

  /** Announces a (re)started coordinator: the reset status, then "coordinator started". */
  void powerUp(int resetStatus, long now) {
    permitJoinUntilMillis = 0;
    out.send(new ModemStatus(resetStatus));
    executor.schedule(
        () -> out.send(new ModemStatus(ModemStatus.COORDINATOR_STARTED)),
        600,
        TimeUnit.MILLISECONDS);
  }

  // ---- frames from the host ----

  void onHostFrame(XBeeFrame frame, long now) {
    framesFromHost++;
    if (frame instanceof AtCommand at) {
      onAtCommand(at, now);
    } else if (frame instanceof ExplicitTransmitRequest tx) {
      onTransmit(tx, now);
    } else {
      log.warn("coordinator ignores frame type 0x{} from host", hex(frame.type()));
    }
  }

  private void onAtCommand(AtCommand at, long now) {
    atCommands.add(at.command());
    AtResponse response = answer(at, now);
    if (at.frameId() != 0) {
      out.send(response);
    }
  }

  private AtResponse answer(AtCommand at, long now) {
    String cmd = at.command();
    byte[] param = at.parameter();
    byte[] readOnly =
        switch (cmd) {
          case "SH" -> ByteBuffer.allocate(4).putInt((int) (ieee >>> 32)).array();
          case "SL" -> ByteBuffer.allocate(4).putInt((int) ieee).array();
          case "HV" -> new byte[] {0x23, 0x42};
          case "VR" -> new byte[] {0x21, (byte) 0xA7};
          case "VL" ->
              "edgerule XBee coordinator simulator\rVR 21A7\rHV 2342"
                  .getBytes(StandardCharsets.US_ASCII);
          case "OI" -> new byte[] {(byte) (panId >> 8), (byte) panId};
          case "OP" -> ByteBuffer.allocate(8).putLong(extendedPanId).array();
          case "CH" -> new byte[] {(byte) channel};
          case "MY" -> new byte[] {0, 0};
          case "AI" -> new byte[] {0}; // 0: successfully formed
          default -> null;
        };
    if (readOnly != null) {
      return param.length == 0 ? ok(at, readOnly) : status(at, AtResponse.ERROR);
    }
    switch (cmd) {
      case "FR" -> {
        executor.schedule(
            () -> powerUp(ModemStatus.WATCHDOG_RESET, now), 150, TimeUnit.MILLISECONDS);
        return ok(at, new byte[0]);
      }
      case "WR", "AC", "NK", "KY" -> {
        return ok(at, new byte[0]); // actions, and the write-only keys
      }
      case "AP" -> {
        if (param.length > 0 && param[param.length - 1] != 2) {
          return status(at, AtResponse.INVALID_PARAMETER); // API mode 2 only
        }
      }
      case "SC" -> {
        if (param.length > 0) {
          int mask = toInt(param);
          if ((mask & 0xFFFF) == 0) {
            return status(at, AtResponse.INVALID_PARAMETER);
          }
          if ((mask & (1 << (channel - 11))) == 0) {
            channel = 11 + Integer.numberOfTrailingZeros(mask);
            log.info("coordinator moved to channel {} (scan channels 0x{})", channel, hex(mask));
          }
        }
      }
      default -> {}
    }
    if (!registers.containsKey(cmd)) {
      return status(at, AtResponse.INVALID_COMMAND);
    }
    if (param.length > 0) {
      registers.put(cmd, param);
      return ok(at, new byte[0]);
    }
    return ok(at, registers.get(cmd));
  }

  private static AtResponse ok(AtCommand at, byte[] data) {
    return new AtResponse(at.frameId(), at.command(), AtResponse.OK, data);
  }

  private static AtResponse status(AtCommand at, int status) {
    return new AtResponse(at.frameId(), at.command(), status, new byte[0]);
  }

  private void onTransmit(ExplicitTransmitRequest tx, long now) {
    boolean broadcast = Zdo.isBroadcast(tx.destination16()) || tx.destination64() == 0xFFFFL;
    boolean toSelf =
        !broadcast
            && (tx.destination16() == 0
                || tx.destination64() == ieee
                || (tx.destination64() == XBeeFrame.COORDINATOR_64
                    && tx.destination16() == XBeeFrame.UNKNOWN_16));
    VirtualDevice target = broadcast || toSelf ? null : findJoined(tx);
    boolean unreachable = target != null && !target.isReachable();
    if (unreachable) {
      target.missedFrame();
    }
    if (tx.frameId() != 0) {
      int delivery =
          unreachable
              ? TransmitStatus.NETWORK_ACK_FAILURE
              : broadcast || toSelf || target != null
                  ? TransmitStatus.SUCCESS
                  : TransmitStatus.ADDRESS_NOT_FOUND;
      int destination16 = target != null ? target.networkAddress() : tx.destination16();
      out.send(new TransmitStatus(tx.frameId(), destination16, 0, delivery, 0));
    }
    boolean zdo = tx.profileId() == Zdo.PROFILE && tx.destinationEndpoint() == Zdo.ENDPOINT;
    try {
      if (zdo && (toSelf || broadcast)) {
        for (ApsFrame reply : coordinatorZdo(tx, broadcast, now)) {
          deliverLater(ieee, 0, reply);
        }
      }
      List<VirtualDevice> recipients =
          broadcast ? joinedDevices() : target == null ? List.of() : List.of(target);
      for (VirtualDevice device : recipients) {
        List<ApsFrame> replies =
            zdo
                ? device.handleZdo(tx.clusterId(), tx.payload(), broadcast)
                : broadcast
                    ? List.of()
                    : device.handleZcl(
                        tx.sourceEndpoint(),
                        tx.destinationEndpoint(),
                        tx.clusterId(),
                        tx.payload());
        int nwk = device.networkAddress();
        for (ApsFrame reply : replies) {
          deliverLater(device.ieee(), nwk, reply);
        }
      }
    } catch (IllegalArgumentException e) {
      log.warn("malformed APS payload from host ({}): {}", tx, e.getMessage());
    }
  }

  private VirtualDevice findJoined(ExplicitTransmitRequest tx) {
    for (VirtualDevice d : devices) {
      if (d.state() != VirtualDevice.State.JOINED) {
        continue;
      }
      if (tx.destination16() != XBeeFrame.UNKNOWN_16 && d.networkAddress() == tx.destination16()) {
        return d;
      }
      if (tx.destination16() == XBeeFrame.UNKNOWN_16 && d.ieee() == tx.destination64()) {
        return d;
      }
    }
    return null;
  }

  /** ZDO requests the coordinator itself answers (and the permit-join broadcast). */
  private List<ApsFrame> coordinatorZdo(ExplicitTransmitRequest tx, boolean broadcast, long now) {
    WireReader in = new WireReader(tx.payload());
    int seq = in.u8("ZDO sequence");
    int cluster = tx.clusterId();
    switch (cluster) {
      case Zdo.MGMT_PERMIT_JOINING_REQ -> {
        int duration = in.u8("permit duration");
        permitJoinUntilMillis = duration == 0xFF ? Long.MAX_VALUE : now + duration * 1000L;
        log.info("permit join {}", duration == 0 ? "closed" : "open for " + duration + " s");
        return broadcast ? List.of() : List.of(ApsFrame.zdoResponse(cluster, bytes(seq, 0)));
      }
      case Zdo.NWK_ADDR_REQ -> {
        long wanted = in.u64le("IEEE address");
        int requestType = in.u8("request type");
        return wanted == ieee
            ? List.of(ApsFrame.zdoResponse(cluster, coordinatorAddress(seq, requestType)))
            : List.of();
      }
      case Zdo.IEEE_ADDR_REQ -> {
        int wanted = in.u16le("NWK address of interest");
        int requestType = in.u8("request type");
        return wanted == 0
            ? List.of(ApsFrame.zdoResponse(cluster, coordinatorAddress(seq, requestType)))
            : List.of();
      }
      default -> {}
    }
    if (broadcast) {
      return List.of();
    }
    byte[] payload =
        switch (cluster) {
          case Zdo.NODE_DESC_REQ ->
              new WireWriter()
                  .u8(seq)
                  .u8(Zdo.SUCCESS)
                  .u16le(0)
                  .bytes(DeviceZdo.nodeDescriptor(0, 0x8F, 0x41))
                  .toByteArray();
          case Zdo.POWER_DESC_REQ ->
              new WireWriter().u8(seq).u8(Zdo.SUCCESS).u16le(0).u8(0x10).u8(0xC1).toByteArray();
          case Zdo.ACTIVE_EP_REQ ->
              new WireWriter().u8(seq).u8(Zdo.SUCCESS).u16le(0).u8(0).toByteArray();
          default -> bytes(seq, Zdo.NOT_SUPPORTED);
        };
    return List.of(ApsFrame.zdoResponse(cluster, payload));
  }

  /** The coordinator's address response; the extended form lists its joined children. */
  private byte[] coordinatorAddress(int seq, int requestType) {
    WireWriter w = new WireWriter().u8(seq).u8(Zdo.SUCCESS).u64le(ieee).u16le(0);
    if (requestType == 1) {
      List<VirtualDevice> children = joinedDevices();
      w.u8(children.size()).u8(0);
      for (VirtualDevice child : children) {
        w.u16le(child.networkAddress());
      }
    }
    return w.toByteArray();
  }

  private void deliverLater(long source64, int source16, ApsFrame frame) {
    ExplicitRxIndicator rx = toRx(source64, source16, frame);
    executor.schedule(() -> out.send(rx), responseDelayMillis, TimeUnit.MILLISECONDS);
  }

  static ExplicitRxIndicator toRx(long source64, int source16, ApsFrame frame) {
    return new ExplicitRxIndicator(
        source64,
        source16,
        frame.sourceEndpoint(),
        frame.destinationEndpoint(),
        frame.clusterId(),
        frame.profileId(),
        frame.broadcast()
            ? ExplicitRxIndicator.OPTION_BROADCAST
            : ExplicitRxIndicator.OPTION_ACKNOWLEDGED,
        frame.payload());
  }

  // ---- time passes ----

  void tick(long now) {
    if (permitJoinUntilMillis > now) {
      for (VirtualDevice d : devices) {
        if (d.state() == VirtualDevice.State.WAITING_TO_JOIN) {
          join(d);
          break; // one join per tick, as radios do not all answer the beacon at once
        }
      }
    }
    for (VirtualDevice d : devices) {
      int nwk = d.networkAddress();
      for (ApsFrame report : d.tick(now)) {
        out.send(toRx(d.ieee(), nwk, report));
      }
    }
  }

  private void join(VirtualDevice device) {
    int nwk;
    do {
      nwk = 1 + random.nextInt(0xFFF6);
    } while (isTaken(nwk));
    device.joined(nwk);
    zdoSequence = (zdoSequence + 1) & 0xFF;
    log.info("{} joined as 0x{}", device, hex(nwk));
    out.send(toRx(device.ieee(), nwk, device.deviceAnnounce(zdoSequence)));
  }

  /** A joined device announces itself again (ZDO Device_annce), as after it rejoined. */
  void announce(VirtualDevice device) {
    if (device.state() != VirtualDevice.State.JOINED) {
      throw new IllegalStateException(device + " has not joined: it cannot announce itself");
    }
    zdoSequence = (zdoSequence + 1) & 0xFF;
    out.send(toRx(device.ieee(), device.networkAddress(), device.deviceAnnounce(zdoSequence)));
  }

  private boolean isTaken(int nwk) {
    for (VirtualDevice d : devices) {
      if (d.networkAddress() == nwk) {
        return true;
      }
    }
    return false;
  }

  private List<VirtualDevice> joinedDevices() {
    List<VirtualDevice> joined = new ArrayList<>();
    for (VirtualDevice d : devices) {
      if (d.state() == VirtualDevice.State.JOINED) {
        joined.add(d);
      }
    }
    return joined;
  }

  // ---- faults ----

  /** A frame the host will see with a wrong checksum: a report, or a modem status if none. */
  byte[] sampleFrameForFaults() {
    for (VirtualDevice d : joinedDevices()) {
      for (Map.Entry<Integer, Integer> binding : d.bindings().entrySet()) {
        SimCluster cluster = d.clusters().get(binding.getKey());
        SimAttribute first = cluster.attributes.values().iterator().next();
        WireWriter w = new WireWriter().u16le(first.id).u8(first.type.id());
        first.type.write(w, first.value());
        ZclFrame zcl = ZclFrame.fromServer(0x42, ZclFrame.REPORT_ATTRIBUTES, w.toByteArray(), true);
        ApsFrame aps =
            new ApsFrame(
                VirtualDevice.ENDPOINT,
                binding.getValue(),
                cluster.id,
                Zdo.HOME_AUTOMATION_PROFILE,
                zcl.toBytes(),
                false);
        return toRx(d.ieee(), d.networkAddress(), aps).frameData();
      }
    }
    return new ModemStatus(ModemStatus.COORDINATOR_STARTED).frameData();
  }

  private static int toInt(byte[] bytes) {
    int v = 0;
    for (byte b : bytes) {
      v = (v << 8) | (b & 0xFF);
    }
    return v;
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static String hex(int value) {
    return Integer.toHexString(value).toUpperCase(java.util.Locale.ROOT);
  }
}
