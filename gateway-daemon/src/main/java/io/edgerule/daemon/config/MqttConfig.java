package io.edgerule.daemon.config;

import io.edgerule.adapter.DurationText;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The MQTT uplink to the fleet.
 *
 * @param broker {@code tcp://host:port} (TLS arrives with the uplink issue)
 * @param clientId defaults to {@code edgerule-<gateway id>}
 * @param topicPrefix first topic segment of everything this gateway publishes (default "edgerule")
 * @param telemetry publish every point change under {@code <prefix>/<gateway>/telemetry/...}
 * @param telemetryQos QoS of telemetry (0 or 1)
 */
public record MqttConfig(
    URI broker,
    String clientId,
    String username,
    String password,
    String topicPrefix,
    Boolean telemetry,
    Integer telemetryQos,
    Duration keepAlive,
    Duration connectTimeout) {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  public MqttConfig {
    if (broker == null) {
      throw new IllegalArgumentException("broker: required, e.g. tcp://127.0.0.1:1883");
    }
    if (!"tcp".equals(broker.getScheme()) || broker.getHost() == null) {
      throw new IllegalArgumentException(
          "broker: must look like tcp://host:port, got '" + broker + "'");
    }
    topicPrefix = topicPrefix == null ? "edgerule" : topicPrefix;
    if (!SEGMENT.matcher(topicPrefix).matches()) {
      throw new IllegalArgumentException(
          "topic_prefix: must be one topic segment of letters, digits, '_', '.' or '-', got '"
              + topicPrefix
              + "'");
    }
    telemetry = telemetry == null || telemetry;
    telemetryQos = telemetryQos == null ? 0 : telemetryQos;
    if (telemetryQos != 0 && telemetryQos != 1) {
      throw new IllegalArgumentException("telemetry_qos: must be 0 or 1, got " + telemetryQos);
    }
    keepAlive = keepAlive == null ? Duration.ofSeconds(30) : keepAlive;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    // Paho takes both as int seconds: 0s silently became 1s, and a huge value overflowed the int
    // cast into a negative number that Paho rejects when connecting (after the config was
    // accepted). MQTT sends the keep-alive as a 16-bit number of seconds.
    if (keepAlive.compareTo(Duration.ofSeconds(1)) < 0
        || keepAlive.compareTo(Duration.ofSeconds(65_535)) > 0) {
      throw new IllegalArgumentException(
          "keep_alive: must be 1s..65535s, got " + DurationText.format(keepAlive));
    }
    if (connectTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || connectTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "connect_timeout: must be 1s..1h, got " + DurationText.format(connectTimeout));
    }
    if (password != null && username == null) {
      throw new IllegalArgumentException("password: is set but username is not");
    }
  }

  /** The broker URI as Paho wants it (it takes tcp://host:port, no path). */
  public String serverUri() {
    int port = broker.getPort() < 0 ? 1883 : broker.getPort();
    return "tcp://" + broker.getHost() + ":" + port;
  }

  public String clientIdFor(String gatewayId) {
    return clientId != null ? clientId : "edgerule-" + gatewayId;
  }
}
