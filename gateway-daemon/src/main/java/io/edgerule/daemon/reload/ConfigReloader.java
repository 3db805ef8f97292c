package io.edgerule.daemon.reload;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.daemon.adapters.AdapterSet;
import io.edgerule.daemon.config.ConfigException;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.rules.RuleChanges;
import io.edgerule.daemon.rules.RuleReconciler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a new config to a running gateway, restarting only what changed
 * (docs/reference/config.md, "Reload"): devices by their adapter's key ({@link AdapterSet#apply}),
 * rules by name ({@link RuleReconciler}), telemetry settings between two events ({@link
 * LiveTelemetry}), the uplink's connection in place ({@link LiveUplink}). An invalid config is
 * refused with its error and changes nothing; settings that only take effect at start are reported
 * as needing a restart. One reload at a time: SIGHUP, a change of the file and the {@code reload}
 * command may come together.
 */
public final class ConfigReloader {
  private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

  private final AdapterSet adapters;
  private final List<AdapterFactory<?>> factories;
  private final RuleReconciler rules;
  private final BooleanSupplier rulesFromImage;
  private final Runnable devicesChanged;
  private final Telemetry telemetry;
  private final Uplink uplink;
  private volatile ConfigSource source;
  private GatewayConfig running; // guarded by this: the devices and rules in effect

  /** Takes new telemetry settings (the ingress's journal, between two events). */
  @FunctionalInterface
  public interface Telemetry {
    void apply(TelemetrySettings gateway, Map<String, TelemetrySettings> devices);
  }

  /**
   * @param rulesFromImage whether an OTA image's rules run (then the config's are not used)
   * @param devicesChanged called after the devices changed (new point table, births again)
   * @param telemetry called when the telemetry settings changed
   * @param uplink connects again when the connection settings changed
   */
  public ConfigReloader(
      GatewayConfig running,
      AdapterSet adapters,
      List<AdapterFactory<?>> factories,
      RuleReconciler rules,
      BooleanSupplier rulesFromImage,
      Runnable devicesChanged,
      Telemetry telemetry,
      Uplink uplink) {
    this.running = running;
    this.adapters = adapters;
    this.factories = List.copyOf(factories);
    this.rules = rules;
    this.rulesFromImage = rulesFromImage;
    this.devicesChanged = devicesChanged;
    this.telemetry = telemetry;
    this.uplink = uplink;
  }

  /** Where {@link #reload()} reads the config from; until set, a reload is refused. */
  public void source(ConfigSource source) {
    this.source = source;
  }

  /** Reads the config from the source and applies it. Never throws. */
  public synchronized ReloadReport reload() {
    ConfigSource s = source;
    if (s == null) {
      return logged(
          ReloadReport.unavailable(
              "this gateway was not started from a config file: nothing to reload"));
    }
    GatewayConfig next;
    try {
      next = s.load();
    } catch (ConfigException e) {
      return logged(ReloadReport.refused(e.getMessage()));
    } catch (RuntimeException e) {
      return logged(ReloadReport.refused("cannot read the config: " + e));
    }
    return apply(next);
  }

  /** Applies {@code next} (already loaded and validated). Never throws. */
  public synchronized ReloadReport apply(GatewayConfig next) {
    Map<String, AdapterSet.Unit> units;
    try {
      units = AdapterSet.plan(next.devices(), factories);
    } catch (RuntimeException e) {
      return logged(ReloadReport.refused(String.valueOf(e.getMessage())));
    }
    List<String> restart = new ArrayList<>(RestartOnly.changed(running, next));
    Map<String, String> settingsFailed = new LinkedHashMap<>();
    // The uplink first: what the changes below publish goes to the new broker (via the outbox).
    List<String> live = new ArrayList<>();
    boolean uplinkApplied = reconnectUplink(next, live, restart, settingsFailed);
    // Telemetry before the devices: a device added below sends its first events as configured.
    List<String> telemetryChanged = LiveTelemetry.changed(running, next);
    if (!telemetryChanged.isEmpty()) {
      telemetry.apply(LiveTelemetry.gateway(running, next), next.deviceTelemetry());
      live.addAll(telemetryChanged);
    }
    AdapterSet.Changes devices = adapters.apply(units);
    if (!devices.added().isEmpty()
        || !devices.changed().isEmpty()
        || !devices.changedInPlace().isEmpty()
        || !devices.removed().isEmpty()) {
      devicesChanged.run();
    }
    RuleChanges ruleChanges =
        rulesFromImage.getAsBoolean()
            ? RuleChanges.unmanaged(
                "the rules of the active OTA image run; the config's rules apply without one")
            : rules.apply(next.rules());
    // Devices, rules and telemetry are now the new config's; the rest keeps its running values.
    running =
        new GatewayConfig(
            running.gateway(),
            next.devices(),
            next.rules(),
            LiveUplink.inEffect(running.mqtt(), next.mqtt(), uplinkApplied),
            running.pipeline(),
            running.ruleLimits(),
            running.outbox(),
            running.http(),
            running.ota(),
            next.deviceTelemetry());
    boolean changed = !devices.isEmpty() || ruleChanges.changedAny() || !live.isEmpty();
    return logged(
        new ReloadReport(
            changed ? ReloadReport.Outcome.APPLIED : ReloadReport.Outcome.UNCHANGED,
            null,
            devices,
            ruleChanges,
            live,
            restart,
            settingsFailed));
  }

  /**
   * Connects the uplink again if {@code next} changes its connection settings and the uplink can
   * ({@link Uplink#reconnect}); else they are added to {@code restart}. A new setting that cannot
   * be used (a TLS file) is reported in {@code failed}, and the running connection stays.
   *
   * @return whether the uplink took the new settings
   */
  private boolean reconnectUplink(
      GatewayConfig next, List<String> live, List<String> restart, Map<String, String> failed) {
    List<String> changed = LiveUplink.changed(running, next);
    if (changed.isEmpty()) {
      return false;
    }
    try {
      if (uplink.reconnect(next.mqtt(), running.gateway().id())) {
        live.addAll(changed);
        return true;
      }
      restart.addAll(changed);
    } catch (IOException | RuntimeException e) {
      failed.put("mqtt", e.getMessage() + "; the running connection stays");
    }
    return false;
  }

  private static ReloadReport logged(ReloadReport report) {
    switch (report.outcome()) {
      case REFUSED -> log.error("config reload: {}", report.summary());
      case UNAVAILABLE -> log.warn("config reload: {}", report.summary());
      default -> {
        if (report.hasFailures() || !report.needsRestart().isEmpty()) {
          log.warn("config reloaded: {}", report.summary());
        } else {
          log.info("config reloaded: {}", report.summary());
        }
      }
    }
    return report;
  }
}
