package io.edgerule.cli;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HiveMQ Community Edition, embedded, on a loopback port, in-memory: the demo's MQTT broker. (It
 * honours MQTT 3.1.1 retained flags, unlike Moquette 0.17.)
 */
final class EmbeddedBroker implements AutoCloseable {
  private static final int START_TIMEOUT_MINUTES = 10;

  private final EmbeddedHiveMQ hivemq;
  private final int port;

  private EmbeddedBroker(EmbeddedHiveMQ hivemq, int port) {
    this.hivemq = hivemq;
    this.port = port;
  }

  static EmbeddedBroker start(Path dir, int port) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path extensions = Files.createDirectories(dir.resolve("extensions"));
    Files.writeString(
        conf.resolve("config.xml"),
        """
        <?xml version="1.0"?>
        <hivemq>
          <listeners>
            <tcp-listener>
              <port>%d</port>
              <bind-address>127.0.0.1</bind-address>
            </tcp-listener>
          </listeners>
          <persistence>
            <mode>in-memory</mode>
          </persistence>
          <anonymous-usage-statistics>
            <enabled>false</enabled>
          </anonymous-usage-statistics>
        </hivemq>
        """
            .formatted(port));
    EmbeddedHiveMQ hivemq =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(conf)
            .withDataFolder(data)
            .withExtensionsFolder(extensions)
            .withoutLoggingBootstrap()
            .build();
    // HiveMQ starts in about 2 s here, but takes minutes on a slow board or under qemu-user
    // emulation (benchmarks/cross/run.sh): a ceiling, not an expectation.
    try {
      hivemq.start().get(START_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      hivemq.close();
      throw new IOException(
          "the embedded MQTT broker did not start within " + START_TIMEOUT_MINUTES + " minutes");
    }
    return new EmbeddedBroker(hivemq, port);
  }

  String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  @Override
  public void close() throws IOException {
    try {
      hivemq.stop().get(10, TimeUnit.SECONDS);
      hivemq.close();
    } catch (Exception e) {
      throw new IOException("broker did not stop cleanly: " + e, e);
    }
  }
}
