package io.edgerule.adapter.modbus.internal.rtu;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusRtuBusConfig;
import io.edgerule.adapter.modbus.ModbusRtuDeviceConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import io.edgerule.adapter.modbus.Parity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** An adapter on a {@link FakeLine} with the daemon's executors, and a sample recorder. */
final class BusFixture implements AutoCloseable, EventSink {
  static final Duration TIMEOUT = Duration.ofMillis(50);
  static final Duration WAIT = Duration.ofSeconds(5);

  final FakeLine line = new FakeLine();
  final List<Thread> threads = new ArrayList<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-scheduler"));
  private final ExecutorService blockingIo = Executors.newCachedThreadPool();
  private final List<PointSample> samples = new ArrayList<>();
  final AdapterContext context =
      new AdapterContext(
          scheduler,
          blockingIo,
          r -> {
            Thread t = new Thread(r, "adapter-thread");
            t.setDaemon(true);
            synchronized (threads) {
              threads.add(t);
            }
            return t;
          },
          Clock.systemUTC(),
          Path.of("target"));
  ModbusRtuAdapter adapter;

  static ModbusRtuBusConfig bus() {
    return new ModbusRtuBusConfig(
        "/dev/fake",
        115200,
        8,
        Parity.NONE,
        1,
        TIMEOUT,
        null,
        new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), 2),
        null,
        null);
  }

  static ModbusRtuDeviceConfig device(String name, int unit, ModbusPointConfig... points) {
    return new ModbusRtuDeviceConfig(
        name,
        bus(),
        unit,
        Duration.ofMillis(50),
        1,
        null,
        null,
        null,
        null,
        Duration.ofSeconds(60),
        List.of(points));
  }

  static ModbusPointConfig hr(String name, int address) {
    return new ModbusPointConfig(
        name,
        ModbusTable.HOLDING_REGISTER,
        address,
        ModbusDataType.UINT16,
        null,
        null,
        null,
        null,
        null,
        null,
        true);
  }

  ModbusRtuAdapter start(ModbusRtuDeviceConfig... devices) {
    adapter = new ModbusRtuAdapter(bus(), List.of(devices), context, line);
    adapter.start(this);
    return adapter;
  }

  @Override
  public synchronized void accept(PointSample sample) {
    samples.add(sample);
    notifyAll();
  }

  synchronized List<PointSample> samples() {
    return List.copyOf(samples);
  }

  /**
   * The FIRST recorded sample matching {@code p}, waiting for it. First, not latest: the pollers
   * keep going while the test thread waits, and on a loaded machine the test thread may look only
   * after later samples arrived (a BAD read followed 5 ms later by the next cycle's GOOD one).
   */
  synchronized PointSample await(Predicate<PointSample> p, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      for (PointSample s : samples) {
        if (p.test(s)) {
          return s;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no sample " + what + " within " + WAIT + "; got " + samples);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  synchronized void clear() {
    samples.clear();
  }

  static Predicate<PointSample> of(String device, String point) {
    return s -> s.point().device().equals(device) && s.point().point().equals(point);
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not " + what + " within " + WAIT);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
    }
  }

  @Override
  public void close() {
    if (adapter != null) {
      adapter.close();
    }
    scheduler.shutdownNow();
    blockingIo.shutdownNow();
  }
}
