package io.edgerule.mqtt.testing;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A real MQTT 3.1.1 broker a test talks to: {@link Mosquitto} in its own process, or {@link HiveMq}
 * (HiveMQ Community Edition, an independent implementation) in the test's JVM. Tests that claim
 * "any standard broker" run against both ({@link Kind}).
 */
public interface TestBroker extends AutoCloseable {
  /** {@code tcp://127.0.0.1:port}. */
  String uri();

  /**
   * The broker's own count of PUBLISH packets since it started, when it keeps one the test can read
   * in-process (HiveMQ's metrics). Empty for Mosquitto, which tells through its {@code $SYS} topics
   * instead ({@code sys_interval}).
   */
  default Optional<PublishTotals> publishTotals() {
    return Optional.empty();
  }

  /**
   * @param received PUBLISH packets received from clients
   * @param sent PUBLISH packets sent to clients (fan-out to every subscriber included)
   * @param dropped messages dropped (queues full, ...)
   */
  record PublishTotals(long received, long sent, long dropped) {}

  @Override
  void close() throws Exception;

  /** The brokers the tests know, for parameterised tests. */
  enum Kind {
    MOSQUITTO,
    HIVEMQ;

    /**
     * Starts this broker with its defaults on a free loopback port, its files under {@code dir}.
     */
    public TestBroker start(Path dir) throws Exception {
      return switch (this) {
        case MOSQUITTO -> Mosquitto.start(dir);
        case HIVEMQ -> HiveMq.start(dir);
      };
    }
  }
}
