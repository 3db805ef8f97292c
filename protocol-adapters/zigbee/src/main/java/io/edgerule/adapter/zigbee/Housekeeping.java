package io.edgerule.adapter.zigbee;

import com.zsmartsystems.zigbee.CommandResult;
import com.zsmartsystems.zigbee.ZigBeeBroadcastDestination;
import com.zsmartsystems.zigbee.ZigBeeEndpointAddress;
import com.zsmartsystems.zigbee.zdo.ZdoStatus;
import com.zsmartsystems.zigbee.zdo.command.NetworkAddressRequest;
import com.zsmartsystems.zigbee.zdo.command.NetworkAddressResponse;
import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.zigbee.internal.DeviceSession;
import io.edgerule.adapter.zigbee.internal.ZigbeeStack;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every second while the network is up: releases the library's stuck transactions, starts the
 * device set-ups and reads that are due, and probes devices that went silent (found gone when no
 * one answers for them).
 */
final class Housekeeping {
  // the adapter's logger: operators and log configs know the adapter by that one name
  private static final Logger log = LoggerFactory.getLogger(ZigbeeCoordinatorAdapter.class);
  private static final Duration PERIOD = Duration.ofSeconds(1);

  private final ZigbeeCoordinatorConfig config;
  private final AdapterContext context;
  private final LinkState link;
  private final DeviceSync devices;
  private final AtomicLong transactionsReleased = new AtomicLong();

  Housekeeping(
      ZigbeeCoordinatorConfig config, AdapterContext context, LinkState link, DeviceSync devices) {
    this.config = config;
    this.context = context;
    this.link = link;
    this.devices = devices;
  }

  /** Runs every second from now on; the caller cancels the future when the stack goes. */
  ScheduledFuture<?> schedule() {
    return context
        .scheduler()
        .scheduleWithFixedDelay(
            this::run, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How many stuck transactions were released so far (a health counter). */
  long transactionsReleased() {
    return transactionsReleased.get();
  }

  /** Every second: stuck transactions, devices to (re)configure, silent devices to probe. */
  private void run() {
    ZigbeeStack s = link.stack;
    if (s == null || link.closed) {
      return;
    }
    link.runBlocking(
        () -> {
          int released = s.sweepTransactions();
          transactionsReleased.addAndGet(released);
        });
    if (!link.online || !s.isLineUp()) {
      return;
    }
    for (DeviceSession session : devices.sessions()) {
      if (session.node() == null || session.goneReason() != null) {
        continue;
      }
      // silence first: a device whose reporting setup keeps failing (one that can only be
      // polled) must still be found gone when it leaves
      if (session.silence().compareTo(config.offlineAfter()) > 0) {
        if (devices.claim(session.ieee())) {
          link.runBlocking(
              () -> {
                try {
                  probe(s, session);
                } finally {
                  devices.release(session.ieee());
                }
              });
        }
        continue;
      }
      if (devices.isDue(session.ieee())) {
        devices.trySync(session);
      }
    }
  }

  /** Asks the network where a silent device is (NWK_addr_req broadcast); no answer: it left. */
  private void probe(ZigbeeStack s, DeviceSession session) {
    Duration silence = session.silence();
    NetworkAddressRequest request = new NetworkAddressRequest(session.ieee(), 0, 0);
    request.setDestinationAddress(
        new ZigBeeEndpointAddress(ZigBeeBroadcastDestination.BROADCAST_ALL_DEVICES.getKey()));
    Future<CommandResult> future = s.manager().sendTransaction(request, request);
    boolean answered = false;
    if (future != null) {
      try {
        CommandResult r = future.get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        answered =
            r != null
                && r.getResponse() instanceof NetworkAddressResponse n
                && n.getStatus() == ZdoStatus.SUCCESS;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        answered = false;
      }
    }
    if (answered) {
      log.info(
          "zigbee {}: {} answered after {} s of silence; configuring its reports again",
          config.name(),
          session.name(),
          silence.toSeconds());
      session.heard();
      session.detach();
      if (session.node() != null) {
        session.attach(session.node());
      }
      devices.syncLater(session);
    } else {
      String reason =
          "device left the network: silent for "
              + silence.toSeconds()
              + " s and no answer to NWK_addr_req";
      log.warn("zigbee {}: {}: {}", config.name(), session.name(), reason);
      session.gone(reason);
    }
  }
}
