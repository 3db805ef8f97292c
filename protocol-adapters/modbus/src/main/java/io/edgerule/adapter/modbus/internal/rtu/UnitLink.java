package io.edgerule.adapter.modbus.internal.rtu;

import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.modbus.internal.LinkDownException;
import io.edgerule.adapter.modbus.internal.ModbusLink;
import io.edgerule.adapter.modbus.internal.RequestFailedException;
import io.edgerule.adapter.modbus.internal.RequestFailure;
import io.edgerule.adapter.modbus.internal.rtu.RtuTransaction.Outcome;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One unit's view of a shared {@link RtuBus}, the {@link ModbusLink} its poller talks to.
 *
 * <p>"Connected" means: the bus port is open and the unit answers. A unit whose last {@code
 * silentAfter} requests all went unanswered is taken as not answering: the link reports itself down
 * (its points go BAD with "unit 3 not answering (timeout after 200 ms)"), refuses requests at once,
 * and its poller's reconnects become probes, one request each, spaced by the reconnect backoff. So
 * a dead unit costs the bus one timeout per probe instead of a timeout for every read of every
 * cycle, and the other units keep their intervals. Any answer (even an exception or a garbled one)
 * to a probe brings the unit back.
 *
 * <p>Answers are decoded from the raw frame: exception responses keep their real code.
 */
public final class UnitLink implements ModbusLink {
  private final RtuBus bus;
  private final int unitId;
  private final int silentAfter;
  private final ModbusRequestPdu probe;
  private final CounterSet<UnitCounter> counters;
  private volatile Consumer<String> listener = reason -> {};
  private volatile boolean silent;
  private volatile String silentReason = "";
  private int unanswered; // touched by the bus thread only
  private volatile boolean closed;

  UnitLink(
      RtuBus bus,
      int unitId,
      int silentAfter,
      ModbusRequestPdu probe,
      CounterSet<UnitCounter> counters) {
    this.counters = counters;
    if (silentAfter < 1) {
      throw new IllegalArgumentException("silentAfter must be >= 1, got " + silentAfter);
    }
    this.bus = bus;
    this.unitId = unitId;
    this.silentAfter = silentAfter;
    this.probe = probe;
  }

  public int unitId() {
    return unitId;
  }

  @Override
  public String endpoint() {
    return bus.endpoint() + " unit " + unitId;
  }

  /** Whether the unit is taken as not answering (waiting for a probe to succeed). */
  public boolean isSilent() {
    return silent;
  }

  public Map<String, Long> counters() {
    return counters.snapshot();
  }

  @Override
  public CompletionStage<Void> connect() {
    if (closed) {
      return CompletableFuture.failedFuture(new LinkDownException("link closed"));
    }
    return bus.ensureOpen()
        .thenCompose(v -> silent ? probe() : CompletableFuture.completedFuture(null));
  }

  private CompletionStage<Void> probe() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    bus.submit(this, probe, false)
        .whenComplete(
            (exchange, error) -> {
              if (error != null) {
                done.completeExceptionally(error);
                return;
              }
              count(exchange);
              if (exchange.outcome() instanceof Outcome.NoAnswer) {
                done.completeExceptionally(new LinkDownException(silentReason));
              } else {
                unanswered = 0;
                silent = false;
                done.complete(null);
              }
            });
    return done;
  }

  /** The bus stays open for the other units. */
  @Override
  public CompletionStage<Void> disconnect() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<ModbusResponsePdu> send(int unitId, ModbusRequestPdu request) {
    if (unitId != this.unitId) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("link of unit " + this.unitId + " asked for " + unitId));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new LinkDownException("link closed"));
    }
    if (!bus.isOpen()) {
      String why = bus.lastError();
      return CompletableFuture.failedFuture(
          new LinkDownException(why.isEmpty() ? "port " + bus.endpoint() + " not open" : why));
    }
    if (silent) {
      return CompletableFuture.failedFuture(new LinkDownException(silentReason));
    }
    CompletableFuture<ModbusResponsePdu> result = new CompletableFuture<>();
    bus.submit(this, request, isWrite(request))
        .whenComplete(
            (exchange, error) -> {
              if (error != null) {
                result.completeExceptionally(error);
              } else {
                answer(request, exchange, result);
              }
            });
    return result;
  }

  private static boolean isWrite(ModbusRequestPdu request) {
    int fc = request.getFunctionCode();
    return fc == 0x05 || fc == 0x06 || fc == 0x0F || fc == 0x10;
  }

  /** Completes {@code result} from the exchange; runs on the bus thread. */
  private void answer(
      ModbusRequestPdu request,
      RtuBus.Exchange exchange,
      CompletableFuture<ModbusResponsePdu> result) {
    count(exchange);
    Outcome outcome = exchange.outcome();
    if (outcome instanceof Outcome.NoAnswer) {
      String reason = timeoutReason(exchange);
      boolean answeredLate = exchange.late() != null && exchange.late().answer();
      unanswered = answeredLate ? 0 : unanswered + 1; // slow is not dead
      boolean stopped = unanswered >= silentAfter && !silent;
      if (stopped) {
        silentReason = "unit " + unitId + " not answering (" + reason + ")";
        silent = true;
        counters.increment(UnitCounter.STOPPED_ANSWERING);
      }
      result.completeExceptionally(failed(new RequestFailure.Timeout(reason)));
      if (stopped) {
        listener.accept(silentReason); // after the failure: the poller counts the timeout first
      }
      return;
    }
    unanswered = 0;
    if (outcome instanceof Outcome.CrcError c) {
      result.completeExceptionally(
          failed(new RequestFailure.Garbled("CRC error in the response of unit " + unitId)));
    } else if (outcome instanceof Outcome.Incomplete i) {
      result.completeExceptionally(
          failed(
              new RequestFailure.Garbled(
                  "incomplete response from unit %d (%d of %d bytes)"
                      .formatted(unitId, i.have(), i.need()))));
    } else {
      byte[] frame = ((Outcome.Answer) outcome).frame();
      try {
        ModbusResponsePdu response = RtuFrames.decode(frame, 0, frame.length);
        String mismatch = RtuFrames.mismatch(request, response);
        if (mismatch != null) {
          result.completeExceptionally(
              failed(
                  new RequestFailure.Garbled(
                      "bad response from unit " + unitId + ": " + mismatch)));
        } else {
          result.complete(response);
        }
      } catch (ModbusResponseException e) {
        result.completeExceptionally(e);
      } catch (RuntimeException e) {
        result.completeExceptionally(
            failed(
                new RequestFailure.Garbled(
                    "bad response from unit " + unitId + ": " + e.getMessage())));
      }
    }
  }

  private String timeoutReason(RtuBus.Exchange exchange) {
    StringBuilder reason =
        new StringBuilder("timeout after " + bus.settings().timeout().toMillis() + " ms");
    RtuTransaction.Late late = exchange.late();
    // no varying numbers here: the reason is a point's quality, and a change is reported
    if (late != null && late.answer()) {
      reason.append(" (the unit answered late: raise the timeout)");
    } else if (exchange.garbageBytes() > 0) {
      reason.append(" (only garbage on the line)");
    }
    return reason.toString();
  }

  private void count(RtuBus.Exchange exchange) {
    if (exchange.outcome() instanceof Outcome.CrcError) {
      counters.increment(UnitCounter.CRC_ERRORS);
    }
    if (exchange.late() != null && exchange.late().unitId() == unitId) {
      counters.increment(UnitCounter.LATE_RESPONSES);
    }
    counters.add(UnitCounter.GARBAGE_BYTES, exchange.garbageBytes());
  }

  private static RequestFailedException failed(RequestFailure failure) {
    return new RequestFailedException(failure);
  }

  /** The bus port failed: tell the poller (its requests were failed already). */
  void busDown(String reason) {
    if (!closed) {
      listener.accept(reason);
    }
  }

  @Override
  public void onLinkDown(Consumer<String> listener) {
    this.listener = listener;
  }

  /** Only this unit's view closes; the adapter closes the bus. */
  @Override
  public void close() {
    closed = true;
  }
}
