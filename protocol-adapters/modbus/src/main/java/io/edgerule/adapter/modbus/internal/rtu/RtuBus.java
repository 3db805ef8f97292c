package io.edgerule.adapter.modbus.internal.rtu;

import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.metrics.Metrics;
import io.edgerule.adapter.modbus.internal.LinkDownException;
import io.edgerule.adapter.modbus.internal.rtu.RtuTransaction.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTU line shared by several units: exactly one request on the wire at a time, in the order the
 * units asked (writes first), on one thread of its own that owns the port.
 *
 * <p>Scheduling: each unit's poller has at most one request waiting here (it sends the next only
 * when the previous is answered), and requests are served first come, first served, so the units
 * take turns request by request, each in the order its poll fell due. A unit that stopped answering
 * costs the others at most one timeout plus drain per probe (see {@link UnitLink}), never a queue
 * of timeouts.
 *
 * <p>Per exchange: anything that arrived unasked since the last exchange is counted and dropped;
 * the line is left quiet for the inter-frame gap since the last byte sent or received; the request
 * is written; then {@link RtuTransaction} decides from the bytes and the clock. The response
 * timeout runs from the end of the request on the wire and is extended by the time the expected
 * answer needs on the wire at the configured baud.
 *
 * <p>The port is opened on demand ({@link #ensureOpen}, called by each unit's connect), never by
 * itself: the units' pollers own the reconnect backoff. A failed read or write closes the port,
 * fails everything queued and tells every unit.
 */
public final class RtuBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RtuBus.class);

  /**
   * Extra quiet time before a CRC verdict or the end of a drain: USB serial adapters hand bytes
   * over in bursts (FTDI every 16 ms by default), so a pause of a few character times inside one
   * frame is normal on the host side.
   */
  static final long QUIET_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

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

  private sealed interface Job permits OpenJob, RequestJob {}

  private record OpenJob(CompletableFuture<Void> done) implements Job {}

  private record RequestJob(UnitLink unit, ModbusRequestPdu pdu, CompletableFuture<Exchange> done)
      implements Job {}

  private final BusPort port;
  private final Settings settings;
  private final ThreadFactory threadFactory;
  private final CounterSet<BusCounter> counters;
  private final Metrics metrics;
  private final Map<Integer, UnitLink> units = new ConcurrentHashMap<>();

  private final Object lock = new Object();
  private final Deque<Job> urgent = new ArrayDeque<>(); // guarded by lock
  private final Deque<Job> normal = new ArrayDeque<>(); // guarded by lock
  private CompletableFuture<Void> pendingOpen; // guarded by lock
  private Thread thread; // guarded by lock
  private boolean closed; // guarded by lock

  private volatile boolean open;
  private volatile String lastError = "";
  private volatile boolean everOpened;
  private volatile long lastOpenFailure;
  private volatile boolean failedBefore;

  // ---- bus thread only ----
  private long lastActivity = System.nanoTime();
  private final byte[] buffer = new byte[RtuFrames.MAX_FRAME];

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
    return open;
  }

  /** Why the port is not open ("" while it is). */
  public String lastError() {
    return lastError;
  }

  /** Opens the port unless it is open; completes exceptionally with a {@link LinkDownException}. */
  public CompletableFuture<Void> ensureOpen() {
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new LinkDownException("adapter closed"));
      }
      if (open) {
        return CompletableFuture.completedFuture(null);
      }
      if (pendingOpen != null) {
        return pendingOpen;
      }
      long sinceFailure = System.nanoTime() - lastOpenFailure;
      if (failedBefore && sinceFailure < settings.reconnect().initial().toNanos()) {
        return CompletableFuture.failedFuture(new LinkDownException(lastError));
      }
      pendingOpen = new CompletableFuture<>();
      urgent.addFirst(new OpenJob(pendingOpen));
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
      (write ? urgent : normal).addLast(new RequestJob(unit, pdu, done));
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
      state =
          closed
              ? AdapterHealth.State.STOPPED
              : open
                  ? AdapterHealth.State.UP
                  : everOpened || failedBefore
                      ? AdapterHealth.State.DOWN
                      : AdapterHealth.State.STARTING;
    }
    return new AdapterHealth.DeviceHealth(
        "bus " + endpoint(), state, open ? "" : lastError, counters.snapshot());
  }

  public CounterSet<BusCounter> counters() {
    return counters;
  }

  /** Stops the bus thread, fails what is queued and closes the port; waits at most 2 s. */
  @Override
  public void close() {
    Thread t;
    List<Job> dropped;
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
      Job job;
      while ((job = take()) != null) {
        try {
          if (job instanceof OpenJob o) {
            open(o);
          } else {
            exchange((RequestJob) job);
          }
        } catch (RuntimeException e) { // a bug must cost one request, not the bus
          log.error("{}: {} failed", endpoint(), job, e);
          if (job instanceof OpenJob o) {
            clearPendingOpen();
            o.done().completeExceptionally(e);
          } else {
            ((RequestJob) job).done().completeExceptionally(e);
          }
        }
      }
    } finally {
      open = false;
      port.close();
    }
  }

  private Job take() {
    synchronized (lock) {
      while (!closed && urgent.isEmpty() && normal.isEmpty()) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          closed = true;
        }
      }
      if (closed) {
        return null;
      }
      return urgent.isEmpty() ? normal.poll() : urgent.poll();
    }
  }

  private List<Job> takeAll() {
    List<Job> all = new ArrayList<>(urgent);
    all.addAll(normal);
    urgent.clear();
    normal.clear();
    if (pendingOpen != null) {
      pendingOpen = null;
    }
    return all;
  }

  private static void fail(List<Job> jobs, String reason) {
    for (Job j : jobs) {
      LinkDownException e = new LinkDownException(reason);
      if (j instanceof OpenJob o) {
        o.done().completeExceptionally(e);
      } else {
        ((RequestJob) j).done().completeExceptionally(e);
      }
    }
  }

  private void open(OpenJob job) {
    if (open) {
      clearPendingOpen();
      job.done().complete(null);
      return;
    }
    counters.increment(BusCounter.OPEN_ATTEMPTS);
    try {
      port.open();
    } catch (IOException e) {
      String reason = e.getMessage();
      if (!reason.equals(lastError)) {
        log.warn("{}: {}", endpoint(), reason);
      }
      lastError = reason;
      lastOpenFailure = System.nanoTime();
      failedBefore = true;
      clearPendingOpen();
      job.done().completeExceptionally(new LinkDownException(reason));
      return;
    }
    lastActivity = System.nanoTime();
    if (everOpened) {
      counters.increment(BusCounter.RECONNECTS);
    }
    everOpened = true;
    lastError = "";
    open = true;
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
    if (!open) {
      String why = lastError.isEmpty() ? "port " + endpoint() + " not open" : lastError;
      job.done().completeExceptionally(new LinkDownException(why));
      return;
    }
    long started = System.nanoTime();
    try {
      discardUnsolicited();
      awaitGap();
      byte[] frame = RtuFrames.request(job.unit().unitId(), job.pdu());
      port.write(frame);
      long sent = System.nanoTime();
      counters.increment(BusCounter.REQUESTS);
      long onWire = frame.length * settings.characterNanos();
      long answerOnWire = RtuFrames.expectedResponseLength(job.pdu()) * settings.characterNanos();
      long deadline = sent + onWire + settings.timeout().toNanos() + answerOnWire;
      RtuTransaction t =
          new RtuTransaction(
              job.unit().unitId(),
              job.pdu().getFunctionCode(),
              settings.echo() ? frame : null,
              sent,
              deadline,
              settings.timeout().toNanos(),
              settings.interFrameGapNanos() + QUIET_SLACK_NANOS);
      lastActivity = sent + onWire;
      while (!t.done()) {
        if (isClosed()) {
          job.done().completeExceptionally(new LinkDownException("adapter closed"));
          return;
        }
        long now = System.nanoTime();
        int n = port.read(buffer, Math.max(0, t.wakeAt() - now));
        now = System.nanoTime();
        if (n > 0) {
          t.onBytes(buffer, 0, n, now);
          lastActivity = now;
        }
        t.onTime(now);
      }
      Exchange result = new Exchange(t.outcome(), t.late(), t.garbageBytes(), t.foreignFrames());
      count(result);
      job.done().complete(result);
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

  private void count(Exchange x) {
    Outcome outcome = x.outcome();
    if (outcome instanceof Outcome.Answer a) {
      boolean exception = (a.frame()[1] & 0x80) != 0;
      counters.increment(exception ? BusCounter.EXCEPTIONS : BusCounter.RESPONSES);
    } else if (outcome instanceof Outcome.CrcError) {
      counters.increment(BusCounter.CRC_ERRORS);
    } else if (outcome instanceof Outcome.Incomplete) {
      counters.increment(BusCounter.INCOMPLETE_RESPONSES);
    } else {
      counters.increment(BusCounter.TIMEOUTS);
    }
    if (x.late() != null) {
      counters.increment(BusCounter.LATE_RESPONSES);
      log.debug(
          "{}: a frame from unit {} came {} ms after the request, past the timeout",
          endpoint(),
          x.late().unitId(),
          x.late().afterNanos() / 1_000_000);
    }
    counters.add(BusCounter.GARBAGE_BYTES, x.garbageBytes());
    counters.add(BusCounter.FOREIGN_FRAMES, x.foreignFrames());
  }

  /** Drops bytes that arrived between exchanges (late answers that missed the drain, noise). */
  private void discardUnsolicited() throws IOException {
    byte[] stray = new byte[0];
    for (int reads = 0; reads < 8; reads++) { // bounded: a babbling line must not stall the bus
      int n = port.read(buffer, 0);
      if (n <= 0) {
        break;
      }
      int old = stray.length;
      stray = Arrays.copyOf(stray, Math.min(old + n, 4 * RtuFrames.MAX_FRAME));
      System.arraycopy(buffer, 0, stray, old, Math.min(n, stray.length - old));
      lastActivity = System.nanoTime();
    }
    if (stray.length == 0) {
      return;
    }
    RtuTransaction.Tally tally = RtuTransaction.tally(stray, stray.length, -1, -1);
    counters.add(BusCounter.GARBAGE_BYTES, tally.garbage());
    counters.add(BusCounter.LATE_RESPONSES, tally.frames());
    log.debug(
        "{}: dropped {} stray bytes ({} frames) before a request",
        endpoint(),
        stray.length,
        tally.frames());
  }

  private void awaitGap() {
    long readyAt = lastActivity + settings.interFrameGapNanos();
    long now;
    while ((now = System.nanoTime()) - readyAt < 0) {
      LockSupport.parkNanos(readyAt - now); // RTU timing: the line must be quiet before we talk
    }
  }

  private void portLost(String reason) {
    counters.increment(BusCounter.PORT_LOST);
    port.close();
    // The reason first: a unit's poller that sees the port closed reads lastError for its BAD
    // quality, and must read "port ... lost", not the empty error of the port that was open.
    lastError = reason;
    lastOpenFailure = System.nanoTime();
    failedBefore = true;
    List<Job> dropped;
    synchronized (lock) {
      open = false;
      dropped = takeAll();
    }
    log.warn("{}: {}", endpoint(), reason);
    fail(dropped, reason);
    for (UnitLink u : units.values()) {
      u.busDown(reason);
    }
  }
}
