package io.edgerule.sim.zigbee;

import java.util.HexFormat;

/**
 * A ZCL frame (ZCL spec 2.4): frame control, optional manufacturer code, sequence number, command
 * id, payload. Frame control bits: 0-1 frame type (0 global, 1 cluster specific), 2 manufacturer
 * specific, 3 direction (1 = server to client), 4 disable default response.
 */
public record ZclFrame(
    int frameControl, int manufacturerCode, int sequence, int commandId, byte[] payload) {
  public static final int CLUSTER_SPECIFIC = 0x01;
  public static final int MANUFACTURER_SPECIFIC = 0x04;
  public static final int SERVER_TO_CLIENT = 0x08;
  public static final int DISABLE_DEFAULT_RESPONSE = 0x10;

  // global commands
  public static final int READ_ATTRIBUTES = 0x00;
  public static final int READ_ATTRIBUTES_RESPONSE = 0x01;
  public static final int WRITE_ATTRIBUTES = 0x02;
  public static final int WRITE_ATTRIBUTES_RESPONSE = 0x04;
  public static final int CONFIGURE_REPORTING = 0x06;
  public static final int CONFIGURE_REPORTING_RESPONSE = 0x07;
  public static final int REPORT_ATTRIBUTES = 0x0A;
  public static final int DEFAULT_RESPONSE = 0x0B;

  // statuses
  public static final int SUCCESS = 0x00;
  public static final int UNSUP_CLUSTER_COMMAND = 0x81;
  public static final int UNSUP_GENERAL_COMMAND = 0x82;
  public static final int UNSUPPORTED_ATTRIBUTE = 0x86;
  public static final int INVALID_VALUE = 0x87;
  public static final int READ_ONLY = 0x88;
  public static final int UNREPORTABLE_ATTRIBUTE = 0x8C;
  public static final int INVALID_DATA_TYPE = 0x8D;

  public boolean isClusterSpecific() {
    return (frameControl & 0x03) == CLUSTER_SPECIFIC;
  }

  public boolean isDefaultResponseDisabled() {
    return (frameControl & DISABLE_DEFAULT_RESPONSE) != 0;
  }

  public static ZclFrame parse(byte[] data) {
    WireReader in = new WireReader(data);
    int frameControl = in.u8("ZCL frame control");
    int manufacturer = -1;
    if ((frameControl & MANUFACTURER_SPECIFIC) != 0) {
      manufacturer = in.u16le("ZCL manufacturer code");
    }
    int sequence = in.u8("ZCL sequence number");
    int command = in.u8("ZCL command id");
    return new ZclFrame(frameControl, manufacturer, sequence, command, in.rest());
  }

  public byte[] toBytes() {
    WireWriter out = new WireWriter().u8(frameControl);
    if ((frameControl & MANUFACTURER_SPECIFIC) != 0) {
      out.u16le(manufacturerCode);
    }
    return out.u8(sequence).u8(commandId).bytes(payload).toByteArray();
  }

  /** A global (profile-wide) frame sent by a server (device) to the client (coordinator). */
  public static ZclFrame fromServer(
      int sequence, int commandId, byte[] payload, boolean disableDefaultResponse) {
    int fc = SERVER_TO_CLIENT | (disableDefaultResponse ? DISABLE_DEFAULT_RESPONSE : 0);
    return new ZclFrame(fc, -1, sequence, commandId, payload);
  }

  @Override
  public String toString() {
    return String.format(
        "ZCL fc=%02X seq=%d cmd=%02X %s",
        frameControl, sequence, commandId, HexFormat.of().formatHex(payload));
  }
}
