package io.edgerule.adapter.modbus.internal.rtu;

import io.edgerule.adapter.modbus.Parity;
import java.time.Duration;

/**
 * Serial line timing from the Modbus over Serial Line specification (V1.02, 2.5.1.1): a character
 * is 1 start bit, the data bits, a parity bit if any, and the stop bits; frames are separated by at
 * least 3.5 character times, which above 19200 baud is fixed at 1.75 ms. Pure.
 */
public final class RtuTiming {
  /** The fixed inter-frame gap above 19200 baud. */
  public static final Duration HIGH_SPEED_GAP = Duration.ofNanos(1_750_000);

  private RtuTiming() {}

  /** Bits on the wire per character. */
  public static int bitsPerCharacter(int dataBits, Parity parity, int stopBits) {
    return 1 + dataBits + (parity == Parity.NONE ? 0 : 1) + stopBits;
  }

  /** Nanoseconds one character takes on the wire. */
  public static long characterNanos(int baud, int dataBits, Parity parity, int stopBits) {
    return Math.round(bitsPerCharacter(dataBits, parity, stopBits) * 1e9 / baud);
  }

  /** 3.5 character times, or 1.75 ms above 19200 baud. */
  public static Duration interFrameGap(int baud, int dataBits, Parity parity, int stopBits) {
    if (baud > 19200) {
      return HIGH_SPEED_GAP;
    }
    return Duration.ofNanos(Math.round(3.5 * characterNanos(baud, dataBits, parity, stopBits)));
  }
}
