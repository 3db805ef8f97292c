package io.edgerule.adapter.zigbee.internal;

/**
 * The one XBee request the library waits on, and the failure answer to give it when the line to the
 * dongle is lost before the dongle's answer came.
 *
 * <p>Why: the library's XBee frame handler (zsmartsystems 1.4.16.1 {@code XBeeFrameHandler}) sends
 * one frame at a time and sends the next only when the answer to the last one (AT response 0x88,
 * transmit status 0x8B) has come, or after its 10 s command timeout. A request lost with the line
 * (ser2net restart, unplugged dongle) would hold every later request for those 10 s. Answering it
 * with a failure, as the dongle would for a frame it could not deliver, lets the library fail that
 * one transaction and go on at once. Pure: frames in, frames out.
 */
public final class PendingRequest {
  static final int AT_COMMAND = 0x08;
  static final int AT_COMMAND_QUEUED = 0x09;
  static final int TRANSMIT_REQUEST = 0x10;
  static final int EXPLICIT_TRANSMIT_REQUEST = 0x11;
  static final int AT_RESPONSE = 0x88;
  static final int TRANSMIT_STATUS = 0x8B;
  static final int AT_STATUS_ERROR = 0x01;

  /** Digi delivery status 0x21 "network ACK failure": nothing says the frame got anywhere. */
  static final int DELIVERY_NETWORK_ACK_FAILURE = 0x21;

  private byte[] pending;

  /** The library wrote {@code frameData}; it waits for its answer if it has a frame id. */
  public synchronized void sent(byte[] frameData) {
    if (answerType(frameData) != 0) {
      pending = frameData;
    }
  }

  /** The dongle sent {@code frameData}; if it answers the pending request, nothing is pending. */
  public synchronized void received(byte[] frameData) {
    if (pending != null
        && frameData.length >= 2
        && (frameData[0] & 0xFF) == answerType(pending)
        && frameData[1] == pending[1]) {
      pending = null;
    }
  }

  /** The failure answer to the pending request, once; null when nothing is pending. */
  public synchronized byte[] lost() {
    byte[] request = pending;
    pending = null;
    return request == null ? null : failureAnswer(request);
  }

  /** The request type and frame id, for logs ("0x11 #5"), or "" when nothing is pending. */
  public synchronized String describe() {
    return pending == null ? "" : String.format("0x%02X #%d", pending[0] & 0xFF, pending[1] & 0xFF);
  }

  /** The frame type that answers {@code request}, or 0 if none will (no frame id, or no answer). */
  static int answerType(byte[] request) {
    if (request.length < 2 || request[1] == 0) {
      return 0; // frame id 0: the dongle sends no answer
    }
    return switch (request[0] & 0xFF) {
      case AT_COMMAND, AT_COMMAND_QUEUED -> request.length >= 4 ? AT_RESPONSE : 0;
      case TRANSMIT_REQUEST, EXPLICIT_TRANSMIT_REQUEST -> TRANSMIT_STATUS;
      default -> 0;
    };
  }

  /**
   * The answer a dongle gives to a request it could not carry out: AT response with status ERROR
   * (type, id, the two command letters, 01), or transmit status "network ACK failure" (type, id,
   * destination FFFE unknown, 0 retries, 21, discovery 00).
   */
  static byte[] failureAnswer(byte[] request) {
    byte id = request[1];
    return switch (answerType(request)) {
      case AT_RESPONSE ->
          new byte[] {(byte) AT_RESPONSE, id, request[2], request[3], (byte) AT_STATUS_ERROR};
      case TRANSMIT_STATUS ->
          new byte[] {
            (byte) TRANSMIT_STATUS,
            id,
            (byte) 0xFF,
            (byte) 0xFE,
            0,
            (byte) DELIVERY_NETWORK_ACK_FAILURE,
            0
          };
      default -> throw new IllegalArgumentException("no answer expected to this request");
    };
  }
}
