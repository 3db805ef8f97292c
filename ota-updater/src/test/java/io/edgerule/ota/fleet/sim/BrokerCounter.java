package io.edgerule.ota.fleet.sim;

import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.mqtt.testing.TestBroker.PublishTotals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Counts what goes through the broker during a run: every message published on the fleet's topics
 * ({@code <prefix>/#}, seen by a subscriber of its own: each published message once), and the
 * broker's own totals of PUBLISH messages (every message in and out, fan-out included): read
 * in-process when the broker runs in this JVM (HiveMQ's metrics), else from {@code
 * $SYS/broker/publish/messages/received|sent|dropped} when the broker publishes them (Mosquitto's
 * {@code sys_interval}; HiveMQ publishes no {@code $SYS} topics).
 */
final class BrokerCounter implements AutoCloseable {
  private static final Duration SYS_WAIT = Duration.ofSeconds(25);

  /**
   * @param sysReceived PUBLISH messages the broker received
   * @param sysSent PUBLISH messages it sent, fan-out to every subscriber included
   * @param sysDropped PUBLISH messages it dropped (queues full)
   * @param source where the broker's totals come from: {@code $SYS}, {@code metrics}, or {@code
   *     none}
   */
  record Counts(
      long messages,
      long bytes,
      Optional<Long> sysReceived,
      Optional<Long> sysSent,
      Optional<Long> sysDropped,
      String source) {}

  private final MqttTransport transport;
  private final Supplier<Optional<PublishTotals>> inProcess;
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private volatile java.util.function.Consumer<io.edgerule.mqtt.InboundMessage> tap = m -> {};
  private volatile long sysReceived = -1;
  private volatile long sysSent = -1;
  private volatile long sysDropped = -1;
  private volatile long sysAt; // nanoTime of the last $SYS update
  private volatile boolean sysSeen;
  private long markMessages;
  private long markBytes;
  private long markReceived = -1;
  private long markSent = -1;
  private long markDropped = -1;
  private Optional<PublishTotals> markTotals = Optional.empty();

  private BrokerCounter(MqttTransport transport, Supplier<Optional<PublishTotals>> inProcess) {
    this.transport = transport;
    this.inProcess = inProcess;
  }

  /**
   * @param inProcess the broker's own totals when it runs in this JVM (else empty: {@code $SYS})
   */
  static BrokerCounter start(
      String broker, String prefix, Supplier<Optional<PublishTotals>> inProcess) throws Exception {
    MqttTransport t =
        new MqttTransport(
            TransportConfig.builder(broker, "fleet-counter-" + UUID.randomUUID())
                .maxInFlight(10)
                .build());
    BrokerCounter c = new BrokerCounter(t, inProcess);
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
    if (inProcess.get().isPresent()) {
      return c; // HiveMQ: no $SYS topics
    }
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
                c.sysSeen = true;
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
    markTotals = inProcess.get();
    if (markTotals.isEmpty() && freshSys()) {
      markReceived = sysReceived;
      markSent = sysSent;
      markDropped = sysDropped;
    }
  }

  /** What went through since {@link #mark}. */
  Counts since(Duration limit) throws InterruptedException {
    long m = messages.get() - markMessages;
    long b = bytes.get() - markBytes;
    Optional<PublishTotals> now = inProcess.get();
    if (markTotals.isPresent() && now.isPresent()) {
      PublishTotals a = markTotals.get();
      PublishTotals z = now.get();
      return new Counts(
          m,
          b,
          Optional.of(z.received() - a.received()),
          Optional.of(z.sent() - a.sent()),
          Optional.of(z.dropped() - a.dropped()),
          "metrics");
    }
    boolean sys = markReceived >= 0 && freshSys();
    return new Counts(
        m,
        b,
        sys ? Optional.of(sysReceived - markReceived) : Optional.empty(),
        sys ? Optional.of(sysSent - markSent) : Optional.empty(),
        sys ? Optional.of(sysDropped - markDropped) : Optional.empty(),
        sys ? "$SYS" : "none");
  }

  /**
   * Waits for a $SYS update made after this call; false at once if the broker never published one
   * (by the time the fleet has booted, a broker with {@code sys_interval 1} has), false after a
   * while if it stopped.
   */
  private boolean freshSys() throws InterruptedException {
    if (!sysSeen) {
      return false;
    }
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
