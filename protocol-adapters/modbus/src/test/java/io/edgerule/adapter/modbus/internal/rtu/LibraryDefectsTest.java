package io.edgerule.adapter.modbus.internal.rtu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.digitalpetri.modbus.ModbusRtuFrame;
import com.digitalpetri.modbus.client.ModbusRtuClient;
import com.digitalpetri.modbus.client.ModbusRtuClientTransport;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Canaries for the digitalpetri 2.1.4 defects the RTU master works around (issue 4). When one of
 * these fails after a library upgrade, the defect is fixed upstream: re-read
 * internal/rtu/package-info.java and docs/reference/modbus.md.
 */
class LibraryDefectsTest {

  /** A transport that answers every request with one fixed frame. */
  private static final class OneFrame implements ModbusRtuClientTransport {
    private final ModbusRtuFrame answer;
    private Consumer<ModbusRtuFrame> receiver;

    OneFrame(ModbusRtuFrame answer) {
      this.answer = answer;
    }

    @Override
    public CompletableFuture<Void> connect() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> disconnect() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isConnected() {
      return true;
    }

    @Override
    public CompletionStage<Void> send(ModbusRtuFrame frame) {
      receiver.accept(answer);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void receive(Consumer<ModbusRtuFrame> frameReceiver) {
      this.receiver = frameReceiver;
    }

    @Override
    public void resetFrameParser() {}
  }

  @Test
  void digitalpetriRtuClientMisreadsExceptionResponses() throws Exception {
    // 01 83 02 C0 F1: unit 1, exception to FC03, code 02, CRC
    ModbusRtuFrame frame =
        new ModbusRtuFrame(
            1,
            ByteBuffer.wrap(new byte[] {(byte) 0x83, 0x02}),
            ByteBuffer.wrap(new byte[] {(byte) 0xC0, (byte) 0xF1}));
    ModbusRtuClient client = ModbusRtuClient.create(new OneFrame(frame));
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                client
                    .sendAsync(1, new ReadHoldingRegistersRequest(0, 1))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS));
    ModbusResponseException wrong = assertInstanceOf(ModbusResponseException.class, e.getCause());
    assertEquals(0xFFFFFF83, wrong.getExceptionCode(), "2.1.4 reads the function code again");

    // our decoder, on the same bytes
    byte[] raw = {0x01, (byte) 0x83, 0x02, (byte) 0xC0, (byte) 0xF1};
    ModbusResponseException right =
        assertThrows(ModbusResponseException.class, () -> RtuFrames.decode(raw, 0, raw.length));
    assertEquals(2, right.getExceptionCode());
  }
}
