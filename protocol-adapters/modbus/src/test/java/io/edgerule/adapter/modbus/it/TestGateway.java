package io.edgerule.adapter.modbus.it;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.modbus.ModbusRtuAdapterFactory;
import io.edgerule.adapter.modbus.ModbusRtuDeviceConfig;
import io.edgerule.adapter.modbus.ModbusTcpAdapterFactory;
import io.edgerule.adapter.modbus.ModbusTcpDeviceConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** What the daemon does for adapters, in small: lends executors, creates and closes adapters. */
final class TestGateway implements AutoCloseable {
  final AtomicInteger threadsMade = new AtomicInteger();
  final List<Thread> adapterThreads = new ArrayList<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-scheduler"));
  private final ExecutorService blockingIo = Executors.newCachedThreadPool();
  private final ThreadFactory threadFactory =
      r -> {
        Thread t = new Thread(r, "adapter-" + threadsMade.incrementAndGet());
        t.setDaemon(true);
        synchronized (adapterThreads) {
          adapterThreads.add(t);
        }
        return t;
      };
  final AdapterContext context;
  private final List<ProtocolAdapter> adapters = new ArrayList<>();

  TestGateway(Path stateDirectory) {
    context =
        new AdapterContext(scheduler, blockingIo, threadFactory, Clock.systemUTC(), stateDirectory);
  }

  List<ProtocolAdapter> create(ModbusTcpDeviceConfig... devices) {
    List<ProtocolAdapter> made = new ModbusTcpAdapterFactory().createAll(List.of(devices), context);
    adapters.addAll(made);
    return made;
  }

  /** The {@code modbus-rtu} factory's adapters for {@code devices} (one per bus), not started. */
  List<ProtocolAdapter> createRtu(ModbusRtuDeviceConfig... devices) {
    List<ProtocolAdapter> made = new ModbusRtuAdapterFactory().createAll(List.of(devices), context);
    adapters.addAll(made);
    return made;
  }

  /** One RTU bus with {@code devices} on it, started. */
  ProtocolAdapter startRtu(Samples sink, ModbusRtuDeviceConfig... devices) {
    List<ProtocolAdapter> made = createRtu(devices);
    if (made.size() != 1) {
      throw new IllegalArgumentException("expected one bus, got " + made.size());
    }
    made.get(0).start(sink).toCompletableFuture().join();
    return made.get(0);
  }

  ProtocolAdapter start(ModbusTcpDeviceConfig device, Samples sink) {
    ProtocolAdapter adapter = create(device).get(0);
    adapter.start(sink).toCompletableFuture().join();
    return adapter;
  }

  @Override
  public void close() {
    adapters.forEach(ProtocolAdapter::close);
    scheduler.shutdownNow();
    blockingIo.shutdownNow();
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Polls {@code condition} until it holds or {@code timeout} passes (poll-with-deadline). */
  static void await(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not " + what + " within " + timeout);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
  }
}
