package io.edgerule.adapter.modbus.internal.rtu;

import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import java.util.concurrent.CompletableFuture;

/** What an {@link RtuBus}'s thread is asked to do: open the port, or one unit's request. */
sealed interface BusJob permits BusJob.OpenJob, BusJob.RequestJob {

  /** Tells whoever waits for the job that it failed. */
  void fail(Throwable cause);

  record OpenJob(CompletableFuture<Void> done) implements BusJob {
    @Override
    public void fail(Throwable cause) {
      done.completeExceptionally(cause);
    }
  }

  record RequestJob(UnitLink unit, ModbusRequestPdu pdu, CompletableFuture<RtuBus.Exchange> done)
      implements BusJob {
    @Override
    public void fail(Throwable cause) {
      done.completeExceptionally(cause);
    }
  }
}
