package io.edgerule.adapter.modbus.it;

import static io.edgerule.adapter.modbus.ModbusDataType.UINT16;
import static io.edgerule.adapter.modbus.ModbusTable.HOLDING_REGISTER;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.modbus.ModbusRtuBusConfig;
import io.edgerule.adapter.modbus.Parity;
import io.edgerule.sim.modbus.ModbusRtuSimulator;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.PtyPair;
import io.edgerule.sim.modbus.SimRequest;
import io.edgerule.sim.modbus.SimTable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's "done when": a bus with one dead unit still delivers the other units' data at their
 * configured intervals. Three units polled every 200 ms with two reads each, response timeout 100
 * ms, one retry; unit 3 never answers. Measured from the simulator's request log (when each cycle's
 * first read reached the slave) over 5 s once unit 3 has been found dead. The figures are printed;
 * the bounds asserted are generous (a shared 2-core CI machine).
 *
 * <p>The claim is about what the dead unit costs the others, so a window counts only when the live
 * units answered in time themselves: on an overloaded machine a pty round trip now and then takes
 * longer than the 100 ms timeout, and a live unit's own timeout and retry (200 ms and more) delays
 * its cycles whether or not a dead unit is on the bus. Such a window is printed and measured again,
 * at most {@link #WINDOWS} times; a window without live timeouts must meet the tight bounds, and
 * every window must give the live units at least half their cycles (a dead unit that is not set
 * aside leaves them about a third).
 */
class RtuBusFairnessIT {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration TIMEOUT = Duration.ofMillis(100);
  private static final Duration WINDOW = Duration.ofSeconds(5);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int WINDOWS = 3;

  @TempDir Path dir;
  private PtyPair pty;
  private ModbusRtuSimulator sim;
  private final TestGateway gateway = new TestGateway(Path.of("target"));
  private final Samples samples = new Samples();

  @AfterEach
  void tearDown() {
    gateway.close();
    if (sim != null) {
      sim.close();
    }
    if (pty != null) {
      pty.close();
    }
  }

  /** Intervals between the starts of one unit's cycles (its read of register 0). */
  private record Figures(int cycles, double meanMs, long maxGapMs, long p95Ms) {
    static Figures of(List<SimRequest> log, int unit, Instant from, Instant to) {
      List<Instant> starts = new ArrayList<>();
      for (SimRequest r : log) {
        if (r.unitId() == unit
            && r.functionCode() == 3
            && r.address() == 0
            && !r.time().isBefore(from)
            && r.time().isBefore(to)) {
          starts.add(r.time());
        }
      }
      List<Long> gaps = new ArrayList<>();
      for (int i = 1; i < starts.size(); i++) {
        gaps.add(Duration.between(starts.get(i - 1), starts.get(i)).toMillis());
      }
      gaps.sort(Long::compare);
      double mean = gaps.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
      long max = gaps.isEmpty() ? Long.MAX_VALUE : gaps.get(gaps.size() - 1);
      long p95 =
          gaps.isEmpty() ? Long.MAX_VALUE : gaps.get((int) Math.floor(0.95 * (gaps.size() - 1)));
      return new Figures(starts.size(), mean, max, p95);
    }
  }

  /** Requests of the live units 1 and 2 that got no answer in time (retried or not). */
  private static long liveTimeouts(ProtocolAdapter adapter) {
    return RtuDevices.counter(adapter, "u1", "timeouts")
        + RtuDevices.counter(adapter, "u2", "timeouts");
  }

  @Test
  void aDeadUnitDoesNotStarveTheOthers() throws Exception {
    pty = PtyPair.create(dir.resolve("sim"), dir.resolve("gw"));
    ModbusSimConfig.Builder config = ModbusSimConfig.builder().manualTicks();
    for (int unit = 1; unit <= 3; unit++) {
      config.unit(unit, u -> u.map(SimTable.HOLDING_REGISTER, 0, 30));
    }
    sim = ModbusRtuSimulator.serial(pty.a().toString(), config.build());
    sim.faults().silence(3);

    ModbusRtuBusConfig bus =
        new ModbusRtuBusConfig(
            pty.b().toString(),
            19200,
            8,
            Parity.NONE,
            1,
            TIMEOUT,
            null,
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(5), 2),
            null,
            null);
    List<RtuDevices> units = new ArrayList<>();
    for (int unit = 1; unit <= 3; unit++) {
      units.add(
          RtuDevices.slave("u" + unit, bus, unit)
              .poll(POLL)
              .retries(1)
              .point("a", HOLDING_REGISTER, 0, UINT16) // two reads per cycle: 0 and 20
              .point("b", HOLDING_REGISTER, 20, UINT16));
    }
    ProtocolAdapter adapter =
        gateway.startRtu(samples, units.get(0).build(), units.get(1).build(), units.get(2).build());
    PointSample dead =
        samples.await(
            s ->
                s.point().device().equals("u3")
                    && s.quality()
                        .equals(Quality.bad("unit 3 not answering (timeout after 100 ms)")),
            WAIT,
            "unit 3 found dead");

    String busName = "bus " + pty.b();
    for (int window = 1; ; window++) {
      long liveTimeoutsBefore = liveTimeouts(adapter);
      Instant from = Instant.now();
      LockSupport.parkNanos(WINDOW.toNanos()); // the measurement window, not synchronisation
      Instant to = Instant.now();
      long liveTimeouts = liveTimeouts(adapter) - liveTimeoutsBefore;
      List<SimRequest> log = sim.requests();
      Figures one = Figures.of(log, 1, from, to);
      Figures two = Figures.of(log, 2, from, to);
      long deadRequests =
          log.stream()
              .filter(r -> r.unitId() == 3 && !r.time().isBefore(from) && r.time().isBefore(to))
              .count();
      String figures =
          "poll %d ms, timeout %d ms, window %d s: unit 1 %d cycles, mean %.1f ms, p95 %d ms, max %d"
                  .formatted(
                      POLL.toMillis(),
                      TIMEOUT.toMillis(),
                      WINDOW.toSeconds(),
                      one.cycles(),
                      one.meanMs(),
                      one.p95Ms(),
                      one.maxGapMs())
              + " ms; unit 2 %d cycles, mean %.1f ms, p95 %d ms, max %d ms; dead unit 3: %d"
                  .formatted(two.cycles(), two.meanMs(), two.p95Ms(), two.maxGapMs(), deadRequests)
              + " requests (probes); live units' own timeouts %d; bus busy %d ms in all, %d"
                  .formatted(
                      liveTimeouts,
                      RtuDevices.counter(adapter, busName, "busy_ms"),
                      RtuDevices.counter(adapter, busName, "timeouts"))
              + " timeouts, %d late"
                  .formatted(RtuDevices.counter(adapter, busName, "late_responses"));
      System.out.println("RTU fairness (window " + window + "): " + figures);
      assertTrue(deadRequests <= 10, "the dead unit was asked too often: " + figures);
      long nominal = WINDOW.toMillis() / POLL.toMillis(); // 25 cycles
      // Whatever the machine's load, a dead unit that cost the bus its timeouts at every cycle
      // (2 reads x (timeout + retry) = 400 ms or more per cycle) would leave the live units about
      // 8 cycles in the window: at least half the nominal count holds on any machine that can run
      // the test at all, and fails when the dead unit is not set aside.
      for (Figures f : List.of(one, two)) {
        assertTrue(f.cycles() >= nominal / 2, "too few cycles: " + figures);
      }
      if (liveTimeouts > 0) {
        if (window < WINDOWS) {
          continue; // the machine, not the dead unit, delayed the live units: measure again
        }
        // Every window had live units timing out on their own (an overloaded machine is too slow
        // for a 100 ms timeout): the tighter bounds below would measure the machine, not the bus.
        break;
      }
      for (Figures f : List.of(one, two)) {
        assertTrue(f.cycles() >= nominal * 8 / 10, "too few cycles: " + figures);
        assertTrue(f.meanMs() < POLL.toMillis() * 1.2, "mean interval too long: " + figures);
        assertTrue(f.maxGapMs() < 3 * POLL.toMillis(), "a gap of 3 intervals: " + figures);
      }
      break;
    }
    assertTrue(dead.quality().reason().contains("unit 3"));
  }
}
