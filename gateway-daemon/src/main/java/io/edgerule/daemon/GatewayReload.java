package io.edgerule.daemon;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.daemon.adapters.AdapterSet;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.ota.GatewayOta;
import io.edgerule.daemon.reload.ConfigReloader;
import io.edgerule.daemon.reload.ConfigSource;
import io.edgerule.daemon.reload.ReloadReport;
import io.edgerule.daemon.rules.RuleReconciler;
import io.edgerule.daemon.rules.RuleSupervisor;
import io.edgerule.daemon.state.LatestSamples;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway taking a new config. {@link ConfigReloader} decides what changed and restarts
 * only that; this gives it what it needs from the rest of the gateway (whether an OTA image's rules
 * run, what follows a change of the devices) and runs it on the gateway's reload thread: SIGHUP, a
 * change of the file and the MQTT {@code reload} command come from threads that must not wait for
 * devices and rules to restart, and one reload at a time.
 */
final class GatewayReload {
  private static final Logger log = LoggerFactory.getLogger(GatewayReload.class);

  private final ConfigReloader reloader;
  private final ExecutorService reloadThread;
  private final GatewayOta ota;
  private final AdapterSet adapters;
  private final LatestSamples latest;
  private final FleetNamespace namespace;
  private final Uplink uplink;

  /**
   * @param telemetry takes new telemetry settings (the ingress's journal, between two events)
   */
  GatewayReload(
      GatewayConfig config,
      List<AdapterFactory<?>> factories,
      AdapterSet adapters,
      RuleSupervisor rules,
      GatewayOta ota,
      LatestSamples latest,
      FleetNamespace namespace,
      Uplink uplink,
      ConfigReloader.Telemetry telemetry,
      ExecutorService reloadThread) {
    this.ota = ota;
    this.adapters = adapters;
    this.latest = latest;
    this.namespace = namespace;
    this.uplink = uplink;
    this.reloadThread = reloadThread;
    this.reloader =
        new ConfigReloader(
            config,
            adapters,
            factories,
            new RuleReconciler(rules),
            this::rulesFromImage,
            this::devicesChanged,
            telemetry,
            uplink);
  }

  /** Where {@link #reload()} reads the config from; until it is set, a reload is refused. */
  void source(ConfigSource source) {
    reloader.source(source);
  }

  /** Reads the config again and applies what changed, on the reload thread. */
  CompletableFuture<ReloadReport> reload() {
    return CompletableFuture.supplyAsync(reloader::reload, reloadThread)
        .whenComplete(
            (report, e) -> {
              if (e != null) {
                log.error("config reload failed: {}", e.toString());
              }
            });
  }

  /** Applies {@code next}, a loaded config, on the reload thread; waits for it. */
  ReloadReport apply(GatewayConfig next) {
    return CompletableFuture.supplyAsync(() -> reloader.apply(next), reloadThread).join();
  }

  /** Whether the rules of an OTA image run (then a reload leaves the config's rules alone). */
  private boolean rulesFromImage() {
    var store = ota.store();
    var active = store.pointer().active();
    return active != null && store.idOf(active).isPresent();
  }

  /** After a reload changed the devices: the new point table, and births that list it. */
  private void devicesChanged() {
    latest.reshape(adapters.directory().all());
    namespace.birth(uplink::publish);
  }
}
