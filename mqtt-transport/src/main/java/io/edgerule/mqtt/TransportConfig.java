package io.edgerule.mqtt;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One MQTT connection, validated when built: every error names the setting and what is wrong.
 *
 * @param serverUri {@code tcp://host[:1883]}, {@code ssl://host[:8883]} or {@code
 *     mqtts://host[:8883]}
 * @param clientId 1..65535 bytes of UTF-8 (MQTT 3.1.1 brokers accept any length up to that)
 * @param username optional; {@code password} needs it
 * @param keepAlive 1 s..65535 s (MQTT sends it as a 16-bit number of seconds)
 * @param connectTimeout 1 s..1 h, TCP connect and TLS handshake each
 * @param maxInFlight publishes handed to the broker and not yet acknowledged (QoS 1) or written
 *     (QoS 0); a publish beyond it fails at once with {@link PublishException.Reason#WINDOW_FULL}
 * @param cleanSession MQTT clean session; subscriptions are restored after every reconnect either
 *     way
 * @param reconnectMin first delay before reconnecting; doubles up to {@code reconnectMax}, less up
 *     to 20% jitter so that a fleet does not reconnect in lockstep
 * @param will optional last will, sent by the broker when the connection dies without DISCONNECT
 * @param tls TLS settings; required for nothing ({@code ssl://} without it trusts the JVM's default
 *     CAs and verifies the host name), refused with {@code tcp://}
 */
public record TransportConfig(
    URI serverUri,
    String clientId,
    String username,
    String password,
    Duration keepAlive,
    Duration connectTimeout,
    int maxInFlight,
    boolean cleanSession,
    Duration reconnectMin,
    Duration reconnectMax,
    Will will,
    TlsConfig tls) {

  /** A last will: published by the broker for us when the connection breaks. */
  public record Will(String topic, byte[] payload, int qos, boolean retained) {
    public Will {
      Topics.requireTopicName("will topic", topic);
      Objects.requireNonNull(payload, "will payload");
      payload = payload.clone();
      PublishException.requireQos(qos);
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }
  }

  public TransportConfig {
    if (serverUri == null) {
      throw new IllegalArgumentException("server_uri is required, e.g. tcp://127.0.0.1:1883");
    }
    String scheme = serverUri.getScheme();
    if (scheme == null
        || !(scheme.equals("tcp") || scheme.equals("ssl") || scheme.equals("mqtts"))
        || serverUri.getHost() == null) {
      throw new IllegalArgumentException(
          "server_uri must look like tcp://host:port, ssl://host:port or mqtts://host:port, got '"
              + serverUri
              + "'");
    }
    if (serverUri.getRawPath() != null && !serverUri.getRawPath().isEmpty()) {
      throw new IllegalArgumentException("server_uri must have no path, got '" + serverUri + "'");
    }
    if (tls != null && scheme.equals("tcp")) {
      throw new IllegalArgumentException(
          "tls is set but server_uri '" + serverUri + "' is plain tcp://; use ssl:// or mqtts://");
    }
    if (tls == null && !scheme.equals("tcp")) {
      tls = TlsConfig.systemDefault();
    }
    if (clientId == null || clientId.isEmpty()) {
      throw new IllegalArgumentException("client_id is required");
    }
    if (clientId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 65_535) {
      throw new IllegalArgumentException("client_id is longer than 65535 bytes");
    }
    if (password != null && username == null) {
      throw new IllegalArgumentException("password is set but username is not");
    }
    keepAlive = keepAlive == null ? Duration.ofSeconds(30) : keepAlive;
    if (keepAlive.compareTo(Duration.ofSeconds(1)) < 0
        || keepAlive.compareTo(Duration.ofSeconds(65_535)) > 0) {
      throw new IllegalArgumentException("keep_alive must be 1s..65535s, got " + keepAlive);
    }
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    if (connectTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || connectTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("connect_timeout must be 1s..1h, got " + connectTimeout);
    }
    // Paho allocates message ids 1..65535; the window must leave room for subscribe packets.
    if (maxInFlight < 1 || maxInFlight > 65_000) {
      throw new IllegalArgumentException("max_in_flight must be 1..65000, got " + maxInFlight);
    }
    reconnectMin = reconnectMin == null ? Duration.ofSeconds(1) : reconnectMin;
    reconnectMax = reconnectMax == null ? Duration.ofSeconds(60) : reconnectMax;
    if (reconnectMin.compareTo(Duration.ofMillis(10)) < 0) {
      throw new IllegalArgumentException(
          "reconnect_min must be at least 10ms, got " + reconnectMin);
    }
    if (reconnectMax.compareTo(reconnectMin) < 0
        || reconnectMax.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "reconnect_max must be reconnect_min.." + Duration.ofDays(1) + ", got " + reconnectMax);
    }
  }

  /** A configuration with the defaults: keep-alive 30 s, window 1000, clean session. */
  public static Builder builder(String serverUri, String clientId) {
    return new Builder(URI.create(serverUri), clientId);
  }

  /** {@code tcp://host:port} or {@code ssl://host:port}, as Paho wants it. */
  public String pahoUri() {
    boolean tlsScheme = !serverUri.getScheme().equals("tcp");
    int port = serverUri.getPort() >= 0 ? serverUri.getPort() : tlsScheme ? 8883 : 1883;
    return (tlsScheme ? "ssl://" : "tcp://") + serverUri.getHost() + ":" + port;
  }

  /** The delay before reconnect attempt {@code attempt} (0 for the first). */
  public Duration reconnectDelay(int attempt) {
    long min = reconnectMin.toMillis();
    long max = reconnectMax.toMillis();
    long nominal = attempt >= 40 ? max : Math.min(max, min << Math.min(attempt, 40));
    if (nominal < 0) {
      nominal = max;
    }
    long jitter = (long) (nominal * 0.2 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(Math.max(1, nominal - jitter));
  }

  @Override
  public String toString() { // never the password
    return "TransportConfig[" + serverUri + ", client " + clientId + "]";
  }

  /** Builds a {@link TransportConfig}; {@link #build()} validates. */
  public static final class Builder {
    private final URI serverUri;
    private final String clientId;
    private String username;
    private String password;
    private Duration keepAlive;
    private Duration connectTimeout;
    private int maxInFlight = 1000;
    private boolean cleanSession = true;
    private Duration reconnectMin;
    private Duration reconnectMax;
    private Will will;
    private TlsConfig tls;

    private Builder(URI serverUri, String clientId) {
      this.serverUri = serverUri;
      this.clientId = clientId;
    }

    public Builder credentials(String username, String password) {
      this.username = username;
      this.password = password;
      return this;
    }

    public Builder keepAlive(Duration keepAlive) {
      this.keepAlive = keepAlive;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    public Builder cleanSession(boolean cleanSession) {
      this.cleanSession = cleanSession;
      return this;
    }

    public Builder reconnect(Duration min, Duration max) {
      this.reconnectMin = min;
      this.reconnectMax = max;
      return this;
    }

    public Builder will(Will will) {
      this.will = will;
      return this;
    }

    public Builder tls(TlsConfig tls) {
      this.tls = tls;
      return this;
    }

    public TransportConfig build() {
      return new TransportConfig(
          serverUri,
          clientId,
          username,
          password,
          keepAlive,
          connectTimeout,
          maxInFlight,
          cleanSession,
          reconnectMin,
          reconnectMax,
          will,
          tls);
    }
  }
}
