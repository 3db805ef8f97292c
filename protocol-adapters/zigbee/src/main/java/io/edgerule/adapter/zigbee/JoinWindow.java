package io.edgerule.adapter.zigbee;

import com.zsmartsystems.zigbee.ZigBeeStatus;
import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.zigbee.internal.PointTable;
import io.edgerule.adapter.zigbee.internal.ZigbeeStack;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network's join window ({@code <name>/permit_join}): opens and closes it, renews it before the
 * coordinator closes it by itself when it is asked for longer than Zigbee allows at once, and
 * publishes the seconds asked for (0 when closed).
 */
final class JoinWindow {
  // the adapter's logger: operators and log configs know the adapter by that one name
  private static final Logger log = LoggerFactory.getLogger(ZigbeeCoordinatorAdapter.class);
  private static final int MAX_JOIN_SECONDS = 254; // Zigbee 3.0: 255 ("for ever") is not allowed

  private final ZigbeeCoordinatorConfig config;
  private final AdapterContext context;
  private final PointTable table;
  private final PointId point;
  private final LinkState link;
  private final Object joinLock = new Object();
  private ScheduledFuture<?> joinRenew; // guarded by joinLock
  private ScheduledFuture<?> joinClose; // guarded by joinLock
  private volatile long joinUntilNanos;

  JoinWindow(
      ZigbeeCoordinatorConfig config,
      AdapterContext context,
      PointTable table,
      PointId point,
      LinkState link) {
    this.config = config;
    this.context = context;
    this.table = table;
    this.point = point;
    this.link = link;
  }

  /** Blocking: permits joining for {@code seconds} (0 closes); false if the coordinator refused. */
  boolean open(long seconds, String origin) {
    ZigbeeStack s = link.stack;
    if (s == null) {
      return false;
    }
    synchronized (joinLock) {
      cancel(joinRenew);
      cancel(joinClose);
      ZigBeeStatus status = s.manager().permitJoin((int) Math.min(seconds, MAX_JOIN_SECONDS));
      if (status != ZigBeeStatus.SUCCESS) {
        log.warn("zigbee {}: permit join {} s refused: {}", config.name(), seconds, status);
        return false;
      }
      log.info(
          "zigbee {}: {} (asked by {})",
          config.name(),
          seconds == 0 ? "joining closed" : "joining permitted for " + seconds + " s",
          origin);
      table.good(point, PointValue.of(seconds), context.clock().instant());
      if (seconds == 0) {
        return true;
      }
      joinUntilNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      if (seconds > MAX_JOIN_SECONDS) {
        long period = MAX_JOIN_SECONDS - 14;
        joinRenew =
            context
                .scheduler()
                .scheduleAtFixedRate(
                    () -> link.runBlocking(this::renew), period, period, TimeUnit.SECONDS);
      }
      joinClose =
          context
              .scheduler()
              .schedule(
                  () -> {
                    synchronized (joinLock) {
                      cancel(joinRenew);
                    }
                    log.info("zigbee {}: join window closed", config.name());
                    table.good(point, PointValue.of(0L), context.clock().instant());
                  },
                  seconds,
                  TimeUnit.SECONDS);
      return true;
    }
  }

  private void renew() {
    ZigbeeStack s = link.stack;
    long remaining = TimeUnit.NANOSECONDS.toSeconds(joinUntilNanos - System.nanoTime());
    if (s != null && remaining > 0) {
      s.manager().permitJoin((int) Math.min(remaining, MAX_JOIN_SECONDS));
    }
  }

  /** Stops the renew and close timers (the adapter closes). */
  void cancelTimers() {
    synchronized (joinLock) {
      cancel(joinRenew);
      cancel(joinClose);
    }
  }

  static void cancel(Future<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
