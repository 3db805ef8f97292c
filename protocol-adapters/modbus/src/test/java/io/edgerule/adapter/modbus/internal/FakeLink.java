package io.edgerule.adapter.modbus.internal;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadCoilsResponse;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilResponse;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterResponse;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * An in-memory device behind a {@link ModbusLink}: holding registers and coils that exist only
 * where set (others answer exception 02), answering at once, or never (held), or with a timeout.
 */
final class FakeLink implements ModbusLink {
  final Map<Integer, Integer> holding = new HashMap<>();
  final Map<Integer, Boolean> coils = new HashMap<>();
  final List<ModbusRequestPdu> requests = new ArrayList<>();
  final List<CompletableFuture<ModbusResponsePdu>> held = new ArrayList<>();
  boolean refuseConnect;
  boolean timeOut;
  boolean hold;

  /** When set, connect() returns it (a connection attempt still under way until it completes). */
  CompletableFuture<Void> connecting;

  int connects;
  int disconnects;
  private Consumer<String> linkDown = r -> {};

  @Override
  public String endpoint() {
    return "fake:502";
  }

  @Override
  public CompletionStage<Void> connect() {
    connects++;
    if (connecting != null) {
      return connecting;
    }
    return refuseConnect
        ? CompletableFuture.failedFuture(new ConnectException("Connection refused: fake:502"))
        : CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> disconnect() {
    disconnects++;
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<ModbusResponsePdu> send(int unitId, ModbusRequestPdu request) {
    requests.add(request);
    if (timeOut) {
      return CompletableFuture.failedFuture(new TimeoutException("request timed out"));
    }
    if (hold) {
      CompletableFuture<ModbusResponsePdu> f = new CompletableFuture<>();
      held.add(f);
      return f;
    }
    try {
      return CompletableFuture.completedFuture(answer(request));
    } catch (ModbusResponseException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Answers every held request now, from the current process image. */
  void releaseHeld() {
    List<CompletableFuture<ModbusResponsePdu>> now = new ArrayList<>(held);
    List<ModbusRequestPdu> pending =
        requests.subList(requests.size() - now.size(), requests.size());
    List<ModbusRequestPdu> copy = new ArrayList<>(pending);
    held.clear();
    for (int i = 0; i < now.size(); i++) {
      try {
        now.get(i).complete(answer(copy.get(i)));
      } catch (ModbusResponseException e) {
        now.get(i).completeExceptionally(e);
      }
    }
  }

  void dropConnection() {
    dropConnection(false);
  }

  /** Fails held requests and tells the listener, in either order (both happen in real links). */
  void dropConnection(boolean listenerFirst) {
    List<CompletableFuture<ModbusResponsePdu>> now = new ArrayList<>(held);
    held.clear();
    if (listenerFirst) {
      linkDown.accept("connection lost");
    }
    now.forEach(f -> f.completeExceptionally(new LinkDownException("connection lost")));
    if (!listenerFirst) {
      linkDown.accept("connection lost");
    }
  }

  private ModbusResponsePdu answer(ModbusRequestPdu request) throws ModbusResponseException {
    if (request instanceof ReadHoldingRegistersRequest r) {
      byte[] bytes = new byte[2 * r.quantity()];
      for (int i = 0; i < r.quantity(); i++) {
        int v = mapped(holding, r.address() + i, 3);
        bytes[2 * i] = (byte) (v >> 8);
        bytes[2 * i + 1] = (byte) v;
      }
      return new ReadHoldingRegistersResponse(bytes);
    }
    if (request instanceof ReadCoilsRequest r) {
      byte[] bytes = new byte[(r.quantity() + 7) / 8];
      for (int i = 0; i < r.quantity(); i++) {
        if (mapped(coils, r.address() + i, 1)) {
          bytes[i / 8] |= (byte) (1 << (i % 8));
        }
      }
      return new ReadCoilsResponse(bytes);
    }
    if (request instanceof WriteSingleCoilRequest w) {
      mapped(coils, w.address(), 5);
      coils.put(w.address(), w.value() == 0xFF00);
      return new WriteSingleCoilResponse(w.address(), w.value());
    }
    if (request instanceof WriteSingleRegisterRequest w) {
      mapped(holding, w.address(), 6);
      holding.put(w.address(), w.value());
      return new WriteSingleRegisterResponse(w.address(), w.value());
    }
    if (request instanceof WriteMultipleRegistersRequest w) {
      for (int i = 0; i < w.quantity(); i++) {
        mapped(holding, w.address() + i, 16);
        holding.put(
            w.address() + i, (w.values()[2 * i] & 0xFF) << 8 | w.values()[2 * i + 1] & 0xFF);
      }
      return new WriteMultipleRegistersResponse(w.address(), w.quantity());
    }
    throw new ModbusResponseException(
        request.getFunctionCode(), ExceptionCode.ILLEGAL_FUNCTION.getCode());
  }

  private static <T> T mapped(Map<Integer, T> table, int address, int fc)
      throws ModbusResponseException {
    T v = table.get(address);
    if (v == null) {
      throw new ModbusResponseException(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS.getCode());
    }
    return v;
  }

  @Override
  public void onLinkDown(Consumer<String> listener) {
    this.linkDown = listener;
  }

  @Override
  public void close() {}
}
