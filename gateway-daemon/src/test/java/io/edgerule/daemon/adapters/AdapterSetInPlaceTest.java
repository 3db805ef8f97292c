package io.edgerule.daemon.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.pipeline.AdapterGuard;
import io.edgerule.daemon.pipeline.Ingress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A unit whose factory can take a change in place keeps its adapter (and its lane and guard), and
 * the point directory follows the adapter's new points; a factory that cannot, or fails trying,
 * gets its adapter replaced as before.
 */
class AdapterSetInPlaceTest {
  /** A device on a shared line; its one point is named after its version. */
  record Dev(String name, String line, int version) implements DeviceConfig {}

  /** One adapter per line, reconfigured in place unless {@link #refuse} or {@link #fail}. */
  static final class LineFactory implements AdapterFactory<Dev> {
    final List<Line> made = new ArrayList<>();
    volatile boolean refuse;
    volatile boolean fail;

    @Override
    public String protocol() {
      return "line";
    }

    @Override
    public Class<Dev> configType() {
      return Dev.class;
    }

    @Override
    public Map<String, List<Dev>> units(List<Dev> devices) {
      Map<String, List<Dev>> units = new LinkedHashMap<>();
      devices.forEach(
          d -> units.computeIfAbsent("line:" + d.line(), k -> new ArrayList<>()).add(d));
      return units;
    }

    @Override
    public ProtocolAdapter createAdapter(List<Dev> unit, AdapterContext context) {
      Line l = new Line(unit);
      made.add(l);
      return l;
    }

    @Override
    public Optional<List<String>> reconfigure(ProtocolAdapter adapter, List<Dev> unit) {
      if (fail) {
        throw new IllegalStateException("broken");
      }
      if (refuse) {
        return Optional.empty();
      }
      Line l = (Line) adapter;
      List<String> touched = new ArrayList<>();
      for (Dev d : unit) {
        if (!l.devices.contains(d)) {
          touched.add(d.name());
        }
      }
      l.devices = List.copyOf(unit);
      l.reconfigured++;
      return Optional.of(touched);
    }
  }

  static final class Line implements ProtocolAdapter {
    volatile List<Dev> devices;
    volatile int reconfigured;
    volatile boolean closed;

    Line(List<Dev> devices) {
      this.devices = List.copyOf(devices);
    }

    @Override
    public String name() {
      return "line:" + devices.get(0).line();
    }

    @Override
    public List<PointInfo> points() {
      return devices.stream()
          .map(
              d ->
                  new PointInfo(
                      PointId.parse(d.name() + "/v" + d.version()), ValueType.INT64, false, "x"))
          .toList();
    }

    @Override
    public CompletionStage<Void> start(EventSink sink) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<WriteResult> write(WriteCommand command) {
      return CompletableFuture.completedFuture(WriteResult.ok(command));
    }

    @Override
    public AdapterHealth health() {
      return new AdapterHealth(name(), AdapterHealth.State.UP, List.of());
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final LineFactory factory = new LineFactory();
  private AdapterSet set;

  @AfterEach
  void tearDown() {
    if (set != null) {
      set.close();
    }
    scheduler.shutdownNow();
  }

  private Map<String, AdapterSet.Unit> plan(Dev... devices) {
    return AdapterSet.plan(List.of(devices), List.of(factory));
  }

  private boolean known(String point) {
    return set.directory().ownerIfKnown(PointId.parse(point)).isPresent();
  }

  @Test
  void aChangeTheFactoryTakesInPlaceKeepsTheAdapterAndUpdatesItsPoints() {
    Dev a = new Dev("a", "bus1", 1);
    set =
        new AdapterSet(
            plan(a, new Dev("b", "bus1", 1)).values(),
            lane ->
                new AdapterContext(
                    scheduler, lane, Thread::new, Clock.systemUTC(), Path.of("target")),
            scheduler,
            Duration.ofSeconds(5),
            Thread::new,
            new Ingress(100, Clock.systemUTC()));
    set.startAll();
    ProtocolAdapter guard = set.guards().get(0);
    assertTrue(known("a/v1") && known("b/v1"));

    // b changes, a does not: in place.
    AdapterSet.Changes inPlace = set.apply(plan(a, new Dev("b", "bus1", 2)));
    assertEquals(List.of("line:bus1 [b]"), inPlace.changedInPlace());
    assertEquals(List.of(), inPlace.changed());
    assertSame(guard, set.guards().get(0), "the same adapter, guard and lane");
    assertEquals(1, factory.made.size());
    assertEquals(1, factory.made.get(0).reconfigured);
    assertTrue(known("a/v1") && known("b/v2"), "the new point is routed");
    assertFalse(known("b/v1"), "the old point is forgotten");
    assertEquals(List.of(a, new Dev("b", "bus1", 2)), set.units().get("line:bus1").devices());

    // The same again: nothing.
    assertTrue(set.apply(plan(a, new Dev("b", "bus1", 2))).isEmpty());
    assertEquals(1, factory.made.get(0).reconfigured);

    // A factory that cannot, or fails trying: the adapter is made again.
    factory.refuse = true;
    AdapterSet.Changes refused = set.apply(plan(a, new Dev("b", "bus1", 3)));
    assertEquals(List.of("line:bus1"), refused.changed());
    assertEquals(List.of(), refused.changedInPlace());
    assertTrue(factory.made.get(0).closed);
    assertEquals(2, factory.made.size());
    factory.refuse = false;
    factory.fail = true;
    AdapterSet.Changes failed = set.apply(plan(a, new Dev("b", "bus1", 4)));
    assertEquals(List.of("line:bus1"), failed.changed());
    assertTrue(factory.made.get(1).closed);
    assertNotSame(guard, set.guards().get(0));
    assertTrue(known("b/v4") && !known("b/v3"));
    assertTrue(set.guards().get(0) instanceof AdapterGuard);
  }
}
