package io.edgerule.adapter.opcua;

import static io.edgerule.adapter.opcua.Fixtures.COUNTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.sim.opcua.OpcUaSimulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adapter runs Milo on threads made from the daemon's thread factory, never on Milo's static
 * shared pools, and stops every one of them on close.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a net for a hang, not a speed check
class OpcUaThreadsIT {
  static final List<String> MILO_SHARED =
      List.of("milo-shared-thread-pool", "milo-shared-scheduled-executor", "milo-netty-event-loop");

  static List<Thread> live(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .toList();
  }

  @Test
  void miloRunsOnTheLentThreadFactoryAndStopsOnClose() throws Exception {
    try (OpcUaSimulator sim = OpcUaSimulator.builder().trustAllClients(true).start();
        TestContext ctx = new TestContext()) {
      RecordingSink sink = new RecordingSink();
      ProtocolAdapter adapter =
          Fixtures.adapter(
              Fixtures.device(
                  sim.endpointUrl(),
                  SecurityPolicyName.NONE,
                  SecurityMode.NONE,
                  null,
                  Duration.ofSeconds(2)),
              ctx);
      adapter.start(sink);
      sink.await(s -> s.point().equals(COUNTER) && s.quality().isGood(), Duration.ofSeconds(15));
      assertTrue(ctx.threadsMade.get() >= 2, "event loop and timer come from the factory");
      for (String shared : MILO_SHARED) {
        assertEquals(List.of(), live(shared), "no thread of Milo's static pools");
      }

      adapter.close();
      adapter.close(); // idempotent
      assertEquals(AdapterHealth.State.STOPPED, adapter.health().state());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!live("test-adapter-").isEmpty() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // poll with a deadline
      }
      assertEquals(List.of(), live("test-adapter-"), "every adapter thread ended");
    }
  }
}
