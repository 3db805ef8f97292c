package io.edgerule.sim.zigbee;

import java.io.IOException;
import java.util.function.Consumer;

/** The simulated dongle's side of the wire: a serial port or a TCP socket (ser2net style). */
interface SimLink extends AutoCloseable {

  /** Starts reading; {@code received} gets every chunk of bytes from the host, in order. */
  void start(Consumer<byte[]> received) throws IOException;

  /** Sends bytes to the host; dropped when no host is attached (as on an unplugged line). */
  void write(byte[] bytes);

  /** For logs: "tcp 127.0.0.1:40123", "serial /tmp/zigbee-dongle". */
  String describe();

  @Override
  void close();
}
