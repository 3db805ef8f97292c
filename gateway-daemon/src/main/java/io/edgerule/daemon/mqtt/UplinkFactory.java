package io.edgerule.daemon.mqtt;

import io.edgerule.adapter.TextFile;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.MqttConfig;
import io.edgerule.daemon.config.MqttTls;
import io.edgerule.daemon.config.OutboxSection;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TlsConfig;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.mqtt.outbox.ForwarderConfig;
import io.edgerule.mqtt.outbox.OutboxConfig;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the gateway's {@link OutboxUplink} from its config. */
public final class UplinkFactory {
  private static final Logger log = LoggerFactory.getLogger(UplinkFactory.class);

  /**
   * Publishes the transport lets wait for the broker's acknowledgement. The forwarder uses all but
   * {@link #RESERVED} of them, so that the online state sent on connect always finds room.
   */
  static final int MAX_IN_FLIGHT = 1000;

  static final int RESERVED = 16;

  private UplinkFactory() {}

  /**
   * The uplink of {@code config}: {@link #open} it, or {@link Uplink#none()} when the config has no
   * {@code mqtt:} section (a gateway that only runs rules locally).
   */
  public static Uplink openOrNone(GatewayConfig config, FleetNamespace namespace)
      throws IOException {
    if (config.mqtt() == null) {
      log.warn("no 'mqtt:' section: telemetry, alarms and rule publications are not sent anywhere");
      return Uplink.none();
    }
    return open(config, namespace);
  }

  /**
   * @param namespace gives the last will (asked before every connection, {@link OutboxUplink}) and
   *     the birth messages sent after every connect
   */
  public static OutboxUplink open(GatewayConfig config, FleetNamespace namespace)
      throws IOException {
    // No will here: OutboxUplink asks the namespace for one before every connection attempt.
    TransportConfig transport = transportConfig(config);
    OutboxSection section = config.outbox();
    OutboxConfig outbox = section.outboxConfig(config.gateway().stateDir());
    ForwarderConfig forwarding =
        ForwarderConfig.defaults()
            .withWindow(MAX_IN_FLIGHT - RESERVED)
            .withBacklogShare(section.replayShare());
    return OutboxUplink.open(namespace, transport, outbox, forwarding);
  }

  /**
   * For {@code edgerule check}: the files the uplink reads when it starts (password file, TLS CA,
   * certificate and key) can be used.
   *
   * @return what is wrong, naming the file; null when all is well (or there is no uplink)
   */
  public static String fileProblem(GatewayConfig config) {
    if (config.mqtt() == null) {
      return null;
    }
    try {
      // Reads and parses the TLS files as a start would; connects to nothing.
      new MqttTransport(transportConfig(config)).close();
      return null;
    } catch (IOException | RuntimeException e) {
      return e.getMessage();
    }
  }

  private static TransportConfig transportConfig(GatewayConfig config) throws IOException {
    return transportConfig(config.mqtt(), config.gateway().id());
  }

  /**
   * The transport settings of {@code mqtt} (reads the password file).
   *
   * @param gatewayId for the default client id
   */
  static TransportConfig transportConfig(MqttConfig mqtt, String gatewayId) throws IOException {
    return TransportConfig.builder(mqtt.serverUri(), mqtt.clientIdFor(gatewayId))
        .credentials(mqtt.username(), password(mqtt))
        .keepAlive(mqtt.keepAlive())
        .connectTimeout(mqtt.connectTimeout())
        .maxInFlight(MAX_IN_FLIGHT)
        .reconnect(Duration.ofSeconds(1), mqtt.reconnectMax())
        .tls(tls(mqtt))
        .build();
  }

  private static TlsConfig tls(MqttConfig mqtt) {
    if (!mqtt.usesTls()) {
      return null;
    }
    MqttTls t = mqtt.tls();
    if (t == null) {
      return TlsConfig.systemDefault();
    }
    return new TlsConfig(
        t.caFile(), t.certFile(), t.keyFile(), t.keyPassword(), t.verifyHostname());
  }

  /** The password, from the config or the first line of {@code password_file}. */
  static String password(MqttConfig mqtt) throws IOException {
    if (mqtt.passwordFile() == null) {
      return mqtt.password();
    }
    String text;
    try {
      text = TextFile.read(mqtt.passwordFile(), 4096, "is it a password file?");
    } catch (TextFile.Unreadable e) {
      throw new IOException("mqtt.password_file " + mqtt.passwordFile() + ": " + e.problem(), e);
    }
    String line = text.lines().findFirst().orElse("");
    if (line.isEmpty()) {
      throw new IOException("mqtt.password_file " + mqtt.passwordFile() + ": the file is empty");
    }
    return line;
  }
}
