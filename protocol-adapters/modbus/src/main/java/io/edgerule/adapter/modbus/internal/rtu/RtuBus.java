package io.edgerule.adapter.modbus.internal.rtu;

import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.metrics.Metrics;
import io.edgerule.adapter.modbus.internal.LinkDownException;
import io.edgerule.adapter.modbus.internal.rtu.BusJob.OpenJob;
import io.edgerule.adapter.modbus.internal.rtu.BusJob.RequestJob;
import io.edgerule.adapter.modbus.internal.rtu.RtuTransaction.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTU line shared by several units: exactly one request on the wire at a time, in the order the
 * units asked (writes first: {@link BusQueue}), on one thread of its own that owns the port.
 *
 * <p>Scheduling: each unit's poller has at most one request waiting here (it sends the next only
 * when the previous is answered), and requests are served first come, first served, so the units
 * take turns request by request, each in the order its poll fell due. A unit that stopped answering
 * costs the others at most one timeout plus drain per probe (see {@link UnitLink}), never a queue
 * of timeouts.
 *
 * <p>Per exchange ({@link RtuLine}): anything that arrived unasked since the last exchange is
 * counted and dropped; the line is left quiet for the inter-frame gap since the last byte sent or
 * received; the request is written; then {@link RtuTransaction} decides from the bytes and the
 * clock.
 *
 * <p>The port is opened on demand ({@link #ensureOpen}, called by each unit's connect), never by
 * itself: the units' pollers own the reconnect backoff. A failed read or write closes the port,
 * fails everything queued and tells every unit.
 */
public final class RtuBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RtuBus.class);

  /**
   * How the bus talks.
   *
   * @param timeout how long a unit may take to start answering
   * @param interFrameGapNanos silence kept before each request
   * @param characterNanos wire time of one character (for request and answer wire time)
   * @param echo the line returns the master's own bytes (drop them)
   * @param reconnect backoff of the units' reconnects; an open attempt within its initial delay of
   *     a failed one shares that failure instead of trying again
   */
  public record Settings(
      Duration timeout,
      long interFrameGapNanos,
      long characterNanos,
      boolean echo,
      Backoff reconnect) {
    public Settings {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(reconnect, "reconnect");
    }
  }

  /** What one exchange gave, for the unit that asked. */
  public record Exchange(
      Outcome outcome, RtuTransaction.Late late, int garbageBytes, int foreignFrames) {}

  private final BusPort port;
  private final Settings settings;
  private final ThreadFactory threadFactory;
  private final CounterSet<BusCounter> counters;
  private final Metrics metrics;
  private final Map<Integer, UnitLink> units = new ConcurrentHashMap<>();

  private final Object lock = new Object();
  private final BusQueue queue = new BusQueue(); // guarded by lock
  private CompletableFuture<Void> pendingOpen; // guarded by lock
  private Thread thread; // guarded by lock
  private boolean closed; // guarded by lock

  private final PortState portState = new PortState();

  private final RtuLine line; // the bus thread's only

  public RtuBus(BusPort port, Settings settings, ThreadFactory threadFactory) {
    this(port, settings, threadFactory, Metrics.local());
  }

  /**
   * @param metrics where the bus's counters ({@code edgerule_modbus_rtu_bus_*_total{bus}}) and its
   *     units' ({@code edgerule_modbus_rtu_unit_*_total{device}}) are made
   */
  public RtuBus(BusPort port, Settings settings, ThreadFactory threadFactory, Metrics metrics) {
    this.metrics = metrics;
    this.counters =
        CounterSet.bind(
            metrics,
            "edgerule_modbus_rtu_bus",
            BusCounter.class,
            Labels.of("bus", port.endpoint()),
            BusCounter::help);
    this.port = port;
    this.settings = settings;
    this.threadFactory = threadFactory;
    this.line = new RtuLine(port, settings, counters);
  }

  public String endpoint() {
    return port.endpoint();
  }

  public Settings settings() {
    return settings;
  }

  /**
   * A unit on this bus; its poller talks to the returned link.
   *
   * @param silentAfter consecutive unanswered requests after which the unit counts as not answering
   * @param probe the request that asks a unit that stopped answering whether it is back
   */
  public UnitLink unit(int unitId, int silentAfter, ModbusRequestPdu probe) {
    return unit(unitId, silentAfter, probe, "unit " + unitId);
  }

  /** As {@link #unit(int, int, ModbusRequestPdu)}, its counters labelled with {@code device}. */
  public UnitLink unit(int unitId, int silentAfter, ModbusRequestPdu probe, String device) {
    CounterSet<UnitCounter> unitCounters =
        CounterSet.bind(
            metrics,
            "edgerule_modbus_rtu_unit",
            UnitCounter.class,
            Labels.of("device", device),
            UnitCounter::help);
    UnitLink link = new UnitLink(this, unitId, silentAfter, probe, unitCounters);
    if (units.putIfAbsent(unitId, link) != null) {
      throw new IllegalArgumentException("unit " + unitId + " is already on " + endpoint());
    }
    return link;
  }

  /**
   * Takes a unit off the bus (a config reload removed or changed its slave): its unit id is free
   * again. Close its link first; a request of it already queued still goes out and is answered.
   */
  public void remove(UnitLink link) {
    units.remove(link.unitId(), link);
  }

  public boolean isOpen() {
    return portState.isOpen();
  }

  /** Why the port is not open ("" while it is). */
  public String lastError() {
    return portState.lastError();
  }

  /** Opens the port unless it is open; completes exceptionally with a {@link LinkDownException}. */
  public CompletableFuture<Void> ensureOpen() {
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new LinkDownException("adapter closed"));
      }
      if (portState.isOpen()) {
        return CompletableFuture.completedFuture(null);
      }
      if (pendingOpen != null) {
        return pendingOpen;
      }
      if (portState.failedWithin(settings.reconnect().initial())) {
        return CompletableFuture.failedFuture(new LinkDownException(portState.lastError()));
      }
      pendingOpen = new CompletableFuture<>();
      queue.addOpen(new OpenJob(pendingOpen));
      startThread();
      lock.notifyAll();
      return pendingOpen;
    }
  }

  /** Queues {@code pdu} for {@code unit}; writes go before reads. Never fails exceptionally. */
  CompletableFuture<Exchange> submit(UnitLink unit, ModbusRequestPdu pdu, boolean write) {
    CompletableFuture<Exchange> done = new CompletableFuture<>();
    synchronized (lock) {
      if (closed) {
        done.completeExceptionally(new LinkDownException("adapter closed"));
        return done;
      }
      queue.addRequest(new RequestJob(unit, pdu, done), write);
      startThread();
      lock.notifyAll();
    }
    return done;
  }

  private void startThread() {
    if (thread == null) {
      thread = threadFactory.newThread(this::run); // named and owned by the daemon's factory
      thread.start();
    }
  }

  public AdapterHealth.DeviceHealth health() {
    AdapterHealth.State state;
    synchronized (lock) {
      state = closed ? AdapterHealth.State.STOPPED : portState.health();
    }
    String error = portState.isOpen() ? "" : portState.lastError();
    return new AdapterHealth.DeviceHealth("bus " + endpoint(), state, error, counters.snapshot());
  }

  public CounterSet<BusCounter> counters() {
    return counters;
  }

  /** Stops the bus thread, fails what is queued and closes the port; waits at most 2 s. */
  @Override
  public void close() {
    Thread t;
    List<BusJob> dropped;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      dropped = takeAll();
      t = thread;
      lock.notifyAll();
    }
    fail(dropped, "adapter closed");
    port.close(); // unblocks a read in progress
    if (t != null) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        log.warn("{}: bus thread did not stop within 2 s", endpoint());
      }
    }
    port.close(); // in case an open was under way
  }

  // ------------------------------------------------------------------ bus thread

  private void run() {
    try {
      BusJob job;
      while ((job = take()) != null) {
        try {
          if (job instanceof OpenJob o) {
            open(o);
          } else {
            exchange((RequestJob) job);
          }
        } catch (RuntimeException e) { // a bug must cost one request, not the bus
          log.error("{}: {} failed", endpoint(), job, e);
          if (job instanceof OpenJob) {
            clearPendingOpen();
          }
          job.fail(e);
        }
      }
    } finally {
      portState.closed();
      port.close();
    }
  }

  private BusJob take() {
    synchronized (lock) {
      while (!closed && queue.isEmpty()) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          closed = true;
        }
      }
      if (closed) {
        return null;
      }
      return queue.poll();
    }
  }

  private List<BusJob> takeAll() {
    pendingOpen = null;
    return queue.takeAll();
  }

  private static void fail(List<BusJob> jobs, String reason) {
    for (BusJob j : jobs) {
      j.fail(new LinkDownException(reason));
    }
  }

  private void open(OpenJob job) {
    if (portState.isOpen()) {
      clearPendingOpen();
      job.done().complete(null);
      return;
    }
    counters.increment(BusCounter.OPEN_ATTEMPTS);
    try {
      port.open();
    } catch (IOException e) {
      String reason = e.getMessage();
      if (!reason.equals(portState.lastError())) {
        log.warn("{}: {}", endpoint(), reason);
      }
      portState.failed(reason);
      clearPendingOpen();
      job.done().completeExceptionally(new LinkDownException(reason));
      return;
    }
    line.opened();
    if (portState.opened()) {
      counters.increment(BusCounter.RECONNECTS);
    }
    log.info("{}: port open", endpoint());
    clearPendingOpen();
    job.done().complete(null);
  }

  private void clearPendingOpen() {
    synchronized (lock) {
      pendingOpen = null;
    }
  }

  private void exchange(RequestJob job) {
    if (!portState.isOpen()) {
      String lastError = portState.lastError();
      String why = lastError.isEmpty() ? "port " + endpoint() + " not open" : lastError;
      job.done().completeExceptionally(new LinkDownException(why));
      return;
    }
    long started = System.nanoTime();
    try {
      Optional<Exchange> result = line.exchange(job.unit().unitId(), job.pdu(), this::isClosed);
      if (result.isEmpty()) {
        job.done().completeExceptionally(new LinkDownException("adapter closed"));
        return;
      }
      job.done().complete(result.get());
    } catch (IOException e) {
      if (isClosed()) {
        job.done().completeExceptionally(new LinkDownException("adapter closed"));
        return;
      }
      portLost(e.getMessage());
      job.done().completeExceptionally(new LinkDownException(e.getMessage()));
    } finally {
      counters.add(BusCounter.BUSY_MS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private void portLost(String reason) {
    counters.increment(BusCounter.PORT_LOST);
    port.close();
    portState.failed(reason); // before closed(): see PortState.failed
    List<BusJob> dropped;
    synchronized (lock) {
      portState.closed();
      dropped = takeAll();
    }
    log.warn("{}: {}", endpoint(), reason);
    fail(dropped, reason);
    for (UnitLink u : units.values()) {
      u.busDown(reason);
    }
  }
}
