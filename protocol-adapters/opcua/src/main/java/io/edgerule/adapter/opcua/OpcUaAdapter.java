package io.edgerule.adapter.opcua;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.DeviceMeters;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.opcua.internal.ApplicationCertificate;
import io.edgerule.adapter.opcua.internal.Connection;
import io.edgerule.adapter.opcua.internal.MiloResources;
import io.edgerule.adapter.opcua.internal.OpcUaCounter;
import io.edgerule.adapter.opcua.internal.PointBinding;
import io.edgerule.adapter.opcua.internal.SampleOrder;
import io.edgerule.adapter.opcua.internal.ServerCertificateValidator;
import io.edgerule.adapter.opcua.internal.StatusQuality;
import io.edgerule.adapter.opcua.internal.Variants;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OPC-UA server: a session with a subscription that turns data changes into samples, typed
 * writes back, and a supervisor that reconnects with the configured backoff.
 *
 * <p>Quality: each value carries the server's status (Good, Uncertain_*, Bad_*) and its source
 * timestamp. While the session is down every point is BAD with the reason; a point becomes GOOD
 * again only with a value from the new session. Per monitored item, a notification not newer
 * (source time, then server time) than the last one delivered is dropped and counted ({@code
 * stale_dropped}): servers, and Milo's own Republish after a sequence gap, deliver some again (see
 * {@link SampleOrder}). A sample equal to the last one delivered for the point is dropped too, so a
 * value never shows up twice.
 *
 * <p>Created by {@link OpcUaAdapterFactory}.
 */
public final class OpcUaAdapter implements ProtocolAdapter {
  private static final Logger log = LoggerFactory.getLogger(OpcUaAdapter.class);

  private enum Phase {
    CREATED,
    CONNECTING,
    UP,
    DOWN,
    STOPPED
  }

  private final OpcUaDeviceConfig config;
  private final AdapterContext context;
  private final OpcUaPki pki;
  private final MiloResources resources;
  private final Map<PointId, PointBinding> bindings = new LinkedHashMap<>();
  private final List<PointInfo> points = new ArrayList<>();
  private final Map<PointId, PointSample> lastDelivered = new ConcurrentHashMap<>();
  private final CounterSet<OpcUaCounter> counters;
  private final DeviceMeters meters;
  private final Object lock = new Object();
  private final Events events = new Events();
  // guarded by lock; one order per session, as its monitored items are new
  private final SampleOrder<PointId> order = new SampleOrder<>();

  // guarded by lock
  private EventSink sink;
  private Phase phase = Phase.CREATED;
  private Connection current;
  private Future<?> retry;
  private boolean retryScheduled;
  private long attemptSeq;
  private int attempt;
  private String lastError = "";
  private String lastLogged = "";

  OpcUaAdapter(
      OpcUaDeviceConfig config, AdapterContext context, OpcUaPki pki, MiloResources resources) {
    this.config = config;
    this.context = context;
    this.pki = pki;
    this.resources = resources.retain();
    for (OpcUaPointConfig p : config.points()) {
      PointBinding b = PointBinding.of(config.name(), p);
      bindings.put(b.id(), b);
      points.add(
          new PointInfo(b.id(), p.type(), p.writable(), "opcua " + p.nodeId() + " " + p.type()));
    }
    Labels device = Labels.of("device", config.name());
    this.counters =
        CounterSet.bind(
            context.metrics(), "edgerule_opcua", OpcUaCounter.class, device, OpcUaCounter::help);
    this.meters = DeviceMeters.bind(context.metrics(), "opcua", config.name());
  }

  @Override
  public String name() {
    return "opcua:" + config.name();
  }

  @Override
  public List<PointInfo> points() {
    return List.copyOf(points);
  }

  @Override
  public CompletionStage<Void> start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    synchronized (lock) {
      if (phase != Phase.CREATED) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(name() + " was already started"));
      }
      this.sink = sink;
      phase = Phase.CONNECTING;
      retry = context.blockingIo().submit(this::connect);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** One connection attempt; on failure, everything goes BAD and the next one is scheduled. */
  private void connect() {
    long me;
    synchronized (lock) {
      if (phase == Phase.STOPPED) {
        return;
      }
      me = ++attemptSeq;
    }
    count(OpcUaCounter.CONNECT_ATTEMPTS);
    Connection connection = null;
    try {
      ApplicationCertificate own = pki.applicationCertificate();
      ServerCertificateValidator validator = pki.serverCertificateValidator();
      connection = Connection.open(config, own, validator, resources, events);
      synchronized (lock) {
        if (phase == Phase.STOPPED) {
          connection.close();
          return;
        }
        current = connection;
        order.clear();
      }
      connection.subscribe(List.copyOf(bindings.values()));
      synchronized (lock) {
        if (current == connection && !connection.isLost()) {
          phase = Phase.UP;
          attempt = 0;
          lastError = "";
          count(OpcUaCounter.CONNECTS);
          log.info(
              "{}: connected to {}{}",
              name(),
              config.endpoint(),
              lastLogged.isEmpty() ? "" : " (after: " + lastLogged + ")");
          lastLogged = "";
        }
      }
    } catch (Connection.ConnectException e) {
      failed(me, connection, e.getMessage(), null);
    } catch (IOException e) {
      // The gateway's own certificate or key cannot be read or created: the message says which.
      failed(me, connection, e.getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed(me, connection, "interrupted", null);
    } catch (Exception e) {
      failed(me, connection, "unexpected failure while connecting: " + e, e);
    }
  }

  /**
   * @param cause logged with its stack trace (the first time) when the failure is a bug rather than
   *     a condition the message explains
   */
  private void failed(long attemptId, Connection connection, String reason, Throwable cause) {
    meters.errors().increment();
    if (connection != null) {
      connection.close();
    }
    synchronized (lock) {
      // A session lost while it was being set up was already handled by onLost, and a newer
      // attempt may be running: this one's failure is old news then.
      if (phase == Phase.STOPPED || attemptId != attemptSeq || retryScheduled) {
        return;
      }
      if (current == connection) {
        current = null;
      }
      lastError = reason;
      phase = Phase.DOWN;
      markAllBad(reason);
      scheduleRetry();
      logProblem(reason, cause);
    }
  }

  /**
   * Called with the lock held: a failure that repeats at every retry is logged once at WARN (again
   * only when the reason changes), the repeats at DEBUG; recovery is logged at INFO by connect.
   */
  private void logProblem(String reason, Throwable cause) {
    if (reason.equals(lastLogged)) {
      log.debug("{}: {} (attempt {})", name(), reason, attempt);
    } else {
      if (cause == null) {
        log.warn("{}: {}", name(), reason);
      } else {
        log.warn("{}: {}", name(), reason, cause);
      }
      lastLogged = reason;
    }
  }

  /** Called with the lock held; at most one retry is pending at a time. */
  private void scheduleRetry() {
    if (retryScheduled) {
      return;
    }
    retryScheduled = true;
    long delay = config.reconnect().delay(attempt++).toMillis();
    retry =
        context
            .scheduler()
            .schedule(
                () -> {
                  synchronized (lock) {
                    retryScheduled = false;
                    if (phase == Phase.STOPPED) {
                      return;
                    }
                    retry = context.blockingIo().submit(this::connect);
                  }
                },
                delay,
                TimeUnit.MILLISECONDS);
  }

  /** Called with the lock held. */
  private void markAllBad(String reason) {
    Instant now = context.clock().instant();
    for (PointBinding b : bindings.values()) {
      emit(new PointSample(b.id(), null, Quality.bad(reason), now));
    }
  }

  /** Called with the lock held: drops a sample identical to the last one of its point. */
  private void emit(PointSample sample) {
    PointSample last = lastDelivered.get(sample.point());
    if (last != null
        && last.quality().equals(sample.quality())
        && Objects.equals(last.value(), sample.value())
        && (last.sourceTime().equals(sample.sourceTime())
            || (sample.value() == null && !sample.quality().isGood()))) {
      // BAD for the same reason again (another failed attempt) is not news either.
      count(OpcUaCounter.DUPLICATES_DROPPED);
      return;
    }
    lastDelivered.put(sample.point(), sample);
    sink.accept(sample);
  }

  private final class Events implements Connection.Events {
    @Override
    public void onData(Connection connection, PointBinding point, DataValue value) {
      PointSample sample = toSample(point, value);
      synchronized (lock) {
        if (connection != current || connection.isLost() || phase == Phase.STOPPED) {
          return;
        }
        count(OpcUaCounter.NOTIFICATIONS);
        if (!order.admit(point.id(), SampleOrder.Stamp.of(value))) {
          count(OpcUaCounter.STALE_DROPPED);
          return;
        }
        if (!sample.quality().isGood()) {
          count(OpcUaCounter.BAD_VALUES);
        }
        emit(sample);
      }
    }

    @Override
    public void onItemProblem(Connection connection, PointBinding point, String reason) {
      synchronized (lock) {
        if (connection != current || phase == Phase.STOPPED) {
          return;
        }
        log.warn("{}: point {}: {}", name(), point.id(), reason);
        emit(new PointSample(point.id(), null, Quality.bad(reason), context.clock().instant()));
      }
    }

    @Override
    public void onLost(Connection connection, String reason) {
      synchronized (lock) {
        if (connection != current || phase == Phase.STOPPED) {
          return;
        }
        current = null;
        count(OpcUaCounter.CONNECTION_LOSSES);
        lastError = reason;
        phase = Phase.DOWN;
        markAllBad(reason);
        scheduleRetry();
        logProblem(reason, null);
      }
      // Closing blocks for up to 2 s; never on Milo's callback thread.
      context.blockingIo().execute(connection::close);
    }
  }

  private PointSample toSample(PointBinding point, DataValue value) {
    Instant source =
        value.sourceTime() != null && value.sourceTime().isValid() && !value.sourceTime().isNull()
            ? value.sourceTime().getJavaInstant()
            : value.serverTime() != null && !value.serverTime().isNull()
                ? value.serverTime().getJavaInstant()
                : context.clock().instant();
    Quality quality = StatusQuality.of(value.statusCode());
    PointValue v;
    String problem;
    try {
      v =
          Variants.coerce(
              Variants.toPointValue(value.value()),
              point.config().type(),
              Variants.typeName(value.value()));
      problem = null;
    } catch (Variants.ConversionException e) {
      v = null;
      problem = e.getMessage();
    }
    if (v == null && quality.isGood()) {
      return new PointSample(point.id(), null, Quality.bad(problem), source);
    }
    // Not GOOD: the server's status explains the missing value.
    return new PointSample(point.id(), v, quality, source);
  }

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    PointBinding point = bindings.get(command.point());
    if (point == null) {
      count(OpcUaCounter.WRITES_REJECTED);
      return CompletableFuture.completedFuture(
          WriteResult.rejected(
              command, "unknown point " + command.point() + " (not configured on " + name() + ")"));
    }
    if (!point.config().writable()) {
      count(OpcUaCounter.WRITES_REJECTED);
      return CompletableFuture.completedFuture(
          WriteResult.rejected(
              command,
              "point " + command.point() + " is read-only; set writable: true in its config"));
    }
    Connection connection;
    String why;
    synchronized (lock) {
      connection = current;
      why = lastError;
    }
    if (connection == null || connection.isLost()) {
      count(OpcUaCounter.WRITES_TIMEOUT);
      return CompletableFuture.completedFuture(
          WriteResult.timeout(
              command,
              "not connected to " + config.endpoint() + (why.isEmpty() ? "" : ": " + why)));
    }
    long sent = System.nanoTime();
    return connection
        .write(point, command, context.blockingIo())
        .thenApply(
            r -> {
              if (r.status() == WriteResult.Status.OK) {
                meters.latency().record(System.nanoTime() - sent);
              }
              count(
                  switch (r.status()) {
                    case OK -> OpcUaCounter.WRITES_OK;
                    case REJECTED -> OpcUaCounter.WRITES_REJECTED;
                    case FAILED -> OpcUaCounter.WRITES_FAILED;
                    case TIMEOUT -> OpcUaCounter.WRITES_TIMEOUT;
                  });
              return r;
            });
  }

  @Override
  public AdapterHealth health() {
    AdapterHealth.State state;
    String error;
    synchronized (lock) {
      state =
          switch (phase) {
            case CREATED, CONNECTING -> AdapterHealth.State.STARTING;
            case UP -> AdapterHealth.State.UP;
            case DOWN -> AdapterHealth.State.DOWN;
            case STOPPED -> AdapterHealth.State.STOPPED;
          };
      error = lastError;
    }
    Map<String, Long> snapshot = counters.snapshot();
    return new AdapterHealth(
        name(),
        state,
        List.of(new AdapterHealth.DeviceHealth(config.name(), state, error, snapshot)));
  }

  /**
   * Why the last connection attempt failed or the session was lost ("" while connected). The same
   * text is the reason of the BAD samples and of the health's last error.
   */
  public String lastError() {
    synchronized (lock) {
      return lastError;
    }
  }

  @Override
  public void close() {
    Connection connection;
    synchronized (lock) {
      if (phase == Phase.STOPPED) {
        return;
      }
      phase = Phase.STOPPED;
      connection = current;
      current = null;
      if (retry != null) {
        retry.cancel(false);
      }
    }
    if (connection != null) {
      connection.close();
    }
    resources.release();
    log.info("{}: closed", name());
  }

  private void count(OpcUaCounter counter) {
    counters.increment(counter);
    if (counter.isError()) {
      meters.errors().increment();
    }
    if (counter == OpcUaCounter.NOTIFICATIONS) {
      meters.polls().increment(); // a subscription's publish is OPC-UA's unit of asking
    }
  }
}
