package io.edgerule.adapter.zigbee.internal;

import com.fazecast.jSerialComm.SerialPort;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.zigbee.ZigbeeCoordinatorConfig;
import io.edgerule.serial.SerialNative;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;

/** A coordinator on a local serial port (USB dongle, UART, or a socat pty), via jSerialComm. */
public final class SerialZigbeePort extends GuardedZigbeePort {
  private static final int READ_TIMEOUT_MILLIS = 200;

  private final String path;
  private final int baud;
  private final ZigbeeCoordinatorConfig.FlowControl flowControl;
  private volatile SerialPort port;

  static {
    // Before jSerialComm's SerialPort initialises: on riscv64 it needs our native library.
    SerialNative.prepare();
  }

  public SerialZigbeePort(
      String path,
      int baud,
      ZigbeeCoordinatorConfig.FlowControl flowControl,
      ThreadFactory threadFactory,
      PortEvents events,
      Backoff backoff) {
    super(threadFactory, events, backoff);
    this.path = path;
    this.baud = baud;
    this.flowControl = flowControl;
  }

  @Override
  protected void openLine() throws IOException {
    if (!Files.exists(Path.of(path))) {
      throw new IOException("serial port " + path + " does not exist (dongle unplugged?)");
    }
    SerialPort p = SerialPort.getCommPort(path);
    p.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
    p.setFlowControl(
        switch (flowControl) {
          case NONE -> SerialPort.FLOW_CONTROL_DISABLED;
          case RTS_CTS -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
          case XON_XOFF ->
              SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED
                  | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
        });
    p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, READ_TIMEOUT_MILLIS, 0);
    if (!p.openPort()) {
      throw new IOException(
          "cannot open serial port " + path + " (error code " + p.getLastErrorCode() + ")");
    }
    // bytes written while nobody had the port open arrive now: they belong to nobody
    p.flushIOBuffers();
    port = p;
  }

  @Override
  protected int readLine(byte[] buffer) throws IOException {
    SerialPort p = port;
    if (p == null) {
      throw new IOException("serial port " + path + " is closed");
    }
    int n = p.readBytes(buffer, buffer.length);
    if (n < 0) {
      throw new IOException(
          "serial port " + path + " read failed (error code " + p.getLastErrorCode() + ")");
    }
    return n;
  }

  @Override
  protected void writeLine(byte[] bytes) throws IOException {
    SerialPort p = port;
    if (p == null) {
      throw new IOException("serial port " + path + " is closed");
    }
    int n = p.writeBytes(bytes, bytes.length);
    if (n != bytes.length) {
      throw new IOException(
          "serial port " + path + ": wrote " + n + " of " + bytes.length + " bytes");
    }
  }

  @Override
  protected void closeLine() {
    SerialPort p = port;
    port = null;
    if (p != null) {
      p.closePort();
    }
  }

  @Override
  public String describe() {
    return "serial " + path + " @ " + baud;
  }
}
