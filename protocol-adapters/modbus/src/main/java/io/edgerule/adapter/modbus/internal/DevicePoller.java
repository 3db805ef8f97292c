package io.edgerule.adapter.modbus.internal;

import static io.edgerule.adapter.modbus.internal.DeviceCounter.CONNECT_ATTEMPTS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.DISCONNECTS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.EXCEPTIONS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.GARBLED;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.OVERRUNS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.POLLS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.RECONNECTS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.REQUESTS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.RESPONSES;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.RETRIES;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.SAMPLES;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.SPLIT_READS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.TIMEOUTS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.WRITES;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.WRITE_FAILURES;

import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.DeviceMeters;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.metrics.Metrics;
import io.edgerule.adapter.modbus.Endianness;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import io.edgerule.adapter.modbus.internal.PointCodec.Encoded;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one Modbus device through a {@link ModbusLink}: connects (and reconnects with backoff),
 * runs a read cycle every poll interval, reports values by exception plus a periodic integrity
 * report, and carries writes. Transport-independent: the TCP adapter gives it a TCP link, an RTU
 * bus gives each unit a view of the shared bus.
 *
 * <p>Threading: all state lives in tasks of one {@link SerialExecutor}, so nothing here needs a
 * lock and nothing blocks: the timer only posts tasks, link completions post tasks. One request per
 * device is outstanding at a time; a write goes before the reads still waiting in a cycle, but
 * writes and waiting reads alternate, so writes never starve the polling.
 */
public final class DevicePoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DevicePoller.class);

  /**
   * How to poll one device.
   *
   * @param device the device name (first segment of the point ids)
   * @param unitId the unit id of every request
   * @param pollInterval time between the starts of two read cycles
   * @param timeout the link's response timeout (only used in messages here)
   * @param retries how often a read is repeated after a timeout or garbled answer
   * @param reconnect backoff between connection attempts
   * @param integrityInterval how often every point is reported; zero for never
   * @param limits how reads are coalesced
   */
  public record Settings(
      String device,
      int unitId,
      Duration pollInterval,
      Duration timeout,
      int retries,
      Backoff reconnect,
      Duration integrityInterval,
      PlanLimits limits) {
    public Settings {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(reconnect, "reconnect");
      Objects.requireNonNull(integrityInterval, "integrityInterval");
      Objects.requireNonNull(limits, "limits");
    }
  }

  private enum State {
    NEW,
    CONNECTING,
    CONNECTED,
    /** Waiting for the next connection attempt. */
    DISCONNECTED,
    CLOSED
  }

  private record PendingWrite(
      WriteCommand command,
      ModbusPointConfig point,
      Encoded encoded,
      CompletableFuture<WriteResult> result) {}

  private final Settings settings;
  private final ModbusLink link;
  private final PollTimer timer;
  private final Clock clock;
  private final List<PointSample> outgoing = new ArrayList<>(); // see handIn; serial executor only
  private final SerialExecutor serial;
  private final CounterSet<DeviceCounter> counters;
  private final DeviceMeters meters;
  private final Map<String, ModbusPointConfig> points = new LinkedHashMap<>();
  private final Map<String, PointId> ids = new LinkedHashMap<>();
  private final ReportFilter filter = new ReportFilter();

  // ---- state below is touched only by tasks of `serial` ----
  private volatile List<ReadBlock> plan;
  private EventSink sink = sample -> {};
  private State state = State.NEW;
  private boolean everConnected;
  private int reconnectAttempt;
  private int epoch; // connection generation: completions of an older one are ignored
  private Runnable cancelPoll = () -> {};
  private Runnable cancelReconnect = () -> {};
  private long nextPollDue;
  private boolean busy;
  private boolean lastWasWrite;
  private final Deque<ReadBlock> pendingReads = new ArrayDeque<>();
  private final Deque<PendingWrite> pendingWrites = new ArrayDeque<>();
  private boolean cycleRunning;
  private boolean pollRequested;
  private boolean integrityDue;
  private long cycleStart;
  private long lastIntegrity;
  private boolean integrityEver;

  /**
   * Whether each read's latest attempt since the connection was made got an answer. Keyed by
   * identity: every block read is an instance of the plan, and a record's hashCode hashed all its
   * point configs at every response (most of the adapter thread's time with 100 points a read).
   */
  private final Map<ReadBlock, Boolean> answered = new IdentityHashMap<>();

  // ---- read by health() from any thread ----
  private volatile AdapterHealth.State healthState = AdapterHealth.State.STARTING;
  private volatile String lastError = "";

  public DevicePoller(
      Settings settings,
      List<ModbusPointConfig> pointConfigs,
      ModbusLink link,
      PollTimer timer,
      Executor executor,
      Clock clock) {
    this(settings, pointConfigs, link, timer, executor, clock, Metrics.local(), "modbus");
  }

  /**
   * @param metrics where the device's counters ({@code edgerule_modbus_*_total{device}}) and its
   *     {@link DeviceMeters} are made
   * @param protocol the {@code protocol} label of its {@link DeviceMeters} (modbus-tcp, modbus-rtu)
   */
  public DevicePoller(
      Settings settings,
      List<ModbusPointConfig> pointConfigs,
      ModbusLink link,
      PollTimer timer,
      Executor executor,
      Clock clock,
      Metrics metrics,
      String protocol) {
    this.counters =
        CounterSet.bind(
            metrics,
            "edgerule_modbus",
            DeviceCounter.class,
            Labels.of("device", settings.device()),
            DeviceCounter::help);
    this.meters = DeviceMeters.bind(metrics, protocol, settings.device());
    this.settings = settings;
    this.link = link;
    this.timer = timer;
    this.clock = clock;
    this.serial = new SerialExecutor(executor);
    for (ModbusPointConfig p : pointConfigs) {
      points.put(p.name(), p);
      ids.put(p.name(), new PointId(settings.device(), p.name()));
    }
    this.plan = ReadPlanner.plan(pointConfigs, settings.limits());
    link.onLinkDown(reason -> serial.execute(() -> linkDown(reason)));
  }

  /** The reads of one cycle as planned now (it changes when a coalesced read is split). */
  public List<ReadBlock> plan() {
    return plan;
  }

  /** Connects and starts polling; samples go to {@code sink}. Never blocks. */
  public void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    serial.execute(
        () -> {
          if (state != State.NEW) {
            return;
          }
          this.sink = sink;
          connect();
        });
  }

  /** Writes one point; the stage completes with a result, never exceptionally. */
  public CompletionStage<WriteResult> write(WriteCommand command) {
    ModbusPointConfig point =
        command.point().device().equals(settings.device())
            ? points.get(command.point().point())
            : null;
    if (point == null) {
      return CompletableFuture.completedFuture(
          WriteResult.rejected(command, "unknown point " + command.point()));
    }
    if (!point.writable()) {
      return CompletableFuture.completedFuture(
          WriteResult.rejected(
              command,
              "point " + command.point() + " is read-only (mark it writable: true in the config)"));
    }
    Encoded encoded = PointCodec.encode(point, command.value());
    if (encoded instanceof Encoded.Rejected rejected) {
      return CompletableFuture.completedFuture(WriteResult.rejected(command, rejected.reason()));
    }
    CompletableFuture<WriteResult> result = new CompletableFuture<>();
    serial.execute(
        () -> {
          if (state != State.CONNECTED) {
            result.complete(WriteResult.timeout(command, notConnected()));
            return;
          }
          pendingWrites.add(new PendingWrite(command, point, encoded, result));
          pump();
        });
    return result;
  }

  /**
   * Why a write cannot go out now, said once: before the first connection there is no error to
   * quote (it said "device not connected: not connected"), and a link's own "not connected" adds
   * nothing.
   */
  private String notConnected() {
    if (lastError.isEmpty()) {
      return "device not connected yet (connecting to " + link.endpoint() + ")";
    }
    if (lastError.equals("not connected")) {
      return "device not connected (connecting to " + link.endpoint() + " again)";
    }
    return "device not connected: " + lastError;
  }

  public AdapterHealth.DeviceHealth health() {
    return new AdapterHealth.DeviceHealth(
        settings.device(), healthState, lastError, counters.snapshot());
  }

  public CounterSet<DeviceCounter> counters() {
    return counters;
  }

  /** Stops polling, fails waiting writes and closes the link. Idempotent; waits at most 2 s. */
  @Override
  public void close() {
    CountDownLatch done = new CountDownLatch(1);
    serial.execute(
        () -> {
          if (state != State.CLOSED) {
            state = State.CLOSED;
            epoch++;
            cancelPoll.run();
            cancelReconnect.run();
            pendingReads.clear();
            failWrites(WriteResult.Status.TIMEOUT, "adapter closed");
            healthState = AdapterHealth.State.STOPPED;
          }
          done.countDown();
        });
    try {
      if (!done.await(2, TimeUnit.SECONDS)) {
        log.warn("{}: poller did not stop within 2 s", settings.device());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    link.close();
  }

  // ---------------------------------------------------------------- connection

  private void connect() {
    state = State.CONNECTING;
    counters.increment(CONNECT_ATTEMPTS);
    int attemptEpoch = ++epoch;
    CompletionStage<Void> connected;
    try {
      connected = link.connect();
    } catch (RuntimeException e) { // e.g. an executor already shut down
      connected = CompletableFuture.failedFuture(e);
    }
    connected.whenComplete((v, error) -> serial.execute(() -> onConnected(attemptEpoch, error)));
  }

  private void onConnected(int attemptEpoch, Throwable error) {
    if (attemptEpoch != epoch || state != State.CONNECTING) {
      return;
    }
    if (error != null) {
      RequestFailure failure = RequestFailure.classify(error, settings.timeout(), link.endpoint());
      if (!failure.reason().equals(lastError)) {
        log.warn(
            "{}: cannot connect to {}: {}", settings.device(), link.endpoint(), failure.reason());
      }
      meters.errors().increment();
      state = State.DISCONNECTED;
      markAllBad(failure.reason());
      scheduleReconnect();
      return;
    }
    log.info("{}: connected to {}", settings.device(), link.endpoint());
    if (everConnected) {
      counters.increment(RECONNECTS);
    }
    everConnected = true;
    state = State.CONNECTED;
    reconnectAttempt = 0;
    busy = false;
    answered.clear(); // health follows the first answers (or failures) on this connection
    nextPollDue = timer.nanoTime();
    pollTick();
  }

  private void scheduleReconnect() {
    Duration delay = settings.reconnect().delay(reconnectAttempt++);
    cancelReconnect =
        timer.schedule(
            () ->
                serial.execute(
                    () -> {
                      if (state == State.DISCONNECTED) {
                        connect();
                      }
                    }),
            delay.toNanos());
  }

  /** The link broke: every point goes BAD, waiting work is dropped, reconnect after backoff. */
  private void linkDown(String reason) {
    if (state != State.CONNECTED) {
      return;
    }
    log.warn("{}: link to {} down: {}", settings.device(), link.endpoint(), reason);
    counters.increment(DISCONNECTS);
    state = State.DISCONNECTED;
    epoch++;
    busy = false;
    cancelPoll.run();
    pendingReads.clear();
    cycleRunning = false;
    pollRequested = false;
    failWrites(WriteResult.Status.TIMEOUT, "connection lost: " + reason);
    markAllBad(reason);
    int downEpoch = epoch;
    link.disconnect()
        .whenComplete(
            (v, e) ->
                serial.execute(
                    () -> {
                      if (downEpoch == epoch && state == State.DISCONNECTED) {
                        scheduleReconnect();
                      }
                    }));
  }

  private void markAllBad(String reason) {
    lastError = reason;
    healthState = AdapterHealth.State.DOWN;
    boolean integrity = takeIntegrityIfDue();
    Quality bad = Quality.bad(reason);
    Instant at = clock.instant();
    for (ModbusPointConfig p : points.values()) {
      emit(p, null, bad, integrity, at);
    }
    handIn();
  }

  // ---------------------------------------------------------------- polling

  private void pollTick() {
    if (state != State.CONNECTED) {
      return;
    }
    long now = timer.nanoTime();
    if (cycleRunning) {
      counters.increment(OVERRUNS);
      pollRequested = true;
    } else {
      startCycle();
    }
    long interval = settings.pollInterval().toNanos();
    nextPollDue += interval;
    if (nextPollDue - now <= 0) { // fell behind: skip the missed ticks
      nextPollDue = now + interval;
    }
    int tickEpoch = epoch;
    cancelPoll =
        timer.schedule(
            () ->
                serial.execute(
                    () -> {
                      if (tickEpoch == epoch) {
                        pollTick();
                      }
                    }),
            nextPollDue - now);
  }

  private void startCycle() {
    counters.increment(POLLS);
    meters.polls().increment();
    cycleRunning = true;
    cycleStart = timer.nanoTime();
    integrityDue = integrityEver && integrityDueAt(cycleStart);
    pendingReads.addAll(plan);
    pump();
  }

  private void finishCycle() {
    cycleRunning = false;
    try {
      // Every read of the cycle has answered or failed: its samples are all handed in, so the
      // gateway can send them as one telemetry batch now.
      sink.cycleEnd(settings.device());
    } catch (RuntimeException e) {
      log.error("{}: event sink failed at the end of a cycle", settings.device(), e);
    }
    if (integrityDue || !integrityEver) {
      lastIntegrity = cycleStart;
      integrityEver = true;
    }
    integrityDue = false;
    if (pollRequested) {
      pollRequested = false;
      startCycle();
    }
  }

  /**
   * UP when every read answered at its latest attempt, DOWN when none did, DEGRADED in between;
   * unchanged until the first answer or failure on a new connection.
   */
  private void updateHealth() {
    long ok = answered.values().stream().filter(a -> a).count();
    long failed = answered.size() - ok;
    if (failed == 0 && ok > 0) {
      healthState = AdapterHealth.State.UP;
      lastError = "";
    } else if (failed > 0) {
      healthState = ok > 0 ? AdapterHealth.State.DEGRADED : AdapterHealth.State.DOWN;
    }
  }

  /**
   * An integrity report is due when at least the integrity interval minus half a poll interval has
   * passed since the last one. Ticks run a little late, by varying amounts; a cycle that started
   * earlier in its tick than the previous one used to find "not yet" and the report slipped a whole
   * interval (an integrity interval equal to the poll interval reported 78 % of the polls). The
   * half interval tolerates any lateness below it and never reports twice in one interval.
   */
  private boolean integrityDueAt(long now) {
    long integrity = settings.integrityInterval().toNanos();
    return integrity > 0
        && now - lastIntegrity >= integrity - settings.pollInterval().toNanos() / 2;
  }

  /** An integrity report outside a read cycle (while disconnected) when one is due. */
  private boolean takeIntegrityIfDue() {
    long now = timer.nanoTime();
    if (integrityEver && integrityDueAt(now)) {
      lastIntegrity = now;
      return true;
    }
    if (!integrityEver) {
      lastIntegrity = now;
      integrityEver = true;
    }
    return false;
  }

  /**
   * Sends the next waiting request when none is outstanding: a write before the reads waiting in a
   * cycle, but never two writes in a row while a read waits. Writes used to go first always, and a
   * rule writing a coil as fast as it could kept the device from being polled (once in 37 s).
   */
  private void pump() {
    if (busy || state != State.CONNECTED) {
      return;
    }
    if (cycleRunning && pendingReads.isEmpty()) {
      // The cycle's reads are done: it ends now, not when the writes waiting are done too (with
      // writes always waiting, no cycle ended and the device was never polled again).
      finishCycle(); // may start the next cycle, which pumps
      if (busy) {
        return;
      }
    }
    PendingWrite write = lastWasWrite && !pendingReads.isEmpty() ? null : pendingWrites.poll();
    if (write != null) {
      busy = true;
      lastWasWrite = true;
      sendWrite(write);
      return;
    }
    ReadBlock block = pendingReads.poll();
    if (block != null) {
      busy = true;
      lastWasWrite = false;
      sendRead(block, settings.retries());
      return;
    }
    if (cycleRunning) {
      finishCycle();
    }
  }

  private void sendRead(ReadBlock block, int retriesLeft) {
    int requestEpoch = epoch;
    request(Pdus.read(block))
        .whenComplete(
            (response, error) ->
                serial.execute(
                    () -> {
                      if (requestEpoch == epoch) {
                        onRead(block, retriesLeft, response, error);
                      }
                    }));
  }

  private void onRead(
      ReadBlock block, int retriesLeft, ModbusResponsePdu response, Throwable error) {
    RequestFailure failure = null;
    if (error == null) {
      counters.increment(RESPONSES);
      try {
        byte[] data = Pdus.data(block, response);
        answered.put(block, true);
        updateHealth();
        report(block, data);
      } catch (RuntimeException bad) {
        failure = new RequestFailure.Garbled("bad response: " + bad.getMessage());
      }
    } else {
      failure = RequestFailure.classify(error, settings.timeout(), link.endpoint());
    }
    if (failure != null) {
      countFailure(failure);
      if (failure instanceof RequestFailure.LinkDown down) {
        linkDown(down.reason());
        return;
      }
      boolean retryable =
          failure instanceof RequestFailure.Timeout || failure instanceof RequestFailure.Garbled;
      if (retryable && retriesLeft > 0) {
        counters.increment(RETRIES);
        sendRead(block, retriesLeft - 1);
        return;
      }
      if (failure instanceof RequestFailure.DeviceException e
          && e.exceptionCode() == 2
          && block.points().size() > 1) {
        split(block);
      } else {
        answered.put(block, false);
        lastError = block + ": " + failure.reason();
        updateHealth();
        Quality bad = Quality.bad(failure.reason());
        Instant at = clock.instant();
        for (ModbusPointConfig p : block.points()) {
          emit(p, null, bad, integrityDue && cycleRunning, at);
        }
        handIn();
      }
    }
    busy = false;
    pump();
  }

  /**
   * The device refused a coalesced read with "illegal data address": some address inside it is not
   * mapped. From now on read each of its points on its own, starting now.
   */
  private void split(ReadBlock block) {
    counters.increment(SPLIT_READS);
    answered.remove(block);
    List<ReadBlock> singles = ReadPlanner.single(block);
    log.warn(
        "{}: device refused the coalesced read {} (exception 02); reading its {} points one by one",
        settings.device(),
        block,
        singles.size());
    List<ReadBlock> newPlan = new ArrayList<>();
    for (ReadBlock b : plan) {
      if (b.equals(block)) {
        newPlan.addAll(singles);
      } else {
        newPlan.add(b);
      }
    }
    plan = List.copyOf(newPlan);
    pendingReads.removeIf(block::equals); // e.g. queued again by a write's read-back
    for (int i = singles.size() - 1; i >= 0; i--) {
      pendingReads.addFirst(singles.get(i));
    }
  }

  private void report(ReadBlock block, byte[] data) {
    boolean integrity = integrityDue && cycleRunning;
    Instant at = clock.instant(); // the response's arrival: the source time of all its points
    for (ModbusPointConfig p : block.points()) {
      PointValue value =
          block.table().isBits()
              ? PointCodec.decodeBit(RegisterCodec.bit(data, p.address() - block.start()))
              : PointCodec.decodeRegisters(p, data, block.start());
      emit(p, value, Quality.GOOD, integrity, at);
    }
    handIn();
  }

  /** Adds a point's sample to {@link #outgoing} if the report-by-exception filter lets it pass. */
  private void emit(
      ModbusPointConfig p, PointValue value, Quality quality, boolean integrity, Instant at) {
    if (!filter.offer(p.name(), p.deadband(), value, quality, integrity)) {
      return;
    }
    counters.increment(SAMPLES);
    outgoing.add(new PointSample(ids.get(p.name()), value, quality, at));
  }

  /**
   * Hands the samples of one response (or one failure) to the sink at once: one hand-off and one
   * wake-up of the gateway's dispatcher per response instead of one per point.
   */
  private void handIn() {
    if (outgoing.isEmpty()) {
      return;
    }
    try {
      sink.acceptAll(outgoing);
    } catch (RuntimeException e) {
      log.error("{}: event sink failed on {} samples", settings.device(), outgoing.size(), e);
    } finally {
      outgoing.clear();
    }
  }

  // ---------------------------------------------------------------- writes

  private void sendWrite(PendingWrite write) {
    counters.increment(WRITES);
    ModbusPointConfig p = write.point();
    int writeEpoch = epoch;
    Consumer<Throwable> done =
        error -> serial.execute(() -> onWritten(write, error, writeEpoch == epoch));
    CompletionStage<ModbusResponsePdu> sent;
    if (write.encoded() instanceof Encoded.Coil coil) {
      sent = request(Pdus.writeCoil(p.address(), coil.on()));
    } else if (write.encoded() instanceof Encoded.Registers regs) {
      sent = request(Pdus.writeRegisters(p.address(), regs.bytes()));
    } else if (write.encoded() instanceof Encoded.RegisterBit bit) {
      sent = readModifyWrite(p.address(), bit);
    } else { // rejected values never get here: write() answers them at once
      sent = CompletableFuture.failedFuture(new IllegalStateException(write.encoded().toString()));
    }
    sent.whenComplete((r, e) -> done.accept(e));
  }

  /** A bit of a holding register: read the register, change the bit, write it back (FC03+FC06). */
  private CompletionStage<ModbusResponsePdu> readModifyWrite(int address, Encoded.RegisterBit bit) {
    ReadBlock one = new ReadBlock(ModbusTable.HOLDING_REGISTER, address, 1, List.of());
    return request(new ReadHoldingRegistersRequest(address, 1))
        .thenCompose(
            response -> {
              byte[] data = Pdus.data(one, response);
              long word = RegisterCodec.read(data, 0, 1, Endianness.BIG, bit.byteOrder());
              word = bit.on() ? word | 1L << bit.bit() : word & ~(1L << bit.bit());
              byte[] bytes = RegisterCodec.write(word, 1, Endianness.BIG, bit.byteOrder());
              return request(Pdus.writeRegisters(address, bytes));
            });
  }

  /**
   * Answers the write's caller in every case; {@code current} is false when the connection the
   * write went out on is gone (or the poller closed), and then only the answer is left to give.
   */
  private void onWritten(PendingWrite write, Throwable error, boolean current) {
    if (error == null) {
      counters.increment(RESPONSES);
      write.result().complete(WriteResult.ok(write.command()));
      if (current) {
        refreshAfterWrite(write.point());
      }
    } else {
      counters.increment(WRITE_FAILURES);
      RequestFailure failure = RequestFailure.classify(error, settings.timeout(), link.endpoint());
      countFailure(failure);
      WriteCommand command = write.command();
      boolean noAnswer =
          failure instanceof RequestFailure.Timeout || failure instanceof RequestFailure.LinkDown;
      write
          .result()
          .complete(
              noAnswer
                  ? WriteResult.timeout(command, failure.reason())
                  : WriteResult.failed(command, failure.reason()));
      if (!current) {
        return;
      }
      if (failure instanceof RequestFailure.LinkDown down) {
        linkDown(down.reason());
        return;
      }
    }
    if (current) {
      busy = false;
      pump();
    }
  }

  /** Reads back the block holding a written point so its new value is reported promptly. */
  private void refreshAfterWrite(ModbusPointConfig point) {
    if (!pendingWrites.isEmpty()) {
      // More writes wait: read back after the last of them. A read-back put first after every
      // write of a flood kept the cycle's other reads waiting for ever.
      return;
    }
    for (ReadBlock b : plan) {
      if (b.points().contains(point) && !pendingReads.contains(b)) {
        pendingReads.addFirst(b);
        return;
      }
    }
  }

  private void failWrites(WriteResult.Status status, String detail) {
    PendingWrite w;
    while ((w = pendingWrites.poll()) != null) {
      w.result().complete(new WriteResult(w.command(), status, detail));
    }
  }

  // ---------------------------------------------------------------- requests

  private CompletionStage<ModbusResponsePdu> request(ModbusRequestPdu pdu) {
    counters.increment(REQUESTS);
    long sent = timer.nanoTime();
    CompletionStage<ModbusResponsePdu> answer;
    try {
      answer = link.send(settings.unitId(), pdu);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // The round trip of answered requests only: a timeout's "latency" is the timeout setting.
    answer.whenComplete(
        (response, error) -> {
          if (error == null) {
            meters.latency().record(timer.nanoTime() - sent);
          }
        });
    return answer;
  }

  private void countFailure(RequestFailure failure) {
    meters.errors().increment();
    if (failure instanceof RequestFailure.Timeout) {
      counters.increment(TIMEOUTS);
    } else if (failure instanceof RequestFailure.DeviceException) {
      counters.increment(EXCEPTIONS);
    } else if (failure instanceof RequestFailure.Garbled) {
      counters.increment(GARBLED);
    }
  }
}
