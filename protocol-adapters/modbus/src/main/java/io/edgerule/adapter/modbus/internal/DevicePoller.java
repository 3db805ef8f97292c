package io.edgerule.adapter.modbus.internal;

import static io.edgerule.adapter.modbus.internal.DeviceCounter.OVERRUNS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.POLLS;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.RESPONSES;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.RETRIES;
import static io.edgerule.adapter.modbus.internal.DeviceCounter.SPLIT_READS;

import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.DeviceMeters;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.metrics.Metrics;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one Modbus device through a {@link ModbusLink}: connects (and reconnects with backoff),
 * runs a read cycle every poll interval, reports values by exception plus a periodic integrity
 * report, and carries writes. Transport-independent: the TCP adapter gives it a TCP link, an RTU
 * bus gives each unit a view of the shared bus.
 *
 * <p>This class keeps the read cycles and the order of requests; its helpers do the rest: {@link
 * DeviceConnection} keeps the link up, {@link ReadCycle} holds the plan, the waiting reads and
 * whether a cycle is an integrity report ({@link IntegrityClock}), {@link PollTicks} starts the
 * cycles, {@link PointReporter} turns responses into samples, {@link DeviceWrites} checks, encodes
 * and sends writes, {@link DeviceRequests} sends and counts requests, {@link ReadHealth} derives
 * the health from the reads.
 *
 * <p>Threading: all state lives in tasks of one {@link SerialExecutor}, so nothing here needs a
 * lock and nothing blocks: the timer only posts tasks, link completions post tasks. One request per
 * device is outstanding at a time; a write goes before the reads still waiting in a cycle, but
 * writes and waiting reads alternate, so writes never starve the polling.
 */
public final class DevicePoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DevicePoller.class);

  private final PollerSettings settings;
  private final ModbusLink link;
  private final PollTimer timer;
  private final SerialExecutor serial;
  private final CounterSet<DeviceCounter> counters;
  private final DeviceMeters meters;
  private final DeviceRequests requests;
  private final PointReporter reporter;
  private final DeviceWrites writes;
  private final ReadHealth health = new ReadHealth();
  private final DeviceConnection connection;
  private final ReadCycle reads;
  private final PollTicks ticks;

  // ---- state below is touched only by tasks of `serial` ----
  private boolean busy;
  private boolean lastWasWrite;

  public DevicePoller(
      PollerSettings settings,
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
      PollerSettings settings,
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
    this.serial = new SerialExecutor(executor);
    this.requests =
        new DeviceRequests(link, settings.unitId(), settings.timeout(), timer, counters, meters);
    this.reporter = new PointReporter(settings.device(), pointConfigs, clock, counters);
    this.writes = new DeviceWrites(settings.device(), requests, counters);
    this.ticks = new PollTicks(timer, settings.pollInterval());
    this.reads =
        new ReadCycle(
            ReadPlanner.plan(pointConfigs, settings.limits()),
            new IntegrityClock(settings.integrityInterval(), settings.pollInterval()));
    this.connection =
        new DeviceConnection(
            settings.device(),
            link,
            settings.reconnect(),
            timer,
            serial,
            requests,
            health,
            counters,
            meters);
    link.onLinkDown(reason -> serial.execute(() -> connection.lost(reason)));
  }

  /** The reads of one cycle as planned now (it changes when a coalesced read is split). */
  public List<ReadBlock> plan() {
    return reads.plan();
  }

  /** Connects and starts polling; samples go to {@code sink}. Never blocks. */
  public void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    serial.execute(
        () -> {
          if (connection.isNew()) {
            reporter.sendTo(sink);
            connection.open(whenConnected);
          }
        });
  }

  /** Writes one point; the stage completes with a result, never exceptionally. */
  public CompletionStage<WriteResult> write(WriteCommand command) {
    CompletableFuture<WriteResult> result = new CompletableFuture<>();
    DeviceWrites.Pending write = writes.prepare(command, reporter::point, result);
    if (write == null) {
      return result; // answered: it cannot be written
    }
    serial.execute(
        () -> {
          if (!connection.isUp()) {
            result.complete(WriteResult.timeout(command, health.notConnected(link.endpoint())));
            return;
          }
          writes.add(write);
          pump();
        });
    return result;
  }

  public AdapterHealth.DeviceHealth health() {
    return new AdapterHealth.DeviceHealth(
        settings.device(), health.state(), health.lastError(), counters.snapshot());
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
          if (connection.close()) {
            ticks.cancel();
            reads.abandon();
            writes.failAll(WriteResult.Status.TIMEOUT, "adapter closed");
            health.stopped();
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

  private final DeviceConnection.Listener whenConnected =
      new DeviceConnection.Listener() {
        @Override
        public void up() {
          busy = false;
          health.connected();
          ticks.restart();
          pollTick();
        }

        @Override
        public void failed(String reason) {
          markAllBad(reason);
        }

        /** Every point goes BAD, waiting work is dropped. */
        @Override
        public void lost(String reason) {
          busy = false;
          ticks.cancel();
          reads.abandon();
          writes.failAll(WriteResult.Status.TIMEOUT, "connection lost: " + reason);
          markAllBad(reason);
        }
      };

  private void markAllBad(String reason) {
    health.down(reason);
    reporter.allBad(reason, reads.integrityOutsideCycle(timer.nanoTime()));
  }

  // ---------------------------------------------------------------- polling

  private void pollTick() {
    if (!connection.isUp()) {
      return;
    }
    long now = timer.nanoTime();
    if (reads.running()) {
      counters.increment(OVERRUNS);
      reads.askAgain();
    } else {
      startCycle();
    }
    int tickEpoch = connection.epoch();
    ticks.scheduleNext(
        now,
        () ->
            serial.execute(
                () -> {
                  if (tickEpoch == connection.epoch()) {
                    pollTick();
                  }
                }));
  }

  private void startCycle() {
    counters.increment(POLLS);
    meters.polls().increment();
    reads.begin(timer.nanoTime());
    pump();
  }

  private void finishCycle() {
    boolean again = reads.end();
    reporter.cycleEnd();
    if (again) {
      startCycle();
    }
  }

  /**
   * Sends the next waiting request when none is outstanding: a write before the reads waiting in a
   * cycle, but never two writes in a row while a read waits. Writes used to go first always, and a
   * rule writing a coil as fast as it could kept the device from being polled (once in 37 s).
   */
  private void pump() {
    if (busy || !connection.isUp()) {
      return;
    }
    if (reads.running() && reads.isEmpty()) {
      // The cycle's reads are done: it ends now, not when the writes waiting are done too (with
      // writes always waiting, no cycle ended and the device was never polled again).
      finishCycle(); // may start the next cycle, which pumps
      if (busy) {
        return;
      }
    }
    DeviceWrites.Pending write = lastWasWrite && !reads.isEmpty() ? null : writes.next();
    if (write != null) {
      busy = true;
      lastWasWrite = true;
      sendWrite(write);
      return;
    }
    ReadBlock block = reads.next();
    if (block != null) {
      busy = true;
      lastWasWrite = false;
      sendRead(block, settings.retries());
      return;
    }
    if (reads.running()) {
      finishCycle();
    }
  }

  // ---------------------------------------------------------------- reads

  private void sendRead(ReadBlock block, int retriesLeft) {
    int requestEpoch = connection.epoch();
    requests
        .send(Pdus.read(block))
        .whenComplete(
            (response, error) ->
                serial.execute(
                    () -> {
                      if (requestEpoch == connection.epoch()) {
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
        health.answered(block);
        reporter.answered(block, data, reads.integrity());
      } catch (RuntimeException bad) {
        failure = new RequestFailure.Garbled("bad response: " + bad.getMessage());
      }
    } else {
      failure = requests.classify(error);
    }
    if (failure != null) {
      requests.count(failure);
      if (failure instanceof RequestFailure.LinkDown down) {
        connection.lost(down.reason());
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
        health.failed(block, block + ": " + failure.reason());
        reporter.bad(block, failure.reason(), reads.integrity());
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
    health.forget(block);
    List<ReadBlock> singles = reads.split(block);
    log.warn(
        "{}: device refused the coalesced read {} (exception 02); reading its {} points one by one",
        settings.device(),
        block,
        singles.size());
  }

  // ---------------------------------------------------------------- writes

  private void sendWrite(DeviceWrites.Pending write) {
    int writeEpoch = connection.epoch();
    writes
        .send(write)
        .whenComplete(
            (r, e) -> serial.execute(() -> onWritten(write, e, writeEpoch == connection.epoch())));
  }

  /**
   * Answers the write's caller in every case; {@code current} is false when the connection the
   * write went out on is gone (or the poller closed), and then only the answer is left to give.
   */
  private void onWritten(DeviceWrites.Pending write, Throwable error, boolean current) {
    RequestFailure failure = writes.answer(write, error);
    if (!current) {
      return;
    }
    if (failure instanceof RequestFailure.LinkDown down) {
      connection.lost(down.reason());
      return;
    }
    if (failure == null && writes.isEmpty()) {
      // Reads back the written point's block so its new value is reported promptly; when more
      // writes wait, after the last of them (a read-back put first after every write of a flood
      // kept the cycle's other reads waiting for ever).
      reads.readBack(write.point());
    }
    busy = false;
    pump();
  }
}
