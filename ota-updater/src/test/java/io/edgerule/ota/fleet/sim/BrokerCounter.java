package io.edgerule.ota.fleet.sim;

import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what goes through the broker during a run: every message published on the fleet's topics
 * ({@code <prefix>/#}, seen by a subscriber of its own: each published message once), and the
 * broker's own totals of PUBLISH messages from {@code $SYS/broker/publish/messages/received|sent|
 * dropped} (every message in and out, fan-out included), when the broker publishes them ({@code
 * sys_interval}).
 */
final class BrokerCounter implements AutoCloseable {
  private static final Duration SYS_WAIT = Duration.ofSeconds(25);

  /**
   * @param sysReceived PUBLISH messages the broker received ({@code
   *     $SYS/broker/publish/messages/received})
   * @param sysSent PUBLISH messages it sent, fan-out to every subscriber included
   * @param sysDropped PUBLISH messages it dropped (queues full)
   */
  record Counts(
      long messages,
      long bytes,
      Optional<Long> sysReceived,
      Optional<Long> sysSent,
      Optional<Long> sysDropped) {}

  private final MqttTransport transport;
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private volatile java.util.function.Consumer<io.edgerule.mqtt.InboundMessage> tap = m -> {};
  private volatile long sysReceived = -1;
  private volatile long sysSent = -1;
  private volatile long sysDropped = -1;
  private volatile long sysAt; // nanoTime of the last $SYS update
  private long markMessages;
  private long markBytes;
  private long markReceived = -1;
  private long markSent = -1;
  private long markDropped = -1;

  private BrokerCounter(MqttTransport transport) {
    this.transport = transport;
  }

  static BrokerCounter start(String broker, String prefix) throws Exception {
    MqttTransport t =
        new MqttTransport(
            TransportConfig.builder(broker, "fleet-counter-" + UUID.randomUUID())
                .maxInFlight(10)
                .build());
    BrokerCounter c = new BrokerCounter(t);
    t.start();
    FleetScenario.await(Duration.ofSeconds(60), t::isConnected, () -> "the counter connects");
    t.subscribe(
            prefix + "/#",
            1,
            m -> {
              c.messages.incrementAndGet();
              c.bytes.addAndGet(m.payload().length);
              c.tap.accept(m);
            })
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    t.subscribe(
            "$SYS/broker/publish/messages/+",
            0,
            m -> {
              String v = new String(m.payload(), StandardCharsets.US_ASCII).trim();
              try {
                long n = Long.parseLong(v);
                if (m.topic().endsWith("/received")) {
                  c.sysReceived = n;
                } else if (m.topic().endsWith("/sent")) {
                  c.sysSent = n;
                } else if (m.topic().endsWith("/dropped")) {
                  c.sysDropped = n;
                }
                c.sysAt = System.nanoTime();
              } catch (NumberFormatException e) {
                // another $SYS value
              }
            })
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    return c;
  }

  /** Also hands every message of the fleet's topics to {@code t} (on the MQTT callback thread). */
  void tap(java.util.function.Consumer<io.edgerule.mqtt.InboundMessage> t) {
    this.tap = t;
  }

  /** Starts counting from now. */
  void mark() throws InterruptedException {
    markMessages = messages.get();
    markBytes = bytes.get();
    if (freshSys()) {
      markReceived = sysReceived;
      markSent = sysSent;
      markDropped = sysDropped;
    }
  }

  /** What went through since {@link #mark}. */
  Counts since(Duration limit) throws InterruptedException {
    long m = messages.get() - markMessages;
    long b = bytes.get() - markBytes;
    boolean sys = markReceived >= 0 && freshSys();
    return new Counts(
        m,
        b,
        sys ? Optional.of(sysReceived - markReceived) : Optional.empty(),
        sys ? Optional.of(sysSent - markSent) : Optional.empty(),
        sys ? Optional.of(sysDropped - markDropped) : Optional.empty());
  }

  /** Waits for a $SYS update made after this call; false if the broker publishes none. */
  private boolean freshSys() throws InterruptedException {
    long asked = System.nanoTime();
    long deadline = asked + SYS_WAIT.toNanos();
    while (sysAt - asked <= 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50); // polling for the broker's next $SYS tick, bounded
    }
    return true;
  }

  @Override
  public void close() {
    transport.close();
  }
}
