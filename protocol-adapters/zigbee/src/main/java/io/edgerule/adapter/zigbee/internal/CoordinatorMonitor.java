package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.IeeeAddress;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the frames from the dongle before the library does: counts them and the dropped ones,
 * learns which IEEE address sends from which network address (0x91 frames carry both), and follows
 * the dongle's modem status (0x8A), which the library mostly ignores.
 */
public final class CoordinatorMonitor implements PortEvents {
  private static final Logger log = LoggerFactory.getLogger(CoordinatorMonitor.class);
  private static final int MODEM_STATUS = 0x8A;
  private static final int EXPLICIT_RX = 0x91;
  private static final long UNKNOWN_64 = 0xFFFFFFFFFFFFFFFFL;

  /** What the adapter wants to hear about. */
  public interface Listener {
    /** Modem status 06: the coordinator formed or resumed its network. */
    void coordinatorStarted();

    /** Modem status 00 or 01: the dongle reset. */
    void dongleReset(String reason);

    void lineUp(String description);

    void lineDown(String reason);
  }

  private final String name;
  private final Listener listener;
  private final Map<Integer, IeeeAddress> addresses = new ConcurrentHashMap<>();
  private final DeliveryLog deliveries = new DeliveryLog();
  private final CounterSet<CoordinatorCounter> counters;
  private final AtomicLong coordinatorStarts = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private volatile long lastResetAt;
  private volatile long lastStartAt;
  private volatile String lastDrop = "";

  public CoordinatorMonitor(String name, Listener listener) {
    this(name, listener, Metrics.local());
  }

  /** Its counters made in {@code metrics} ({@code edgerule_zigbee_coordinator_*_total{device}}). */
  public CoordinatorMonitor(String name, Listener listener, Metrics metrics) {
    this.counters =
        CounterSet.bind(
            metrics,
            "edgerule_zigbee_coordinator",
            CoordinatorCounter.class,
            Labels.of("device", name),
            CoordinatorCounter::help);
    this.name = name;
    this.listener = listener;
  }

  @Override
  public void frame(byte[] frameData) {
    counters.increment(CoordinatorCounter.FRAMES_IN);
    deliveries.received(frameData);
    int type = frameData[0] & 0xFF;
    if (type == EXPLICIT_RX && frameData.length >= 11) {
      long ieee = 0;
      for (int i = 1; i <= 8; i++) {
        ieee = (ieee << 8) | (frameData[i] & 0xFF);
      }
      int nwk = ((frameData[9] & 0xFF) << 8) | (frameData[10] & 0xFF);
      if (ieee != UNKNOWN_64 && ieee != 0) {
        addresses.put(nwk, new IeeeAddress(String.format("%016X", ieee)));
      }
    }
  }

  @Override
  public void sent(byte[] frameData) {
    deliveries.sent(frameData);
  }

  /** What the dongle said about the delivery of each transmit. */
  public DeliveryLog deliveries() {
    return deliveries;
  }

  /** Modem status is acted on once the library has seen it too (its startup depends on it). */
  @Override
  public void handled(byte[] frameData) {
    if ((frameData[0] & 0xFF) != MODEM_STATUS || frameData.length < 2) {
      return;
    }
    int status = frameData[1] & 0xFF;
    switch (status) {
      case 0x00, 0x01 -> {
        lastResetAt = sequence.incrementAndGet();
        counters.increment(CoordinatorCounter.DONGLE_RESETS);
        String reason = status == 0 ? "hardware reset" : "watchdog reset";
        listener.dongleReset("modem status " + String.format("%02X", status) + " " + reason);
      }
      case 0x06 -> {
        lastStartAt = sequence.incrementAndGet();
        coordinatorStarts.incrementAndGet();
        listener.coordinatorStarted();
      }
      default -> log.info("{}: dongle modem status {}", name, String.format("%02X", status));
    }
  }

  @Override
  public void dropped(XBeeFrameGuard.Drop kind, String reason) {
    switch (kind) {
      case CHECKSUM_ERROR -> counters.increment(CoordinatorCounter.CHECKSUM_ERRORS);
      case TRUNCATED_FRAME -> counters.increment(CoordinatorCounter.TRUNCATED_FRAMES);
      case BAD_LENGTH -> counters.increment(CoordinatorCounter.BAD_LENGTHS);
    }
    lastDrop = reason;
    log.warn("{}: dropped a frame from the dongle: {}", name, reason);
  }

  @Override
  public void requestLost(String description) {
    counters.increment(CoordinatorCounter.REQUESTS_LOST);
  }

  @Override
  public void connected(String description) {
    listener.lineUp(description);
  }

  @Override
  public void disconnected(String reason) {
    counters.increment(CoordinatorCounter.RECONNECTS);
    listener.lineDown(reason);
  }

  /** The IEEE address last seen sending from {@code nwk}, or null. */
  public IeeeAddress ieeeOf(int nwk) {
    return addresses.get(nwk);
  }

  /** A point in the dongle's status history, for {@link #startedAfterResetSince}. */
  public long mark() {
    return sequence.incrementAndGet();
  }

  /**
   * Whether, since {@code mark}, the dongle reset (modem status 00/01) and then reported
   * "coordinator started" (06), and the library has handled both.
   */
  public boolean startedAfterResetSince(long mark) {
    long reset = lastResetAt;
    return reset > mark && lastStartAt > reset;
  }

  /** How many times the dongle said "coordinator started" (modem status 06). */
  public long coordinatorStarts() {
    return coordinatorStarts.get();
  }

  public String lastDrop() {
    return lastDrop;
  }

  /** Health counters, snake_case. */
  public Map<String, Long> counters() {
    return counters.snapshot();
  }
}
