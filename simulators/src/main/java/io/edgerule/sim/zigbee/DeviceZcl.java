package io.edgerule.sim.zigbee;

import java.util.List;

/**
 * How a virtual device answers ZCL frames sent to its server clusters: Read/Write Attributes,
 * Configure Reporting, and the On/Off and Level Control cluster commands. A malformed frame is
 * answered with a Default Response carrying an error status, never by throwing.
 */
final class DeviceZcl {
  private static final int ON_OFF_OFF = 0x00;
  private static final int ON_OFF_ON = 0x01;
  private static final int ON_OFF_TOGGLE = 0x02;
  private static final int LEVEL_MOVE_TO_LEVEL = 0x00;
  private static final int LEVEL_MOVE_TO_LEVEL_WITH_ON_OFF = 0x04;

  private DeviceZcl() {}

  static List<ApsFrame> handle(
      VirtualDevice device, int sourceEndpoint, int clusterId, byte[] payload) {
    ZclFrame request;
    try {
      request = ZclFrame.parse(payload);
    } catch (IllegalArgumentException e) {
      return List.of(); // not even a header: nothing to answer
    }
    if ((request.frameControl() & ZclFrame.SERVER_TO_CLIENT) != 0) {
      return List.of(); // e.g. a Default Response to one of our reports
    }
    SimCluster cluster = device.clusters().get(clusterId);
    ZclFrame response;
    try {
      if (cluster == null) {
        response = defaultResponse(request, ZclFrame.UNSUP_CLUSTER_COMMAND);
      } else if (request.isClusterSpecific()) {
        response = clusterCommand(device, cluster, request);
      } else {
        response = globalCommand(device, cluster, request);
      }
    } catch (IllegalArgumentException e) {
      response = defaultResponse(request, ZclFrame.INVALID_VALUE);
    }
    if (response == null) {
      return List.of();
    }
    return List.of(
        new ApsFrame(
            VirtualDevice.ENDPOINT,
            sourceEndpoint,
            clusterId,
            Zdo.HOME_AUTOMATION_PROFILE,
            response.toBytes(),
            false));
  }

  /** A Report Attributes frame for {@code due}; marks them reported. */
  static ApsFrame report(
      VirtualDevice device, int clusterId, int destination, List<SimAttribute> due, long now) {
    WireWriter out = new WireWriter();
    for (SimAttribute a : due) {
      out.u16le(a.id).u8(a.type.id());
      a.type.write(out, a.value());
      a.markReported(now);
    }
    ZclFrame frame =
        ZclFrame.fromServer(
            device.nextZclSequence(), ZclFrame.REPORT_ATTRIBUTES, out.toByteArray(), false);
    return new ApsFrame(
        VirtualDevice.ENDPOINT,
        destination,
        clusterId,
        Zdo.HOME_AUTOMATION_PROFILE,
        frame.toBytes(),
        false);
  }

  private static ZclFrame globalCommand(
      VirtualDevice device, SimCluster cluster, ZclFrame request) {
    WireReader in = new WireReader(request.payload());
    return switch (request.commandId()) {
      case ZclFrame.READ_ATTRIBUTES -> {
        device.readRequested();
        WireWriter out = new WireWriter();
        while (in.remaining() >= 2) {
          int id = in.u16le("attribute id");
          SimAttribute a = cluster.get(id);
          out.u16le(id);
          if (a == null) {
            out.u8(ZclFrame.UNSUPPORTED_ATTRIBUTE);
          } else {
            out.u8(ZclFrame.SUCCESS).u8(a.type.id());
            a.type.write(out, a.value());
          }
        }
        yield response(request, ZclFrame.READ_ATTRIBUTES_RESPONSE, out.toByteArray());
      }
      case ZclFrame.WRITE_ATTRIBUTES -> writeAttributes(cluster, request, in);
      case ZclFrame.CONFIGURE_REPORTING ->
          configureReporting(cluster, request, in, device.refusesReporting());
      case ZclFrame.DEFAULT_RESPONSE -> null;
      default -> defaultResponse(request, ZclFrame.UNSUP_GENERAL_COMMAND);
    };
  }

  private static ZclFrame writeAttributes(SimCluster cluster, ZclFrame request, WireReader in) {
    WireWriter failures = new WireWriter();
    boolean failed = false;
    while (in.remaining() > 0) {
      int id = in.u16le("attribute id");
      ZclType type = ZclType.byId(in.u8("data type"));
      Object value = type.read(in);
      SimAttribute a = cluster.get(id);
      int status;
      if (a == null) {
        status = ZclFrame.UNSUPPORTED_ATTRIBUTE;
      } else if (!a.writable) {
        status = ZclFrame.READ_ONLY;
      } else if (a.type != type) {
        status = ZclFrame.INVALID_DATA_TYPE;
      } else {
        a.set(value);
        status = ZclFrame.SUCCESS;
      }
      if (status != ZclFrame.SUCCESS) {
        failed = true;
        failures.u8(status).u16le(id);
      }
    }
    byte[] payload = failed ? failures.toByteArray() : new byte[] {ZclFrame.SUCCESS};
    return response(request, ZclFrame.WRITE_ATTRIBUTES_RESPONSE, payload);
  }

  private static ZclFrame configureReporting(
      SimCluster cluster, ZclFrame request, WireReader in, boolean refuse) {
    WireWriter failures = new WireWriter();
    boolean failed = false;
    while (in.remaining() > 0) {
      int direction = in.u8("direction");
      int id = in.u16le("attribute id");
      if (direction != 0) {
        in.u16le("timeout period");
        continue; // how we should expect reports from a client: not applicable
      }
      ZclType type = ZclType.byId(in.u8("data type"));
      int min = in.u16le("minimum interval");
      int max = in.u16le("maximum interval");
      double change = type.isAnalog() ? Math.abs(((Number) type.read(in)).doubleValue()) : 0;
      SimAttribute a = cluster.get(id);
      int status = ZclFrame.SUCCESS;
      if (a == null) {
        status = ZclFrame.UNSUPPORTED_ATTRIBUTE;
      } else if (a.type != type) {
        status = ZclFrame.INVALID_DATA_TYPE;
      } else if (refuse) {
        status = ZclFrame.UNREPORTABLE_ATTRIBUTE;
      } else {
        // a maximum of 0xFFFF switches reporting of this attribute off (ZCL 2.5.7.1.6)
        a.reporting = max != SimAttribute.REPORTING_OFF;
        a.minInterval = min;
        a.maxInterval = max;
        a.reportableChange = change;
        a.lastReported = null; // report the current value soon after configuration
      }
      if (status != ZclFrame.SUCCESS) {
        failed = true;
        failures.u8(status).u8(direction).u16le(id);
      }
    }
    byte[] payload = failed ? failures.toByteArray() : new byte[] {ZclFrame.SUCCESS};
    return response(request, ZclFrame.CONFIGURE_REPORTING_RESPONSE, payload);
  }

  private static ZclFrame clusterCommand(
      VirtualDevice device, SimCluster cluster, ZclFrame request) {
    WireReader in = new WireReader(request.payload());
    int status = ZclFrame.SUCCESS;
    switch (cluster.id) {
      case VirtualDevice.ON_OFF -> {
        SimAttribute onOff = cluster.get(VirtualDevice.ATTR_ON_OFF);
        switch (request.commandId()) {
          case ON_OFF_OFF -> onOff.set(0L);
          case ON_OFF_ON -> onOff.set(1L);
          case ON_OFF_TOGGLE -> onOff.set(onOff.longValue() == 0 ? 1L : 0L);
          default -> status = ZclFrame.UNSUP_CLUSTER_COMMAND;
        }
      }
      case VirtualDevice.LEVEL_CONTROL -> {
        int command = request.commandId();
        if (command == LEVEL_MOVE_TO_LEVEL || command == LEVEL_MOVE_TO_LEVEL_WITH_ON_OFF) {
          int level = in.u8("level");
          in.u16le("transition time");
          if (level > 254) {
            status = ZclFrame.INVALID_VALUE;
          } else {
            cluster.get(VirtualDevice.ATTR_CURRENT_LEVEL).set((long) level);
            SimCluster onOff = device.clusters().get(VirtualDevice.ON_OFF);
            if (command == LEVEL_MOVE_TO_LEVEL_WITH_ON_OFF && onOff != null) {
              onOff.get(VirtualDevice.ATTR_ON_OFF).set(level > 0 ? 1L : 0L);
            }
          }
        } else {
          status = ZclFrame.UNSUP_CLUSTER_COMMAND;
        }
      }
      default -> status = ZclFrame.UNSUP_CLUSTER_COMMAND;
    }
    device.onStateChanged();
    if (request.isDefaultResponseDisabled() && status == ZclFrame.SUCCESS) {
      return null;
    }
    return defaultResponse(request, status);
  }

  private static ZclFrame response(ZclFrame request, int commandId, byte[] payload) {
    return ZclFrame.fromServer(request.sequence(), commandId, payload, true);
  }

  private static ZclFrame defaultResponse(ZclFrame request, int status) {
    return response(
        request, ZclFrame.DEFAULT_RESPONSE, new byte[] {(byte) request.commandId(), (byte) status});
  }
}
