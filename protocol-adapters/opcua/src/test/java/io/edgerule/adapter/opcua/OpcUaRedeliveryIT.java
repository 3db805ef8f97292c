package io.edgerule.adapter.opcua;

import static io.edgerule.adapter.opcua.Fixtures.COUNTER;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.sim.opcua.OpcUaSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that delivers notifications again: Publish responses swapped (the client sees a gap,
 * calls Republish, then gets the late message too) and repeated (the same message twice). Each
 * counter value reaches the sink once and in order; what was dropped is counted.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a net for a hang, not a speed check
class OpcUaRedeliveryIT {
  static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void reDeliveredNotificationsAreDroppedAndCounted() throws Exception {
    try (OpcUaSimulator sim =
            OpcUaSimulator.builder().trustAllClients(true).tick(Duration.ofMillis(50)).start();
        TestContext ctx = new TestContext()) {
      RecordingSink sink = new RecordingSink();
      try (ProtocolAdapter adapter =
          Fixtures.adapter(
              Fixtures.device(
                  sim.endpointUrl(),
                  SecurityPolicyName.NONE,
                  SecurityMode.NONE,
                  null,
                  Duration.ofSeconds(2)),
              ctx)) {
        adapter.start(sink);
        PointSample first = sink.await(OpcUaReconnectIT::goodCounter, WAIT);
        sink.await(s -> OpcUaReconnectIT.goodCounter(s) && count(s) >= count(first) + 3, WAIT);

        int before = sink.size();
        sim.swapPublishResponses(5);
        sim.repeatPublishResponses(5);
        PointSample during = sink.await(before, OpcUaReconnectIT::goodCounter, WAIT);
        // Long enough for every armed fault to have been used (one per publishing interval).
        sink.await(
            before, s -> OpcUaReconnectIT.goodCounter(s) && count(s) >= count(during) + 40, WAIT);

        assertTrue(sim.republishRequests() >= 1, "the swaps drove the client's Republish path");
        List<PointSample> counter = sink.of(COUNTER);
        OpcUaReconnectIT.assertNoDuplicatesAndNoGoodGap(counter, Instant.MIN);
        Map<String, Long> counters = adapter.health().devices().get(0).counters();
        assertTrue(counters.get("stale_dropped") >= 5, counters.toString());
      }
    }
  }

  static long count(PointSample s) {
    return OpcUaReconnectIT.count(s);
  }
}
