package io.edgerule.daemon.adapters;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.daemon.pipeline.AdapterGuard;
import io.edgerule.daemon.pipeline.Ingress;
import io.edgerule.daemon.pipeline.PointDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's adapters, one per config unit ({@link AdapterFactory#units}: a device, or the
 * slaves of one RS-485 bus), keyed by the unit's stable key, each behind an {@link AdapterGuard},
 * with a blocking lane of its own ({@link BlockingLanes}) and a lane of its own into the ingress.
 * Adapters are created, started and closed one by one, so a change of one config entry can replace
 * its adapter and leave the others running.
 */
public final class AdapterSet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdapterSet.class);

  /** The config entries one adapter serves, under the key its factory gave them. */
  public record Unit(String key, AdapterFactory<?> factory, List<DeviceConfig> devices) {
    public Unit {
      devices = List.copyOf(devices);
    }
  }

  /** A created adapter: its unit, guard, blocking lane and lane into the ingress. */
  record Running(Unit unit, AdapterGuard guard, ExecutorService lane, Ingress.Lane sink) {}

  /**
   * What a reload did to the adapters, by unit key.
   *
   * @param changed units whose adapter was closed and made again
   * @param changedInPlace units whose adapter took the change itself, keeping its connection
   *     ({@link AdapterFactory#reconfigure}), as {@code key [devices made again, added or removed]}
   * @param failed units whose new adapter could not be created, with the reason (not running)
   */
  public record Changes(
      List<String> added,
      List<String> changed,
      List<String> changedInPlace,
      List<String> removed,
      Map<String, String> failed) {
    public static final Changes NONE =
        new Changes(List.of(), List.of(), List.of(), List.of(), Map.of());

    public boolean isEmpty() {
      return added.isEmpty()
          && changed.isEmpty()
          && changedInPlace.isEmpty()
          && removed.isEmpty()
          && failed.isEmpty();
    }
  }

  private final Function<ExecutorService, AdapterContext> contexts;
  private final ScheduledExecutorService scheduler;
  private final Duration adapterTimeout;
  private final ThreadFactory closers;
  private final Ingress ingress;
  private final PointDirectory directory;
  // Replaced whole (never changed in place) and read by the health, state and write paths.
  private volatile Map<String, Running> running;

  /**
   * Creates (without starting) the adapters of {@code units}.
   *
   * @param contexts the context of an adapter with the given blocking lane (all else is shared)
   * @param adapterTimeout {@code pipeline.adapter_timeout}: start, write and close timeouts
   * @param closers makes the threads that close adapters (one each, so one hanging close() holds up
   *     no other)
   * @param ingress where the adapters hand in samples, each through a lane of its own
   */
  public AdapterSet(
      Collection<Unit> units,
      Function<ExecutorService, AdapterContext> contexts,
      ScheduledExecutorService scheduler,
      Duration adapterTimeout,
      ThreadFactory closers,
      Ingress ingress) {
    this.contexts = contexts;
    this.scheduler = scheduler;
    this.adapterTimeout = adapterTimeout;
    this.closers = closers;
    this.ingress = ingress;
    Map<String, Running> made = new LinkedHashMap<>();
    for (Unit unit : units) {
      made.put(unit.key(), create(unit));
    }
    this.running = made;
    this.directory = new PointDirectory(guards());
    made.values().forEach(r -> r.guard().attach(directory));
  }

  /**
   * The units of {@code devices}: for each factory in order, its devices grouped by {@link
   * AdapterFactory#units}, keyed by their keys.
   *
   * @throws IllegalArgumentException when a factory refuses its devices, or two units share a key
   */
  public static Map<String, Unit> plan(
      List<DeviceConfig> devices, List<AdapterFactory<?>> factories) {
    Map<String, Unit> units = new LinkedHashMap<>();
    for (AdapterFactory<?> factory : factories) {
      for (Map.Entry<String, List<DeviceConfig>> e : unitsOf(factory, devices).entrySet()) {
        Unit unit = new Unit(e.getKey(), factory, e.getValue());
        if (units.putIfAbsent(unit.key(), unit) != null) {
          throw new IllegalArgumentException("two adapters have the key '" + unit.key() + "'");
        }
      }
    }
    return units;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, List<DeviceConfig>> unitsOf(
      AdapterFactory factory, List<DeviceConfig> devices) {
    List<DeviceConfig> mine =
        devices.stream().filter(d -> factory.configType().isInstance(d)).toList();
    return mine.isEmpty() ? Map.of() : factory.units(mine);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Running create(Unit unit) {
    ExecutorService lane = BlockingLanes.open(unit.key());
    try {
      ProtocolAdapter adapter =
          ((AdapterFactory) unit.factory()).createAdapter(unit.devices(), contexts.apply(lane));
      AdapterGuard guard = new AdapterGuard(adapter, unit.key(), scheduler, adapterTimeout);
      // A lane of its own: a flooding adapter drops its own events, not the others'.
      return new Running(unit, guard, lane, ingress.lane(guard.name()));
    } catch (RuntimeException | Error e) {
      lane.shutdownNow();
      throw e;
    }
  }

  /**
   * Starts every adapter, each handing in through its own ingress lane. The guard never throws and
   * never waits: an adapter that fails or hangs in start() is reported in its health, and the ones
   * after it start all the same.
   */
  public void startAll() {
    for (Running r : running.values()) {
      r.guard().start(r.sink());
    }
  }

  /**
   * Makes the running adapters those of {@code next} (a config reload): a unit whose key and
   * devices are unchanged keeps its adapter, connection and state untouched; a changed one is
   * changed in place when its factory can ({@link AdapterFactory#reconfigure}: an RTU bus makes
   * only its changed slaves again), else closed and created again; a removed one is closed; a new
   * one is created. Adapters to replace or remove are closed first (in parallel, at most {@code
   * adapter_timeout}), so a new adapter can take the port or serial device its old version held.
   * Nothing at all happens when nothing changed. A unit whose new adapter cannot be created is
   * reported and left out; the others run.
   */
  public synchronized Changes apply(Map<String, Unit> next) {
    Map<String, Running> now = new LinkedHashMap<>(running);
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> inPlace = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<Running> closing = new ArrayList<>();
    for (Running r : List.copyOf(now.values())) {
      Unit wanted = next.get(r.unit().key());
      if (wanted == null) {
        removed.add(r.unit().key());
        closing.add(r);
      } else if (wanted.factory() != r.unit().factory()) {
        changed.add(r.unit().key());
        closing.add(r);
      } else if (!wanted.devices().equals(r.unit().devices())) {
        Optional<List<String>> devices = reconfigure(r, wanted);
        if (devices.isPresent()) {
          Running updated = new Running(wanted, r.guard(), r.lane(), r.sink());
          now.put(wanted.key(), updated);
          directory.reshaped(r.guard());
          inPlace.add(wanted.key() + " [" + String.join(", ", devices.get()) + "]");
        } else {
          changed.add(r.unit().key());
          closing.add(r);
        }
      }
    }
    for (String key : next.keySet()) {
      if (!now.containsKey(key)) {
        added.add(key);
      }
    }
    if (closing.isEmpty() && added.isEmpty()) {
      if (inPlace.isEmpty()) {
        return Changes.NONE;
      }
      running = now; // the same adapters, with their new units
      return new Changes(List.of(), List.of(), List.copyOf(inPlace), List.of(), Map.of());
    }
    for (Running r : closing) {
      directory.remove(r.guard());
    }
    closeWithin(closing);
    for (Running r : closing) {
      r.lane().shutdown(); // what the adapter queued in close() still runs
      ingress.retire(r.sink());
    }
    Map<String, Running> result = new LinkedHashMap<>();
    Map<String, String> failed = new LinkedHashMap<>();
    List<Running> fresh = new ArrayList<>();
    for (Unit unit : next.values()) {
      Running kept = now.get(unit.key());
      if (kept != null && !closing.contains(kept)) {
        result.put(unit.key(), kept);
        continue;
      }
      try {
        Running r = create(unit);
        r.guard().attach(directory);
        directory.add(r.guard());
        result.put(unit.key(), r);
        fresh.add(r);
      } catch (RuntimeException e) {
        failed.put(unit.key(), String.valueOf(e.getMessage()));
      }
    }
    running = result;
    for (Running r : fresh) {
      r.guard().start(r.sink());
    }
    added.removeAll(failed.keySet());
    changed.removeAll(failed.keySet());
    return new Changes(
        List.copyOf(added),
        List.copyOf(changed),
        List.copyOf(inPlace),
        List.copyOf(removed),
        failed);
  }

  /**
   * Asks the unit's factory to apply {@code wanted} to the running adapter in place; empty when it
   * cannot or fails (then the adapter is replaced, as before: nothing is lost by trying).
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Optional<List<String>> reconfigure(Running r, Unit wanted) {
    try {
      Optional<List<String>> devices =
          ((AdapterFactory) wanted.factory()).reconfigure(r.guard().adapter(), wanted.devices());
      return devices == null ? Optional.empty() : devices;
    } catch (RuntimeException e) {
      log.warn(
          "adapter {}: cannot take the new config in place, making it again: {}",
          r.unit().key(),
          e.toString());
      return Optional.empty();
    }
  }

  /** Which adapter owns which point. */
  public PointDirectory directory() {
    return directory;
  }

  /** The guarded adapters, in config order. */
  public List<ProtocolAdapter> guards() {
    return running.values().stream().map(r -> (ProtocolAdapter) r.guard()).toList();
  }

  /** The units running now, by key. */
  public Map<String, Unit> units() {
    Map<String, Unit> out = new LinkedHashMap<>();
    running.forEach((k, r) -> out.put(k, r.unit()));
    return out;
  }

  public int size() {
    return running.size();
  }

  /** Every adapter's health; a failing health() is reported as DOWN with the reason. */
  public List<AdapterHealth> health() {
    List<AdapterHealth> out = new ArrayList<>();
    for (Running r : running.values()) {
      out.add(r.guard().health());
    }
    return out;
  }

  /**
   * Closes every adapter at once, each on a thread of its own, and waits at most {@code
   * pipeline.adapter_timeout} for them all: one adapter blocking in close() used to hang the
   * shutdown for ever, and the adapters after it were never closed. Then stops the lanes.
   */
  @Override
  public void close() {
    List<Running> all = List.copyOf(running.values());
    closeWithin(all);
    for (Running r : all) {
      r.lane().shutdownNow();
    }
  }

  /** Closes {@code adapters} in parallel, waiting at most the adapter timeout for all of them. */
  static void closeWithin(List<Running> adapters, ThreadFactory closers, Duration timeout) {
    List<Thread> closing = new ArrayList<>();
    for (Running r : adapters) {
      closing.add(r.guard().closeWithin(closers));
    }
    long timeoutMillis = timeout.toMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (int i = 0; i < closing.size(); i++) {
      Thread t = closing.get(i);
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        adapters.get(i).guard().closeTimedOut(timeoutMillis);
      }
    }
  }

  private void closeWithin(List<Running> adapters) {
    closeWithin(adapters, closers, adapterTimeout);
  }
}
