package io.edgerule.daemon;

import io.edgerule.daemon.adapters.AdapterSet;
import io.edgerule.daemon.http.StatusServer;
import io.edgerule.daemon.mqtt.OutboxUplink;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.ota.GatewayOta;
import io.edgerule.daemon.pipeline.ActionDispatcher;
import io.edgerule.daemon.pipeline.Ingress;
import io.edgerule.daemon.rules.RuleSupervisor;
import io.edgerule.mqtt.outbox.OutboundMessage;
import io.edgerule.sandbox.RuleEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The order in which a running gateway stops ({@link Gateway#close}). The order is what keeps a
 * clean shutdown from losing work: the ingress stops taking samples first, so nothing new arrives;
 * the events already queued still reach their rules, and in-flight batches and their device writes
 * finish (within one grace period), because a rule's write needs its device open; then the devices
 * close; the rule outbox hands the uplink what its window takes, and the uplink closes with a
 * retained "offline" state (what still waits is dropped with it); the threads stop last, as every
 * part above may still run work on them.
 */
final class GatewayShutdown {
  /** How long queued and in-flight work may take before the devices and the uplink close anyway. */
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Ingress ingress;
  private final RuleSupervisor rules;
  private final Thread dispatchThread;
  private final ActionDispatcher dispatcher;
  private final AdapterSet adapters;
  private final Uplink uplink;
  private final FleetNamespace namespace;
  private final StateReporter state;
  private final GatewayOta ota;
  private final RuleEngine engine;
  private final GatewayThreads threads;

  GatewayShutdown(
      Ingress ingress,
      RuleSupervisor rules,
      Thread dispatchThread,
      ActionDispatcher dispatcher,
      AdapterSet adapters,
      Uplink uplink,
      FleetNamespace namespace,
      StateReporter state,
      GatewayOta ota,
      RuleEngine engine,
      GatewayThreads threads) {
    this.ingress = ingress;
    this.rules = rules;
    this.dispatchThread = dispatchThread;
    this.dispatcher = dispatcher;
    this.adapters = adapters;
    this.uplink = uplink;
    this.namespace = namespace;
    this.state = state;
    this.ota = ota;
    this.engine = engine;
    this.threads = threads;
  }

  /**
   * Stops what runs of a gateway whose build failed: its adapters and its uplink start early in the
   * build, before the rules are compiled, and must not outlive the gateway that was not made.
   */
  static void abandonBuild(
      Ingress ingress, AdapterSet adapters, Uplink uplink, GatewayThreads threads) {
    ingress.close();
    adapters.close();
    uplink.close();
    threads.close();
  }

  /**
   * Stops everything, in order.
   *
   * @param statusServer the status page, health and metrics server, or null if none runs: it goes
   *     first, as it reads the parts that stop after it
   */
  void run(StatusServer statusServer) {
    if (statusServer != null) {
      statusServer.close();
    }
    long deadline = System.nanoTime() + GRACE_NANOS;
    ingress.close();
    rules.stopTicks();
    try {
      dispatchThread.join(TimeUnit.NANOSECONDS.toMillis(GRACE_NANOS));
      rules.awaitIdle(deadline);
      dispatcher.awaitWrites(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    adapters.close();
    dispatcher.outbox().drain(); // what the window takes now; the rest is dropped with the uplink
    if (uplink instanceof OutboxUplink outboxUplink) {
      List<OutboundMessage> last = new ArrayList<>();
      namespace.death(state.snapshot("offline").withStatus("offline", "shutdown"), last::add);
      outboxUplink.closeWith(last);
    } else {
      uplink.close();
    }
    ota.close();
    engine.close();
    threads.close();
  }
}
