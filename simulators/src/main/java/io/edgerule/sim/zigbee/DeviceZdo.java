package io.edgerule.sim.zigbee;

import java.util.List;

/**
 * How a virtual device answers ZDO requests (Zigbee spec 2.4.3/2.4.4): address requests,
 * descriptors, bind/unbind and leave. Every request payload starts with the transaction sequence
 * number, which the response echoes.
 */
final class DeviceZdo {

  /** The responses to send, and whether the device leaves the network after sending them. */
  record Outcome(List<ApsFrame> responses, boolean leave) {
    static Outcome reply(int requestCluster, byte[] payload) {
      return new Outcome(List.of(ApsFrame.zdoResponse(requestCluster, payload)), false);
    }

    static final Outcome NONE = new Outcome(List.of(), false);
  }

  private DeviceZdo() {}

  static Outcome handle(VirtualDevice device, int clusterId, byte[] payload, boolean broadcast) {
    WireReader in = new WireReader(payload);
    int seq = in.u8("ZDO sequence");
    int nwk = device.networkAddress();
    switch (clusterId) {
      case Zdo.NWK_ADDR_REQ -> {
        long ieee = in.u64le("IEEE address");
        int requestType = in.u8("request type");
        if (ieee != device.ieee()) {
          return broadcast ? Outcome.NONE : status(clusterId, seq, Zdo.DEVICE_NOT_FOUND);
        }
        return Outcome.reply(clusterId, addressResponse(device, seq, requestType));
      }
      case Zdo.IEEE_ADDR_REQ -> {
        int nwkOfInterest = in.u16le("NWK address of interest");
        int requestType = in.u8("request type");
        if (nwkOfInterest != nwk) {
          return broadcast ? Outcome.NONE : status(clusterId, seq, Zdo.DEVICE_NOT_FOUND);
        }
        return Outcome.reply(clusterId, addressResponse(device, seq, requestType));
      }
      case Zdo.NODE_DESC_REQ -> {
        return Outcome.reply(
            clusterId,
            new WireWriter()
                .u8(seq)
                .u8(Zdo.SUCCESS)
                .u16le(nwk)
                .bytes(nodeDescriptor(device.isRouter() ? 1 : 2, device.macCapabilities(), 0))
                .toByteArray());
      }
      case Zdo.POWER_DESC_REQ -> {
        // mode 0 (rx synchronised with rx-on-when-idle); sources: mains (1) or disposable battery
        // (4); level 0xC = 100 %
        int sources = device.isRouter() ? 0x1 : 0x4;
        return Outcome.reply(
            clusterId,
            new WireWriter()
                .u8(seq)
                .u8(Zdo.SUCCESS)
                .u16le(nwk)
                .u8(sources << 4)
                .u8(0xC0 | sources)
                .toByteArray());
      }
      case Zdo.ACTIVE_EP_REQ -> {
        return Outcome.reply(
            clusterId,
            new WireWriter()
                .u8(seq)
                .u8(Zdo.SUCCESS)
                .u16le(nwk)
                .u8(1)
                .u8(VirtualDevice.ENDPOINT)
                .toByteArray());
      }
      case Zdo.SIMPLE_DESC_REQ -> {
        in.u16le("NWK address of interest");
        int endpoint = in.u8("endpoint");
        if (endpoint != VirtualDevice.ENDPOINT) {
          return Outcome.reply(
              clusterId,
              new WireWriter().u8(seq).u8(Zdo.INVALID_EP).u16le(nwk).u8(0).toByteArray());
        }
        byte[] descriptor = simpleDescriptor(device);
        return Outcome.reply(
            clusterId,
            new WireWriter()
                .u8(seq)
                .u8(Zdo.SUCCESS)
                .u16le(nwk)
                .u8(descriptor.length)
                .bytes(descriptor)
                .toByteArray());
      }
      case Zdo.BIND_REQ, Zdo.UNBIND_REQ -> {
        return bind(device, clusterId, seq, in);
      }
      case Zdo.MGMT_LEAVE_REQ -> {
        long ieee = in.u64le("device address");
        if (ieee != 0 && ieee != device.ieee()) {
          return status(clusterId, seq, Zdo.DEVICE_NOT_FOUND);
        }
        return new Outcome(
            List.of(ApsFrame.zdoResponse(clusterId, new byte[] {(byte) seq, Zdo.SUCCESS})), true);
      }
      case Zdo.MGMT_PERMIT_JOINING_REQ -> {
        return Outcome.NONE; // only the coordinator's join window is simulated
      }
      default -> {
        if (broadcast || (clusterId & Zdo.RESPONSE) != 0) {
          return Outcome.NONE;
        }
        return status(clusterId, seq, Zdo.NOT_SUPPORTED);
      }
    }
  }

  private static Outcome bind(VirtualDevice device, int clusterId, int seq, WireReader in) {
    long sourceIeee = in.u64le("source address");
    int sourceEndpoint = in.u8("source endpoint");
    int boundCluster = in.u16le("cluster id");
    int addressMode = in.u8("destination address mode");
    int destinationEndpoint = 0;
    if (addressMode == 0x03) {
      in.u64le("destination address");
      destinationEndpoint = in.u8("destination endpoint");
    } else if (addressMode == 0x01) {
      in.u16le("group address");
    }
    if (sourceIeee != device.ieee()
        || sourceEndpoint != VirtualDevice.ENDPOINT
        || !device.clusters().containsKey(boundCluster)) {
      return status(clusterId, seq, Zdo.INVALID_EP);
    }
    if (addressMode != 0x03) {
      return status(clusterId, seq, Zdo.NOT_SUPPORTED); // group bindings are not simulated
    }
    if (clusterId == Zdo.BIND_REQ) {
      device.bind(boundCluster, destinationEndpoint);
    } else {
      device.unbind(boundCluster);
    }
    return status(clusterId, seq, Zdo.SUCCESS);
  }

  private static Outcome status(int clusterId, int seq, int status) {
    return Outcome.reply(clusterId, new byte[] {(byte) seq, (byte) status});
  }

  static byte[] addressResponse(VirtualDevice device, int seq, int requestType) {
    WireWriter out =
        new WireWriter()
            .u8(seq)
            .u8(Zdo.SUCCESS)
            .u64le(device.ieee())
            .u16le(device.networkAddress());
    if (requestType == 1) {
      out.u8(0).u8(0); // extended: no associated devices, start index 0
    }
    return out.toByteArray();
  }

  /**
   * The 13-byte node descriptor: logical type, 2.4 GHz band, MAC capabilities, manufacturer code,
   * buffer and transfer sizes, server mask (stack compliance revision 22), descriptor capability.
   */
  static byte[] nodeDescriptor(int logicalType, int macCapabilities, int serverFlags) {
    return new WireWriter()
        .u8(logicalType)
        .u8(0x08 << 3) // frequency band: 2400 MHz
        .u8(macCapabilities)
        .u16le(0x1234) // manufacturer code
        .u8(82) // max buffer size
        .u16le(82) // max incoming transfer size
        .u16le(0x2C00 | serverFlags) // server mask
        .u16le(82) // max outgoing transfer size
        .u8(0) // descriptor capability
        .toByteArray();
  }

  private static byte[] simpleDescriptor(VirtualDevice device) {
    WireWriter out =
        new WireWriter()
            .u8(VirtualDevice.ENDPOINT)
            .u16le(Zdo.HOME_AUTOMATION_PROFILE)
            .u16le(device.deviceId())
            .u8(1) // device version
            .u8(device.clusters().size());
    for (int cluster : device.clusters().keySet()) {
      out.u16le(cluster);
    }
    out.u8(0); // no output (client) clusters
    return out.toByteArray();
  }
}
