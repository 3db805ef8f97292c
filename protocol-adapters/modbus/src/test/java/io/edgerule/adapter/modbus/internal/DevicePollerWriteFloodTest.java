package io.edgerule.adapter.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, class 6: writes used to go before every waiting read, so a rule writing a coil as fast
 * as it could kept the device from being polled (once in 37 s). Writes and waiting reads now
 * alternate.
 */
class DevicePollerWriteFloodTest {
  private static final Duration POLL = Duration.ofMillis(100);

  private final ManualTimer timer = new ManualTimer();
  private final FakeLink device = new FakeLink();
  private final List<PointSample> samples = new ArrayList<>();
  private DevicePoller poller;

  @AfterEach
  void close() {
    if (poller != null) {
      poller.close();
    }
  }

  @Test
  void aFloodOfWritesAlternatesWithTheReadsOfTheCycle() {
    device.coils.put(0, false);
    device.holding.put(5, 42);
    List<ModbusPointConfig> points =
        List.of(
            new ModbusPointConfig(
                "pump", ModbusTable.COIL, 0, null, null, null, null, null, null, null, true),
            new ModbusPointConfig(
                "level",
                ModbusTable.HOLDING_REGISTER,
                5,
                ModbusDataType.INT16,
                null,
                null,
                null,
                null,
                null,
                0.0,
                false));
    var settings =
        new PollerSettings(
            "dev",
            1,
            POLL,
            Duration.ofMillis(1000),
            0,
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(4), 2),
            Duration.ofSeconds(1),
            new PlanLimits(8, 128, 125, 2000));
    poller = new DevicePoller(settings, points, device, timer, Runnable::run, timer);
    poller.start(samples::add);
    assertEquals(2, poller.plan().size(), "a coil read and a holding-register read per cycle");
    device.requests.clear();

    device.hold = true;
    timer.advance(POLL); // a cycle starts: its first read is in flight, the second waits
    List<CompletableFuture<WriteResult>> writes = new ArrayList<>();
    int flood = 100;
    for (int i = 0; i < flood; i++) {
      writes.add(
          poller
              .write(new WriteCommand(new PointId("dev", "pump"), PointValue.of(i % 2 == 0), "r"))
              .toCompletableFuture());
    }
    for (int answered = 0; !device.held.isEmpty(); answered++) {
      assertTrue(answered < 10 * flood, "the device keeps answering");
      device.releaseHeld(); // the device answers the request in flight; the next one goes out
    }

    List<ModbusRequestPdu> sent = device.requests;
    int holdingRead = indexOf(sent, ReadHoldingRegistersRequest.class);
    assertTrue(
        holdingRead <= 3,
        "the cycle's second read went out as request " + holdingRead + " of " + sent);
    assertEquals(flood, sent.stream().filter(r -> r instanceof WriteSingleCoilRequest).count());
    for (CompletableFuture<WriteResult> w : writes) {
      assertEquals(WriteResult.Status.OK, w.join().status(), "every write still went out");
    }
  }

  private static int indexOf(List<ModbusRequestPdu> sent, Class<?> type) {
    for (int i = 0; i < sent.size(); i++) {
      if (type.isInstance(sent.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + sent);
  }
}
