package io.edgerule.adapter.modbus;

import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.modbus.internal.rtu.RtuTiming;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The serial line (or serial device server) a {@code modbus-rtu} device hangs on. Every device on
 * one {@code port} must carry the same bus settings; see docs/reference/modbus.md.
 *
 * @param port the serial device ({@code /dev/ttyUSB0}, better a stable {@code
 *     /dev/serial/by-id/...} link) or {@code tcp://host:port} for RTU frames over TCP to a serial
 *     device server (Moxa NPort in TCP server mode, ser2net raw)
 * @param baud bits per second (default 19200, the Modbus default)
 * @param dataBits 8 (RTU frames are 8-bit; 7 is Modbus ASCII)
 * @param parity none, even or odd (default even, the Modbus default)
 * @param stopBits 1 or 2 (default 1)
 * @param timeout how long a unit may take to start answering, counted from the end of the request
 *     on the wire; the answer's own wire time at {@code baud} is added (default 1s)
 * @param interFrameGap silence kept before each request; default 3.5 character times at the
 *     configured framing, 1.75 ms above 19200 baud (Modbus over serial line 2.5.1.1)
 * @param reconnect backoff between attempts to open the port and between probes of a unit that
 *     stopped answering (default 500ms doubling up to 30s)
 * @param rs485Mode let the kernel drive RTS as the transmitter enable of an RS-485 transceiver
 *     wired to a UART (TIOCSRS485); not needed for USB adapters with automatic direction control
 *     (default false)
 * @param echo the adapter hears its own transmission (RS-485 transceivers with the receiver always
 *     enabled): drop the request's own bytes before looking for the answer (default false)
 */
public record ModbusRtuBusConfig(
    String port,
    Integer baud,
    Integer dataBits,
    Parity parity,
    Integer stopBits,
    Duration timeout,
    Duration interFrameGap,
    Backoff reconnect,
    Boolean rs485Mode,
    Boolean echo) {

  public static final String TCP_PREFIX = "tcp://";

  public ModbusRtuBusConfig {
    if (port == null || port.isBlank()) {
      throw new IllegalArgumentException(
          "port: required (a serial device such as /dev/ttyUSB0, or tcp://host:port)");
    }
    port = port.trim();
    if (port.startsWith(TCP_PREFIX)) {
      tcpAddress(port); // validates
    }
    baud = baud == null ? 19200 : baud;
    check(baud >= 300 && baud <= 4_000_000, "baud", "must be 300..4000000, got " + baud);
    dataBits = dataBits == null ? 8 : dataBits;
    check(
        dataBits == 8,
        "data_bits",
        "must be 8: Modbus RTU frames are 8-bit (7 is Modbus ASCII), got " + dataBits);
    parity = parity == null ? Parity.EVEN : parity;
    stopBits = stopBits == null ? 1 : stopBits;
    check(stopBits == 1 || stopBits == 2, "stop_bits", "must be 1 or 2, got " + stopBits);
    timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
    check(
        !timeout.isNegative() && !timeout.isZero() && timeout.compareTo(Duration.ofMinutes(1)) <= 0,
        "timeout",
        "must be > 0 and at most 1m, got " + DurationText.format(timeout));
    interFrameGap =
        interFrameGap == null
            ? RtuTiming.interFrameGap(baud, dataBits, parity, stopBits)
            : interFrameGap;
    check(
        !interFrameGap.isNegative() && interFrameGap.compareTo(Duration.ofSeconds(1)) <= 0,
        "inter_frame_gap",
        "must be 0..1s, got " + DurationText.format(interFrameGap));
    reconnect = reconnect == null ? Backoff.DEFAULT : reconnect;
    rs485Mode = rs485Mode != null && rs485Mode;
    echo = echo != null && echo;
  }

  /** Throws "field: problem" (the loader points at the field's line) unless {@code ok}. */
  private static void check(boolean ok, String field, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": " + problem);
    }
  }

  /** A bus with defaults for everything but the port. */
  public static ModbusRtuBusConfig of(String port) {
    return new ModbusRtuBusConfig(port, null, null, null, null, null, null, null, null, null);
  }

  /** True for {@code tcp://host:port}: RTU frames over a TCP socket. */
  public boolean isTcp() {
    return port.startsWith(TCP_PREFIX);
  }

  /** Host of a {@code tcp://} port (an IPv6 literal keeps its brackets, which Java accepts). */
  public String tcpHost() {
    return tcpAddress(port).getHost();
  }

  /** Port number of a {@code tcp://} port. */
  public int tcpPort() {
    return tcpAddress(port).getPort();
  }

  /** Nanoseconds one character takes on the wire at this bus's framing. */
  public long characterNanos() {
    return RtuTiming.characterNanos(baud, dataBits, parity, stopBits);
  }

  private static URI tcpAddress(String port) {
    URI uri;
    try {
      uri = new URI(port);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "port: '" + port + "' is not a valid tcp://host:port address: " + e.getReason());
    }
    String host = uri.getHost();
    if (host == null
        || uri.getPort() < 1
        || uri.getPort() > 65535
        || (uri.getPath() != null && !uri.getPath().isEmpty())
        || uri.getQuery() != null) {
      throw new IllegalArgumentException(
          "port: '" + port + "' must be tcp://host:port with a port 1..65535");
    }
    return uri;
  }
}
