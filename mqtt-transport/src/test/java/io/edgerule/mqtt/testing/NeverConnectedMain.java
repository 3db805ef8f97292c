package io.edgerule.mqtt.testing;

import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TlsConfig;
import io.edgerule.mqtt.TransportConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in its own JVM by {@code JvmExitIT}: a transport whose TLS connection is refused at every
 * attempt; after a few attempts main returns, with or without {@code close()}. The JVM must then
 * exit by itself (Paho 1.2.5 alone leaves a thread that keeps it alive).
 *
 * <p>Arguments: server URI, CA file, "close" or "no-close".
 */
public final class NeverConnectedMain {
  private NeverConnectedMain() {}

  public static void main(String[] args) throws Exception {
    MqttTransport t =
        new MqttTransport(
            TransportConfig.builder(args[0], "exit-" + ProcessHandle.current().pid())
                .reconnect(Duration.ofMillis(50), Duration.ofMillis(200))
                .tls(TlsConfig.trusting(Path.of(args[1])))
                .build());
    Events events = new Events();
    t.addListener(events);
    t.start();
    events.awaitDowns(3);
    System.out.println("refused: " + events.downReasons().get(0));
    if (args[2].equals("close")) {
      t.close();
      System.out.println("closed");
    }
  }
}
