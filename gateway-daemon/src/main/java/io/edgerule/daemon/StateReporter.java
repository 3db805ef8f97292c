package io.edgerule.daemon;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.daemon.config.HttpSection;
import io.edgerule.daemon.http.StatusServer;
import io.edgerule.daemon.http.StatusView;
import io.edgerule.daemon.metrics.PrometheusMetrics;
import io.edgerule.daemon.metrics.RuleMeters;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.pipeline.ActionDispatcher;
import io.edgerule.daemon.pipeline.Ingress;
import io.edgerule.daemon.rules.RuleSupervisor;
import io.edgerule.daemon.state.LatestSamples;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's typed state snapshot ({@link GatewayState}), made from its parts, and where it
 * goes: the namespace's state message on every health interval, the {@code status} command, and the
 * HTTP endpoints ({@link StatusServer} showing a {@link StatusView}, which adds points, timings and
 * recent alarms). All of them render this one snapshot.
 */
final class StateReporter {
  private static final Logger log = LoggerFactory.getLogger(StateReporter.class);

  private final String gatewayId;
  private final Clock clock;
  private final Supplier<List<AdapterHealth>> adapters;
  private final RuleSupervisor rules;
  private final ActionDispatcher dispatcher;
  private final Ingress ingress;
  private final Uplink uplink;
  private final FleetNamespace namespace;

  StateReporter(
      String gatewayId,
      Clock clock,
      Supplier<List<AdapterHealth>> adapters,
      RuleSupervisor rules,
      ActionDispatcher dispatcher,
      Ingress ingress,
      Uplink uplink,
      FleetNamespace namespace) {
    this.gatewayId = gatewayId;
    this.clock = clock;
    this.adapters = adapters;
    this.rules = rules;
    this.dispatcher = dispatcher;
    this.ingress = ingress;
    this.uplink = uplink;
    this.namespace = namespace;
  }

  /** The snapshot now, with {@code status} ({@code online}, {@code offline}). */
  GatewayState snapshot(String status) {
    return StateSnapshots.collect(
        status,
        gatewayId,
        clock.instant(),
        adapters.get(),
        rules.slots(),
        rules.failedRules(),
        dispatcher,
        ingress,
        uplink);
  }

  /** Publishes the state message (the scheduler, every {@code pipeline.health_interval}). */
  void publish() {
    try {
      namespace.state(snapshot("online"), uplink::publish);
    } catch (RuntimeException e) {
      log.warn("state snapshot failed: {}", e.toString());
    }
  }

  /**
   * Starts the status page, health, state and metrics server ({@code http:}); what it shows is this
   * snapshot with points, timings and recent alarms. Empty when {@code http.enabled} is false.
   */
  Optional<StatusServer> serveHttp(
      HttpSection http,
      PrometheusMetrics metrics,
      LatestSamples latest,
      RuleMeters meters,
      Liveness liveness) {
    StatusView view =
        new StatusView(
            () -> snapshot("online"), latest, dispatcher::recentAlarms, meters, liveness);
    return StatusServer.start(
        http, metrics, view::stateJson, view::health, GatewayThreads.named("edgerule-http"));
  }
}
