package io.edgerule.daemon;

import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.json.JsonTopics;
import io.edgerule.daemon.ota.GatewayOta;
import io.edgerule.daemon.ota.HealthCounters;
import io.edgerule.daemon.rules.RuleSupervisor;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * The OTA updater's part in a gateway's start, which decides the rules the gateway starts with: the
 * active image slot's when one is committed or on trial, the config's otherwise. Only once they are
 * loaded does the updater start (it reports a fallback made at this start, resumes a live trial or
 * publishes its last status again) and follow the fleet's rollouts.
 */
final class OtaAtStart {
  private OtaAtStart() {}

  /** Opens the updater, loads the rules this start runs and starts the updater. */
  static GatewayOta open(
      GatewayConfig config,
      RuleSupervisor rules,
      HealthCounters health,
      Executor deployThread,
      Uplink uplink,
      Clock clock)
      throws IOException {
    // The OTA status topic is the JSON scheme's whatever the fleet namespace (issue 14).
    String otaTopic =
        new JsonTopics(
                config.mqtt() == null ? "edgerule" : config.mqtt().topicPrefix(),
                config.gateway().id())
            .otaStatus();
    GatewayOta ota =
        GatewayOta.open(
            config,
            rules,
            health,
            deployThread,
            status -> uplink.publish(otaTopic, status.toJson(), 1, true),
            clock);
    if (!ota.loadAtStart()) { // the active image slot's rules, if one is committed or on trial
      rules.loadConfigured();
    }
    ota.start();
    ota.follow(uplink); // ota.enabled: rollouts and rollback switches over MQTT
    return ota;
  }
}
