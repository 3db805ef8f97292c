package io.edgerule.daemon.testing;

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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A device that carries out one write at a time, each taking {@code 200 µs}, from a FIFO of its own
 * that it never bounds (like a real driver's request queue). Offers {@code <name>/set} and {@code
 * <name>/hit} (int64, writable). Records every write in the order it was carried out, and the
 * deepest its queue ever was.
 */
public final class SlowDevice implements ProtocolAdapter {
  public record Device(String name) implements DeviceConfig {}

  public static final class Factory implements AdapterFactory<Device> {
    public volatile SlowDevice last;

    @Override
    public String protocol() {
      return "slow";
    }

    @Override
    public Class<Device> configType() {
      return Device.class;
    }

    @Override
    public ProtocolAdapter createAdapter(List<Device> unit, AdapterContext context) {
      SlowDevice a = new SlowDevice(unit.get(0).name());
      last = a;
      return a;
    }
  }

  private record Pending(WriteCommand command, CompletableFuture<WriteResult> answer) {}

  private final String device;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "slow-device");
            t.setDaemon(true);
            return t;
          });
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by this
  private final List<WriteCommand> carriedOut = new ArrayList<>(); // guarded by this
  private boolean busy; // guarded by this
  private int deepest; // guarded by this
  private final java.util.Map<WriteCommand, Integer> aheadAtArrival =
      new java.util.IdentityHashMap<>(); // guarded by this

  SlowDevice(String device) {
    this.device = device;
  }

  @Override
  public String name() {
    return "slow:" + device;
  }

  @Override
  public List<PointInfo> points() {
    return List.of(
        new PointInfo(PointId.parse(device + "/set"), ValueType.INT64, true, "set"),
        new PointInfo(PointId.parse(device + "/hit"), ValueType.INT64, true, "hit"));
  }

  @Override
  public CompletionStage<Void> start(EventSink sink) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    CompletableFuture<WriteResult> answer = new CompletableFuture<>();
    synchronized (this) {
      aheadAtArrival.put(command, queue.size());
      queue.addLast(new Pending(command, answer));
      deepest = Math.max(deepest, queue.size());
      if (!busy) {
        busy = true;
        worker.schedule(this::carryOutOne, 200, TimeUnit.MICROSECONDS);
      }
    }
    return answer;
  }

  private void carryOutOne() {
    Pending p;
    synchronized (this) {
      p = queue.pollFirst();
      carriedOut.add(p.command());
      if (queue.isEmpty()) {
        busy = false;
      } else {
        worker.schedule(this::carryOutOne, 200, TimeUnit.MICROSECONDS);
      }
    }
    p.answer().complete(WriteResult.ok(p.command()));
  }

  /** Writes carried out so far, in order. */
  public synchronized List<WriteCommand> carriedOut() {
    return List.copyOf(carriedOut);
  }

  public synchronized int carriedOutCount() {
    return carriedOut.size();
  }

  /** How many writes were waiting in the device when {@code command} arrived. */
  public synchronized int aheadAtArrival(WriteCommand command) {
    return aheadAtArrival.get(command);
  }

  /** The most writes that ever waited in the device's own queue. */
  public synchronized int deepestQueue() {
    return deepest;
  }

  @Override
  public AdapterHealth health() {
    return new AdapterHealth(name(), AdapterHealth.State.UP, List.of());
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
