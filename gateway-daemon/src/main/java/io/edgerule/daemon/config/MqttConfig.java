package io.edgerule.daemon.config;

import io.edgerule.adapter.DurationText;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The MQTT uplink to the fleet.
 *
 * @param broker {@code tcp://host[:1883]}, {@code ssl://host[:8883]} or {@code mqtts://host[:8883]}
 * @param password the password; or {@code passwordFile}, a file holding it (one line), so that the
 *     config can be shown without the secret
 * @param tls TLS files and host name verification for {@code ssl://} and {@code mqtts://}
 * @param clientId defaults to {@code edgerule-<gateway id>}
 * @param topicPrefix first topic segment of everything this gateway publishes (default "edgerule")
 * @param telemetry {@code per_point} (default: one message per point event), {@code batch} (one per
 *     device and read cycle or window) or {@code off}; {@code true}/{@code false} mean
 *     per_point/off
 * @param telemetryQos QoS of telemetry (0 or 1)
 * @param reconnectMax the longest wait between connection attempts (they start at 1 s and double,
 *     with jitter)
 * @param telemetryWindow in batch mode, the longest an event waits for its message (10ms..1h,
 *     default 1s)
 * @param namespace how events become topics and payloads ({@code json}, the default, or {@code
 *     sparkplug})
 * @param sparkplug the Sparkplug B group and edge node ids; required with {@code namespace:
 *     sparkplug}
 */
public record MqttConfig(
    URI broker,
    String clientId,
    String username,
    String password,
    Path passwordFile,
    MqttTls tls,
    String topicPrefix,
    TelemetrySettings.Mode telemetry,
    Integer telemetryQos,
    Duration keepAlive,
    Duration connectTimeout,
    Duration reconnectMax,
    Namespace namespace,
    Duration telemetryWindow,
    SparkplugConfig sparkplug) {

  /** The fleet namespaces ({@code io.edgerule.daemon.namespace}). */
  public enum Namespace {
    JSON,
    SPARKPLUG
  }

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  public MqttConfig {
    if (broker == null) {
      throw new IllegalArgumentException("broker: required, e.g. tcp://127.0.0.1:1883");
    }
    String scheme = broker.getScheme();
    if (scheme == null
        || !(scheme.equals("tcp") || scheme.equals("ssl") || scheme.equals("mqtts"))
        || broker.getHost() == null
        || (broker.getRawPath() != null && !broker.getRawPath().isEmpty())) {
      throw new IllegalArgumentException(
          "broker: must look like tcp://host:port, ssl://host:port or mqtts://host:port, got '"
              + broker
              + "'");
    }
    if (tls != null && scheme.equals("tcp")) {
      throw new IllegalArgumentException(
          "tls: is set but broker '" + broker + "' is plain tcp://; use ssl:// or mqtts://");
    }
    if (password != null && passwordFile != null) {
      throw new IllegalArgumentException("password_file: is set and so is password; keep one");
    }
    if (passwordFile != null && username == null) {
      throw new IllegalArgumentException("password_file: is set but username is not");
    }
    topicPrefix = topicPrefix == null ? "edgerule" : topicPrefix;
    if (!SEGMENT.matcher(topicPrefix).matches()) {
      throw new IllegalArgumentException(
          "topic_prefix: must be one topic segment of letters, digits, '_', '.' or '-', got '"
              + topicPrefix
              + "'");
    }
    telemetry = telemetry == null ? TelemetrySettings.Mode.PER_POINT : telemetry;
    telemetryWindow = telemetryWindow == null ? TelemetrySettings.DEFAULT_WINDOW : telemetryWindow;
    TelemetrySettings.checkWindow("telemetry_window", telemetryWindow);
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
    reconnectMax = reconnectMax == null ? Duration.ofSeconds(30) : reconnectMax;
    if (reconnectMax.compareTo(Duration.ofSeconds(1)) < 0
        || reconnectMax.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "reconnect_max: must be 1s..1h, got " + DurationText.format(reconnectMax));
    }
    namespace = namespace == null ? Namespace.JSON : namespace;
    if (namespace == Namespace.SPARKPLUG && sparkplug == null) {
      throw new IllegalArgumentException(
          "namespace: sparkplug needs a 'sparkplug:' section with group_id, e.g."
              + " sparkplug: {group_id: plant-1}");
    }
    if (password != null && username == null) {
      throw new IllegalArgumentException("password: is set but username is not");
    }
  }

  /** The broker URI with its port: {@code tcp://host:1883}, {@code ssl://host:8883}, ... */
  public String serverUri() {
    boolean plain = broker.getScheme().equals("tcp");
    int port = broker.getPort() >= 0 ? broker.getPort() : plain ? 1883 : 8883;
    return broker.getScheme() + "://" + broker.getHost() + ":" + port;
  }

  /** Whether the broker is reached over TLS ({@code ssl://} or {@code mqtts://}). */
  public boolean usesTls() {
    return !broker.getScheme().equals("tcp");
  }

  MqttConfig resolveAgainst(Path dir) {
    return new MqttConfig(
        broker,
        clientId,
        username,
        password,
        MqttTls.resolve(dir, passwordFile),
        tls == null ? null : tls.resolveAgainst(dir),
        topicPrefix,
        telemetry,
        telemetryQos,
        keepAlive,
        connectTimeout,
        reconnectMax,
        namespace,
        telemetryWindow,
        sparkplug);
  }

  @Override
  public String toString() { // never the password
    return "MqttConfig[broker="
        + broker
        + ", client_id="
        + clientId
        + ", username="
        + username
        + ", tls="
        + tls
        + "]";
  }

  /** The gateway's telemetry settings (a device may override them). */
  public TelemetrySettings telemetrySettings() {
    return new TelemetrySettings(telemetry, telemetryWindow);
  }

  public String clientIdFor(String gatewayId) {
    return clientId != null ? clientId : "edgerule-" + gatewayId;
  }
}
