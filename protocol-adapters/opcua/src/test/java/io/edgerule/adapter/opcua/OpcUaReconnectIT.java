package io.edgerule.adapter.opcua;

import static io.edgerule.adapter.opcua.Fixtures.COMMAND;
import static io.edgerule.adapter.opcua.Fixtures.COUNTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.sim.opcua.OpcUaSimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that restarts mid-stream, a server that is not there yet, and a slow server: every point
 * goes BAD with the reason while the session is down, comes back GOOD with values from the new
 * session, and no value is delivered twice or reported GOOD for the gap.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a net for a hang, not a speed check
class OpcUaReconnectIT {
  static final Duration WAIT = Duration.ofSeconds(20);

  static boolean goodCounter(PointSample s) {
    return s.point().equals(COUNTER) && s.quality().isGood();
  }

  @Test
  void serverRestartMidStream() throws Exception {
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
        sink.await(s -> goodCounter(s) && count(s) >= count(first) + 5, WAIT); // streaming

        int beforeStop = sink.size();
        sim.stop();
        PointSample bad =
            sink.await(beforeStop, s -> s.point().equals(COUNTER) && !s.quality().isGood(), WAIT);
        assertTrue(bad.quality().reason().contains("was lost"), bad.toString());
        assertEquals(null, bad.value());
        // every point is BAD, not only the busy one
        sink.await(beforeStop, s -> s.point().equals(COMMAND) && !s.quality().isGood(), WAIT);
        assertEquals(AdapterHealth.State.DOWN, adapter.health().state());
        WriteResult w =
            adapter
                .write(new WriteCommand(COMMAND, PointValue.of(true), "test"))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertEquals(WriteResult.Status.TIMEOUT, w.status(), w.toString());
        assertTrue(w.detail().startsWith("not connected to " + sim.endpointUrl()), w.detail());

        Instant restart = Instant.now();
        int beforeStart = sink.size();
        sim.start();
        PointSample back = sink.await(beforeStart, OpcUaReconnectIT::goodCounter, WAIT);
        sink.await(beforeStart, s -> goodCounter(s) && count(s) >= count(back) + 5, WAIT);
        assertEquals(AdapterHealth.State.UP, adapter.health().state());
        assertTrue(
            adapter.health().devices().get(0).counters().get("connection_losses") >= 1,
            adapter.health().toString());

        List<PointSample> counter = sink.of(COUNTER);
        assertNoDuplicatesAndNoGoodGap(counter, restart);
      }
    }
  }

  /**
   * GOOD counter values only ever increase (the simulator's counter never repeats, so a value
   * delivered twice would show as equal); after a BAD the next GOOD is a value the new session read
   * after the restart, never a stale one from before the outage.
   */
  static void assertNoDuplicatesAndNoGoodGap(List<PointSample> samples, Instant restart) {
    long last = Long.MIN_VALUE;
    boolean sawBad = false;
    PointSample previous = null;
    for (PointSample s : samples) {
      if (previous != null) {
        assertNotEquals(previous, s, "the same sample twice in a row");
      }
      previous = s;
      if (!s.quality().isGood()) {
        sawBad = true;
        continue;
      }
      long v = count(s);
      assertTrue(v > last, "GOOD values must increase: " + last + " then " + v + " in " + samples);
      if (sawBad) {
        assertTrue(
            !s.sourceTime().isBefore(restart.minusMillis(500)),
            "first GOOD after the outage is from the restarted server: " + s);
        sawBad = false;
      }
      last = v;
    }
  }

  @Test
  void aServerThatIsNotThereYetIsRetriedWithBackoff() throws Exception {
    try (OpcUaSimulator sim = OpcUaSimulator.builder().trustAllClients(true).build();
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
        PointSample refused = sink.await(s -> s.point().equals(COUNTER), WAIT);
        assertEquals(
            "cannot get the endpoint list: connection refused by localhost:"
                + sim.port()
                + " (is the server running and the port right?)",
            refused.quality().reason());
        // retried with backoff: attempts go on while it is down
        long attempts = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (attempts < 3 && System.nanoTime() < deadline) {
          attempts = adapter.health().devices().get(0).counters().get("connect_attempts");
          java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // poll with a deadline
        }
        assertTrue(attempts >= 3, "attempts: " + attempts);
        sim.start();
        sink.await(OpcUaReconnectIT::goodCounter, WAIT);
      }
    }
  }

  @Test
  void aSlowServerTimesOutAndRecovers() throws Exception {
    try (OpcUaSimulator sim = OpcUaSimulator.builder().trustAllClients(true).start();
        TestContext ctx = new TestContext()) {
      RecordingSink sink = new RecordingSink();
      try (ProtocolAdapter adapter =
          Fixtures.adapter(
              Fixtures.device(
                  sim.endpointUrl(),
                  SecurityPolicyName.BASIC256SHA256,
                  SecurityMode.SIGN,
                  null,
                  Duration.ofSeconds(1)),
              ctx)) {
        ctx.pki().trustCertificate(sim.certificate());
        adapter.start(sink);
        sink.await(OpcUaReconnectIT::goodCounter, WAIT);

        int mark = sink.size();
        sim.responseDelay(Duration.ofSeconds(3));
        WriteResult w =
            adapter
                .write(new WriteCommand(COMMAND, PointValue.of(true), "test"))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(WriteResult.Status.TIMEOUT, w.status(), w.toString());
        assertTrue(w.detail().contains("within 1000 ms"), w.detail());

        sink.await(mark, s -> s.point().equals(COUNTER) && !s.quality().isGood(), WAIT);
        // while it stays slow, attempts to reconnect time out and say so
        PointSample timedOut =
            sink.await(
                mark,
                s ->
                    s.point().equals(COUNTER)
                        && !s.quality().isGood()
                        && s.quality().reason().contains("within 1000 ms"),
                WAIT);
        assertTrue(timedOut.quality().reason().startsWith("cannot "), timedOut.quality().reason());

        int slowEnd = sink.size();
        sim.responseDelay(Duration.ZERO);
        sink.await(slowEnd, OpcUaReconnectIT::goodCounter, WAIT);
      }
    }
  }

  static long count(PointSample s) {
    return ((PointValue.Int64) s.value()).value();
  }
}
