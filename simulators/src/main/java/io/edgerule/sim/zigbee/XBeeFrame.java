package io.edgerule.sim.zigbee;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The XBee API frames a Zigbee coordinator in API mode with explicit addressing (AO=3) exchanges
 * with its host, as records that turn themselves into frame data (type byte first, no delimiter,
 * length or checksum; see {@link XBeeApiCodec}). Field layouts follow Digi's "XBee/XBee-PRO Zigbee
 * RF Modules" API frame reference. Multi-byte XBee fields are big endian.
 */
public sealed interface XBeeFrame {
  int AT_COMMAND = 0x08;
  int EXPLICIT_TRANSMIT_REQUEST = 0x11;
  int AT_RESPONSE = 0x88;
  int MODEM_STATUS = 0x8A;
  int TRANSMIT_STATUS = 0x8B;
  int EXPLICIT_RX_INDICATOR = 0x91;

  /** The 64-bit address a host uses for "the coordinator" and the broadcast address. */
  long COORDINATOR_64 = 0L;

  long BROADCAST_64 = 0xFFFFL;

  /** The 16-bit address meaning "unknown" in transmit requests. */
  int UNKNOWN_16 = 0xFFFE;

  int type();

  /** Frame data: the type byte followed by the fields. */
  byte[] frameData();

  /**
   * Parses frame data.
   *
   * @throws IllegalArgumentException when the frame is too short for its type, naming the field
   */
  static XBeeFrame parse(byte[] frameData) {
    if (frameData.length == 0) {
      throw new IllegalArgumentException("empty frame");
    }
    WireReader in = new WireReader(frameData, 1);
    int type = frameData[0] & 0xFF;
    try {
      return switch (type) {
        case AT_COMMAND ->
            new AtCommand(
                in.u8("frame id"),
                new String(in.bytes(2, "AT command"), StandardCharsets.US_ASCII),
                in.rest());
        case AT_RESPONSE ->
            new AtResponse(
                in.u8("frame id"),
                new String(in.bytes(2, "AT command"), StandardCharsets.US_ASCII),
                in.u8("command status"),
                in.rest());
        case MODEM_STATUS -> new ModemStatus(in.u8("status"));
        case EXPLICIT_TRANSMIT_REQUEST ->
            new ExplicitTransmitRequest(
                in.u8("frame id"),
                in.u64be("64-bit destination"),
                in.u16be("16-bit destination"),
                in.u8("source endpoint"),
                in.u8("destination endpoint"),
                in.u16be("cluster id"),
                in.u16be("profile id"),
                in.u8("broadcast radius"),
                in.u8("transmit options"),
                in.rest());
        case TRANSMIT_STATUS ->
            new TransmitStatus(
                in.u8("frame id"),
                in.u16be("16-bit destination"),
                in.u8("retry count"),
                in.u8("delivery status"),
                in.u8("discovery status"));
        case EXPLICIT_RX_INDICATOR ->
            new ExplicitRxIndicator(
                in.u64be("64-bit source"),
                in.u16be("16-bit source"),
                in.u8("source endpoint"),
                in.u8("destination endpoint"),
                in.u16be("cluster id"),
                in.u16be("profile id"),
                in.u8("receive options"),
                in.rest());
        default -> new Unknown(type, in.rest());
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          String.format("malformed 0x%02X frame: %s", type, e.getMessage()), e);
    }
  }

  /** 0x08: a local AT command (read when {@code parameter} is empty, set otherwise). */
  record AtCommand(int frameId, String command, byte[] parameter) implements XBeeFrame {
    @Override
    public int type() {
      return AT_COMMAND;
    }

    @Override
    public byte[] frameData() {
      return new WireWriter()
          .u8(AT_COMMAND)
          .u8(frameId)
          .bytes(command.getBytes(StandardCharsets.US_ASCII))
          .bytes(parameter)
          .toByteArray();
    }

    @Override
    public String toString() {
      return "AT " + command + " id=" + frameId + " " + HexFormat.of().formatHex(parameter);
    }
  }

  /**
   * 0x88: the answer to an AT command. Status 0 OK, 1 ERROR, 2 invalid command, 3 invalid
   * parameter.
   */
  record AtResponse(int frameId, String command, int status, byte[] data) implements XBeeFrame {
    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int INVALID_COMMAND = 2;
    public static final int INVALID_PARAMETER = 3;

    @Override
    public int type() {
      return AT_RESPONSE;
    }

    @Override
    public byte[] frameData() {
      return new WireWriter()
          .u8(AT_RESPONSE)
          .u8(frameId)
          .bytes(command.getBytes(StandardCharsets.US_ASCII))
          .u8(status)
          .bytes(data)
          .toByteArray();
    }

    @Override
    public String toString() {
      return "AT response " + command + " id=" + frameId + " status=" + status;
    }
  }

  /**
   * 0x8A: an unsolicited modem status (00 hardware reset, 01 watchdog reset, 06 coordinator
   * started).
   */
  record ModemStatus(int status) implements XBeeFrame {
    public static final int HARDWARE_RESET = 0x00;
    public static final int WATCHDOG_RESET = 0x01;
    public static final int JOINED_NETWORK = 0x02;
    public static final int DISASSOCIATED = 0x03;
    public static final int COORDINATOR_STARTED = 0x06;

    @Override
    public int type() {
      return MODEM_STATUS;
    }

    @Override
    public byte[] frameData() {
      return new byte[] {(byte) MODEM_STATUS, (byte) status};
    }
  }

  /** 0x11: send an APS frame with explicit endpoints, cluster and profile. */
  record ExplicitTransmitRequest(
      int frameId,
      long destination64,
      int destination16,
      int sourceEndpoint,
      int destinationEndpoint,
      int clusterId,
      int profileId,
      int broadcastRadius,
      int options,
      byte[] payload)
      implements XBeeFrame {
    @Override
    public int type() {
      return EXPLICIT_TRANSMIT_REQUEST;
    }

    @Override
    public byte[] frameData() {
      return new WireWriter()
          .u8(EXPLICIT_TRANSMIT_REQUEST)
          .u8(frameId)
          .u64be(destination64)
          .u16be(destination16)
          .u8(sourceEndpoint)
          .u8(destinationEndpoint)
          .u16be(clusterId)
          .u16be(profileId)
          .u8(broadcastRadius)
          .u8(options)
          .bytes(payload)
          .toByteArray();
    }

    @Override
    public String toString() {
      return String.format(
          "TX id=%d to %016X/%04X ep %d->%d cluster %04X profile %04X: %s",
          frameId,
          destination64,
          destination16,
          sourceEndpoint,
          destinationEndpoint,
          clusterId,
          profileId,
          HexFormat.of().formatHex(payload));
    }
  }

  /** 0x8B: the outcome of a transmit request (delivery status 0 = success). */
  record TransmitStatus(
      int frameId, int destination16, int retryCount, int deliveryStatus, int discoveryStatus)
      implements XBeeFrame {
    public static final int SUCCESS = 0x00;
    public static final int NETWORK_ACK_FAILURE = 0x21;
    public static final int ADDRESS_NOT_FOUND = 0x24;

    @Override
    public int type() {
      return TRANSMIT_STATUS;
    }

    @Override
    public byte[] frameData() {
      return new WireWriter()
          .u8(TRANSMIT_STATUS)
          .u8(frameId)
          .u16be(destination16)
          .u8(retryCount)
          .u8(deliveryStatus)
          .u8(discoveryStatus)
          .toByteArray();
    }
  }

  /** 0x91: an APS frame received from the network, with its endpoints, cluster and profile. */
  record ExplicitRxIndicator(
      long source64,
      int source16,
      int sourceEndpoint,
      int destinationEndpoint,
      int clusterId,
      int profileId,
      int options,
      byte[] payload)
      implements XBeeFrame {
    public static final int OPTION_ACKNOWLEDGED = 0x01;
    public static final int OPTION_BROADCAST = 0x02;

    @Override
    public int type() {
      return EXPLICIT_RX_INDICATOR;
    }

    @Override
    public byte[] frameData() {
      return new WireWriter()
          .u8(EXPLICIT_RX_INDICATOR)
          .u64be(source64)
          .u16be(source16)
          .u8(sourceEndpoint)
          .u8(destinationEndpoint)
          .u16be(clusterId)
          .u16be(profileId)
          .u8(options)
          .bytes(payload)
          .toByteArray();
    }

    @Override
    public String toString() {
      return String.format(
          "RX from %016X/%04X ep %d->%d cluster %04X profile %04X: %s",
          source64,
          source16,
          sourceEndpoint,
          destinationEndpoint,
          clusterId,
          profileId,
          HexFormat.of().formatHex(payload));
    }
  }

  /** Any frame type this simulator does not model; kept so it can be logged and answered. */
  record Unknown(int type, byte[] body) implements XBeeFrame {
    @Override
    public byte[] frameData() {
      return new WireWriter().u8(type).bytes(body).toByteArray();
    }
  }
}
