package io.edgerule.adapter.modbus.internal;

import static io.edgerule.adapter.modbus.internal.DeviceCounter.RESPONSES;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.WRITES;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.WRITE_FAILURES;

import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.modbus.Endianness;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import io.edgerule.adapter.modbus.internal.PointCodec.Encoded;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One device's writes: checks and encodes a write when it is asked for, keeps the writes waiting
 * for their turn on the link, puts each on the wire (a register bit as read, modify, write back)
 * and answers its caller. When a write goes is the poller's decision. Not thread-safe, except
 * {@link #prepare}: one poller's serial tasks own it.
 */
final class DeviceWrites {
  /** A checked write waiting for its turn; {@code result} is its caller's answer. */
  record Pending(
      WriteCommand command,
      ModbusPointConfig point,
      Encoded encoded,
      CompletableFuture<WriteResult> result) {}

  private final String device;
  private final DeviceRequests requests;
  private final CounterSet<DeviceCounter> counters;
  private final Deque<Pending> waiting = new ArrayDeque<>();

  DeviceWrites(String device, DeviceRequests requests, CounterSet<DeviceCounter> counters) {
    this.device = device;
    this.requests = requests;
    this.counters = counters;
  }

  /**
   * Checks {@code command} against the device's points ({@code points} by name) and encodes its
   * value; when it cannot be written, {@code result} is answered with why and null returned. Any
   * thread: it reads only the points, which never change.
   */
  Pending prepare(
      WriteCommand command,
      Function<String, ModbusPointConfig> points,
      CompletableFuture<WriteResult> result) {
    ModbusPointConfig point =
        command.point().device().equals(device) ? points.apply(command.point().point()) : null;
    if (point == null) {
      result.complete(WriteResult.rejected(command, "unknown point " + command.point()));
      return null;
    }
    if (!point.writable()) {
      result.complete(
          WriteResult.rejected(
              command,
              "point " + command.point() + " is read-only (mark it writable: true in the config)"));
      return null;
    }
    Encoded encoded = PointCodec.encode(point, command.value());
    if (encoded instanceof Encoded.Rejected rejected) {
      result.complete(WriteResult.rejected(command, rejected.reason()));
      return null;
    }
    return new Pending(command, point, encoded, result);
  }

  void add(Pending write) {
    waiting.add(write);
  }

  /** The next waiting write, or null. */
  Pending next() {
    return waiting.poll();
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** Puts {@code write} on the wire; the stage completes when the device answered it (or not). */
  CompletionStage<ModbusResponsePdu> send(Pending write) {
    counters.increment(WRITES);
    int address = write.point().address();
    if (write.encoded() instanceof Encoded.Coil coil) {
      return requests.send(Pdus.writeCoil(address, coil.on()));
    } else if (write.encoded() instanceof Encoded.Registers regs) {
      return requests.send(Pdus.writeRegisters(address, regs.bytes()));
    } else if (write.encoded() instanceof Encoded.RegisterBit bit) {
      return readModifyWrite(address, bit);
    } else { // rejected values never get here: prepare answers them at once
      return CompletableFuture.failedFuture(new IllegalStateException(write.encoded().toString()));
    }
  }

  /** A bit of a holding register: read the register, change the bit, write it back (FC03+FC06). */
  private CompletionStage<ModbusResponsePdu> readModifyWrite(int address, Encoded.RegisterBit bit) {
    ReadBlock one = new ReadBlock(ModbusTable.HOLDING_REGISTER, address, 1, List.of());
    return requests
        .send(new ReadHoldingRegistersRequest(address, 1))
        .thenCompose(
            response -> {
              byte[] data = Pdus.data(one, response);
              long word = RegisterCodec.read(data, 0, 1, Endianness.BIG, bit.byteOrder());
              word = bit.on() ? word | 1L << bit.bit() : word & ~(1L << bit.bit());
              byte[] bytes = RegisterCodec.write(word, 1, Endianness.BIG, bit.byteOrder());
              return requests.send(Pdus.writeRegisters(address, bytes));
            });
  }

  /**
   * Answers the write's caller from how its request ended ({@code error} null: it succeeded): OK,
   * TIMEOUT when no answer came, FAILED when the device refused.
   *
   * @return what went wrong, or null
   */
  RequestFailure answer(Pending write, Throwable error) {
    if (error == null) {
      counters.increment(RESPONSES);
      write.result().complete(WriteResult.ok(write.command()));
      return null;
    }
    counters.increment(WRITE_FAILURES);
    RequestFailure failure = requests.classify(error);
    requests.count(failure);
    WriteCommand command = write.command();
    boolean noAnswer =
        failure instanceof RequestFailure.Timeout || failure instanceof RequestFailure.LinkDown;
    write
        .result()
        .complete(
            noAnswer
                ? WriteResult.timeout(command, failure.reason())
                : WriteResult.failed(command, failure.reason()));
    return failure;
  }

  /** Answers every waiting write with {@code status} and {@code detail}. */
  void failAll(WriteResult.Status status, String detail) {
    Pending w;
    while ((w = waiting.poll()) != null) {
      w.result().complete(new WriteResult(w.command(), status, detail));
    }
  }
}
