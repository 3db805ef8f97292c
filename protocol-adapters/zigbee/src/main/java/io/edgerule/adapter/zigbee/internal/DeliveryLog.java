package io.edgerule.adapter.zigbee.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the dongle said about the delivery of each transmit: the transmit requests (0x10, 0x11) the
 * library wrote, matched by frame id with the transmit status (0x8B) the dongle answered.
 *
 * <p>Why: the library turns a failed delivery (e.g. 0x21 "network ACK failure" for a device that is
 * out of range) into a bare "not acknowledged", retries, and finally fails the transaction like one
 * that timed out. With this log the adapter can say that the coordinator could not deliver a write,
 * and why, instead of "no answer". Only frames the dongle really sent are recorded: the failure
 * answers our port makes up for requests lost with the line never pass through here. Pure: frames
 * in, answers out; thread-safe.
 */
public final class DeliveryLog {
  static final int TRANSMIT_REQUEST = 0x10;
  static final int EXPLICIT_TRANSMIT_REQUEST = 0x11;
  static final int TRANSMIT_STATUS = 0x8B;
  private static final long BROADCAST_64 = 0xFFFFL;
  private static final long UNKNOWN_64 = 0xFFFFFFFFFFFFFFFFL;
  private static final int UNKNOWN_16 = 0xFFFE;

  private record Destination(long ieee, int nwk) {}

  private record Failure(int status, long sequence) {}

  private final Map<Integer, Destination> inFlight = new HashMap<>(); // by frame id (1..255)
  private final Map<Long, Failure> byIeee = new HashMap<>();
  private final Map<Integer, Failure> byNwk = new HashMap<>();
  private long sequence;

  /** A point in time for {@link #failureSince}: take it before sending. */
  public synchronized long mark() {
    return ++sequence;
  }

  /** The library wrote {@code frameData} to the dongle. */
  public synchronized void sent(byte[] frameData) {
    int type = frameData.length > 0 ? frameData[0] & 0xFF : -1;
    if ((type != TRANSMIT_REQUEST && type != EXPLICIT_TRANSMIT_REQUEST) || frameData.length < 12) {
      return;
    }
    int id = frameData[1] & 0xFF;
    if (id != 0) { // frame id 0: the dongle sends no transmit status
      inFlight.put(id, new Destination(u64(frameData, 2), u16(frameData, 10)));
    }
  }

  /** The dongle sent {@code frameData}. */
  public synchronized void received(byte[] frameData) {
    if (frameData.length < 7 || (frameData[0] & 0xFF) != TRANSMIT_STATUS) {
      return;
    }
    Destination d = inFlight.remove(frameData[1] & 0xFF);
    int status = frameData[5] & 0xFF;
    if (d == null || status == 0) {
      return;
    }
    Failure f = new Failure(status, ++sequence);
    if (d.ieee() != UNKNOWN_64 && d.ieee() != BROADCAST_64) {
      byIeee.put(d.ieee(), f);
    }
    if (d.nwk() != UNKNOWN_16) {
      byNwk.put(d.nwk(), f);
    }
  }

  /**
   * The last delivery status other than success that the dongle reported, after {@code mark}, for a
   * transmit to the device with IEEE address {@code ieee} or network address {@code nwk}; e.g.
   * {@code NETWORK_ACK_FAILURE (0x21)}.
   */
  public synchronized Optional<String> failureSince(long mark, long ieee, int nwk) {
    Failure a = byIeee.get(ieee);
    Failure b = byNwk.get(nwk);
    Failure last = a == null ? b : b == null || a.sequence() > b.sequence() ? a : b;
    return last == null || last.sequence() <= mark
        ? Optional.empty()
        : Optional.of(describe(last.status()));
  }

  /** A delivery status by its name in Digi's XBee Zigbee user guide (frame 0x8B), and its code. */
  static String describe(int status) {
    String name =
        switch (status) {
          case 0x01 -> "MAC_ACK_FAILURE";
          case 0x02 -> "CCA_FAILURE";
          case 0x15 -> "INVALID_DESTINATION_ENDPOINT";
          case 0x21 -> "NETWORK_ACK_FAILURE";
          case 0x22 -> "NOT_JOINED_TO_NETWORK";
          case 0x23 -> "SELF_ADDRESSED";
          case 0x24 -> "ADDRESS_NOT_FOUND";
          case 0x25 -> "ROUTE_NOT_FOUND";
          case 0x26 -> "BROADCAST_SOURCE_FAILED_TO_HEAR_A_NEIGHBOR_RELAY";
          case 0x2B -> "INVALID_BINDING_TABLE_INDEX";
          case 0x2C, 0x32 -> "RESOURCE_ERROR";
          case 0x2D -> "ATTEMPTED_BROADCAST_WITH_APS_TRANSMISSION";
          case 0x2E -> "ATTEMPTED_UNICAST_WITH_APS_TRANSMISSION_BUT_EE_0";
          case 0x74 -> "DATA_PAYLOAD_TOO_LARGE";
          case 0x75 -> "INDIRECT_MESSAGE_UNREQUESTED";
          default -> "delivery status";
        };
    return String.format("%s (0x%02X)", name, status);
  }

  private static long u64(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  private static int u16(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }
}
