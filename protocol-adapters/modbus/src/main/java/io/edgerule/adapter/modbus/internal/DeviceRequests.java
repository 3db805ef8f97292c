package io.edgerule.adapter.modbus.internal;

import static io.edgerule.adapter.modbus.internal.DeviceCounter.EXCEPTIONS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.GARBLED;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.REQUESTS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.TIMEOUTS;

import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.DeviceMeters;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends one device's requests over its link and keeps their account: requests counted, the round
 * trip of answered ones recorded, failures classified and counted by kind.
 */
final class DeviceRequests {
  private final ModbusLink link;
  private final int unitId;
  private final Duration timeout;
  private final PollTimer timer;
  private final CounterSet<DeviceCounter> counters;
  private final DeviceMeters meters;

  DeviceRequests(
      ModbusLink link,
      int unitId,
      Duration timeout,
      PollTimer timer,
      CounterSet<DeviceCounter> counters,
      DeviceMeters meters) {
    this.link = link;
    this.unitId = unitId;
    this.timeout = timeout;
    this.timer = timer;
    this.counters = counters;
    this.meters = meters;
  }

  /** Sends {@code pdu}; a link that throws gives a failed stage. */
  CompletionStage<ModbusResponsePdu> send(ModbusRequestPdu pdu) {
    counters.increment(REQUESTS);
    long sent = timer.nanoTime();
    CompletionStage<ModbusResponsePdu> answer;
    try {
      answer = link.send(unitId, pdu);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // The round trip of answered requests only: a timeout's "latency" is the timeout setting.
    answer.whenComplete(
        (response, error) -> {
          if (error == null) {
            meters.latency().record(timer.nanoTime() - sent);
          }
        });
    return answer;
  }

  /** What went wrong, in words an operator can act on (not counted). */
  RequestFailure classify(Throwable error) {
    return RequestFailure.classify(error, timeout, link.endpoint());
  }

  /** Counts a failed request by its kind. */
  void count(RequestFailure failure) {
    meters.errors().increment();
    if (failure instanceof RequestFailure.Timeout) {
      counters.increment(TIMEOUTS);
    } else if (failure instanceof RequestFailure.DeviceException) {
      counters.increment(EXCEPTIONS);
    } else if (failure instanceof RequestFailure.Garbled) {
      counters.increment(GARBLED);
    }
  }
}
