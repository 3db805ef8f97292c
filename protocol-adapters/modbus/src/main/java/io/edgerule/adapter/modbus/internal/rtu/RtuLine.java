package io.edgerule.adapter.modbus.internal.rtu;

import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.modbus.internal.rtu.RtuBus.Exchange;
import io.edgerule.adapter.modbus.internal.rtu.RtuTransaction.Outcome;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire side of an {@link RtuBus}: one exchange at a time on its open port, with RTU's timing.
 * Anything that arrived unasked since the last exchange is counted and dropped; the line is left
 * quiet for the inter-frame gap since the last byte sent or received; the request is written; then
 * {@link RtuTransaction} decides from the bytes and the clock. The response timeout runs from the
 * end of the request on the wire and is extended by the time the expected answer needs on the wire
 * at the configured baud. Each exchange's outcome is counted in the bus's counters.
 *
 * <p>Used by the bus thread only, which owns the port: nothing here is guarded.
 */
final class RtuLine {
  private static final Logger log = LoggerFactory.getLogger(RtuLine.class);

  /**
   * Extra quiet time before a CRC verdict or the end of a drain: USB serial adapters hand bytes
   * over in bursts (FTDI every 16 ms by default), so a pause of a few character times inside one
   * frame is normal on the host side.
   */
  static final long QUIET_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final BusPort port;
  private final RtuBus.Settings settings;
  private final CounterSet<BusCounter> counters;
  private long lastActivity = System.nanoTime();
  private final byte[] buffer = new byte[RtuFrames.MAX_FRAME];

  RtuLine(BusPort port, RtuBus.Settings settings, CounterSet<BusCounter> counters) {
    this.port = port;
    this.settings = settings;
    this.counters = counters;
  }

  /** The port was just opened: the inter-frame gap counts from now. */
  void opened() {
    lastActivity = System.nanoTime();
  }

  /**
   * Blocking: sends {@code pdu} to {@code unitId} and waits for the transaction's verdict.
   *
   * @param closed whether the bus was closed meanwhile (asked while waiting for the answer)
   * @return what the exchange gave; empty when the bus was closed before the verdict
   * @throws IOException when the port failed (the caller closes it)
   */
  Optional<Exchange> exchange(int unitId, ModbusRequestPdu pdu, BooleanSupplier closed)
      throws IOException {
    discardUnsolicited();
    awaitGap();
    byte[] frame = RtuFrames.request(unitId, pdu);
    port.write(frame);
    long sent = System.nanoTime();
    counters.increment(BusCounter.REQUESTS);
    long onWire = frame.length * settings.characterNanos();
    long answerOnWire = RtuFrames.expectedResponseLength(pdu) * settings.characterNanos();
    long deadline = sent + onWire + settings.timeout().toNanos() + answerOnWire;
    RtuTransaction t =
        new RtuTransaction(
            unitId,
            pdu.getFunctionCode(),
            settings.echo() ? frame : null,
            sent,
            deadline,
            settings.timeout().toNanos(),
            settings.interFrameGapNanos() + QUIET_SLACK_NANOS);
    lastActivity = sent + onWire;
    while (!t.done()) {
      if (closed.getAsBoolean()) {
        return Optional.empty();
      }
      long now = System.nanoTime();
      int n = port.read(buffer, Math.max(0, t.wakeAt() - now));
      now = System.nanoTime();
      if (n > 0) {
        t.onBytes(buffer, 0, n, now);
        lastActivity = now;
      }
      t.onTime(now);
    }
    Exchange result = new Exchange(t.outcome(), t.late(), t.garbageBytes(), t.foreignFrames());
    count(result);
    return Optional.of(result);
  }

  private void count(Exchange x) {
    Outcome outcome = x.outcome();
    if (outcome instanceof Outcome.Answer a) {
      boolean exception = (a.frame()[1] & 0x80) != 0;
      counters.increment(exception ? BusCounter.EXCEPTIONS : BusCounter.RESPONSES);
    } else if (outcome instanceof Outcome.CrcError) {
      counters.increment(BusCounter.CRC_ERRORS);
    } else if (outcome instanceof Outcome.Incomplete) {
      counters.increment(BusCounter.INCOMPLETE_RESPONSES);
    } else {
      counters.increment(BusCounter.TIMEOUTS);
    }
    if (x.late() != null) {
      counters.increment(BusCounter.LATE_RESPONSES);
      log.debug(
          "{}: a frame from unit {} came {} ms after the request, past the timeout",
          port.endpoint(),
          x.late().unitId(),
          x.late().afterNanos() / 1_000_000);
    }
    counters.add(BusCounter.GARBAGE_BYTES, x.garbageBytes());
    counters.add(BusCounter.FOREIGN_FRAMES, x.foreignFrames());
  }

  /** Drops bytes that arrived between exchanges (late answers that missed the drain, noise). */
  private void discardUnsolicited() throws IOException {
    byte[] stray = new byte[0];
    for (int reads = 0; reads < 8; reads++) { // bounded: a babbling line must not stall the bus
      int n = port.read(buffer, 0);
      if (n <= 0) {
        break;
      }
      int old = stray.length;
      stray = Arrays.copyOf(stray, Math.min(old + n, 4 * RtuFrames.MAX_FRAME));
      System.arraycopy(buffer, 0, stray, old, Math.min(n, stray.length - old));
      lastActivity = System.nanoTime();
    }
    if (stray.length == 0) {
      return;
    }
    RtuTransaction.Tally tally = RtuTransaction.tally(stray, stray.length, -1, -1);
    counters.add(BusCounter.GARBAGE_BYTES, tally.garbage());
    counters.add(BusCounter.LATE_RESPONSES, tally.frames());
    log.debug(
        "{}: dropped {} stray bytes ({} frames) before a request",
        port.endpoint(),
        stray.length,
        tally.frames());
  }

  private void awaitGap() {
    long readyAt = lastActivity + settings.interFrameGapNanos();
    long now;
    while ((now = System.nanoTime()) - readyAt < 0) {
      LockSupport.parkNanos(readyAt - now); // RTU timing: the line must be quiet before we talk
    }
  }
}
