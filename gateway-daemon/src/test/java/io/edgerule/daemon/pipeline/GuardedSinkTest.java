package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.daemon.testing.ChaosAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Samples an adapter hands in as one list are checked one by one and go on as one list. */
class GuardedSinkTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** Records what reaches the gateway, and in how many hand-offs. */
  private static final class Downstream implements EventSink {
    final List<PointSample> samples = new ArrayList<>();
    int handOffs;

    @Override
    public void accept(PointSample sample) {
      samples.add(sample);
      handOffs++;
    }

    @Override
    public void acceptAll(List<PointSample> list) {
      samples.addAll(list);
      handOffs++;
    }
  }

  private static long counter(AdapterGuard guard, String name) {
    return guard.health().devices().stream()
        .filter(d -> d.device().equals(AdapterGuard.GATEWAY_ENTRY))
        .map(AdapterHealth.DeviceHealth::counters)
        .mapToLong(c -> c.getOrDefault(name, 0L))
        .sum();
  }

  @Test
  void aListGoesOnInOneHandOffWithoutItsRefusedSamples() {
    ChaosAdapter chaos = new ChaosAdapter();
    AdapterGuard guard = new AdapterGuard(chaos, "chaos", scheduler, Duration.ofSeconds(30));
    guard.attach(new PointDirectory(List.of(guard)));
    Downstream down = new Downstream();
    guard.start(down);

    PointSample a = ChaosAdapter.sample(ChaosAdapter.TEMP, 1);
    PointSample b = ChaosAdapter.sample(ChaosAdapter.TEMP, 2);
    chaos.sink.acceptAll(List.of(a, b));
    assertEquals(List.of(a, b), down.samples);
    assertEquals(1, down.handOffs, "one hand-off for the list");

    PointSample foreign = ChaosAdapter.sample(PointId.parse("other/x"), 3);
    PointSample c = ChaosAdapter.sample(ChaosAdapter.TEMP, 4);
    List<PointSample> mixed = new ArrayList<>(List.of(foreign, c));
    mixed.add(1, null);
    chaos.sink.acceptAll(mixed);
    assertEquals(List.of(a, b, c), down.samples, "the good one still goes on, in order");
    assertEquals(2, down.handOffs);
    assertEquals(1L, counter(guard, "events_unknown_point"));
    assertEquals(1L, counter(guard, "events_invalid"));

    chaos.sink.acceptAll(null);
    assertEquals(2L, counter(guard, "events_invalid"), "a null list is counted, not thrown");
  }
}
