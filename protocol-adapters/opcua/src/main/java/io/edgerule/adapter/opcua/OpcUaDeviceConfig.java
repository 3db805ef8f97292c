package io.edgerule.adapter.opcua;

import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.opcua.internal.Identities;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One OPC-UA server the gateway connects to ({@code protocol: opcua}).
 *
 * <pre>{@code
 * - name: plc1
 *   protocol: opcua
 *   endpoint: opc.tcp://10.0.0.5:4840
 *   security_policy: basic256sha256      # none | basic256sha256 | aes128_sha256_rsaoaep | aes256_sha256_rsapss
 *   security_mode: sign_and_encrypt      # none | sign | sign_and_encrypt
 *   identity: {type: username, username: gateway, password_file: /etc/edgerule/plc1.pw}
 *   publishing_interval: 500ms
 *   request_timeout: 5s
 *   reconnect: {initial: 1s, max: 30s, multiplier: 2}
 *   points:
 *     - {name: tank/temperature, node_id: "ns=2;s=Tank/Temperature"}
 *     - {name: pump/command, node_id: "ns=2;s=Pump/Command", writable: true}
 * }</pre>
 *
 * @param name the device name: the first segment of its point ids
 * @param endpoint the server's endpoint URL; its host and port are used for the connection even
 *     when the server advertises another host name in its endpoint list (common behind NAT)
 * @param securityPolicy default BASIC256SHA256 (secure by default); NONE only with mode NONE
 * @param securityMode default SIGN_AND_ENCRYPT for a secure policy, NONE for policy NONE
 * @param identity default anonymous
 * @param publishingInterval how often the server sends changes (default 1s)
 * @param requestTimeout how long one service call may take before it counts as failed (default 5s)
 * @param reconnect backoff between connection attempts after a failure or a lost session
 * @param points the variables to subscribe to
 */
public record OpcUaDeviceConfig(
    String name,
    String endpoint,
    SecurityPolicyName securityPolicy,
    SecurityMode securityMode,
    OpcUaIdentity identity,
    Duration publishingInterval,
    Duration requestTimeout,
    Backoff reconnect,
    List<OpcUaPointConfig> points)
    implements DeviceConfig {

  /** Identity files (password file, user certificate and key) resolved against {@code dir}. */
  @Override
  public OpcUaDeviceConfig resolvePaths(java.nio.file.Path dir) {
    return new OpcUaDeviceConfig(
        name,
        endpoint,
        securityPolicy,
        securityMode,
        identity == null ? null : identity.resolvePaths(dir),
        publishingInterval,
        requestTimeout,
        reconnect,
        points);
  }

  /** The identity's files (certificate, key, password file) read and parsed as a connect would. */
  @Override
  public List<String> fileProblems() {
    return Identities.fileProblems(identity);
  }

  public static final Duration DEFAULT_PUBLISHING_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** The longest publishing or sampling interval: a day is beyond any live value. */
  static final Duration MAX_INTERVAL = Duration.ofDays(1);

  private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMillis(0xFFFF_FFFFL);

  public OpcUaDeviceConfig {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: every device needs a name");
    }
    try {
      new PointId(name, "x");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("name: " + e.getMessage());
    }
    endpoint = checkEndpoint(endpoint);
    securityPolicy = securityPolicy == null ? SecurityPolicyName.BASIC256SHA256 : securityPolicy;
    if (securityMode == null) {
      securityMode =
          securityPolicy == SecurityPolicyName.NONE
              ? SecurityMode.NONE
              : SecurityMode.SIGN_AND_ENCRYPT;
    }
    if (securityPolicy == SecurityPolicyName.NONE && securityMode != SecurityMode.NONE) {
      throw new IllegalArgumentException(
          "security_mode: policy none cannot "
              + securityMode.displayName()
              + "; choose a security_policy such as basic256sha256, or security_mode: none");
    }
    if (securityPolicy != SecurityPolicyName.NONE && securityMode == SecurityMode.NONE) {
      throw new IllegalArgumentException(
          "security_mode: none needs security_policy: none (policy "
              + securityPolicy.name().toLowerCase()
              + " signs every message); use sign or sign_and_encrypt");
    }
    identity = identity == null ? OpcUaIdentity.anonymous() : identity;
    publishingInterval =
        publishingInterval == null ? DEFAULT_PUBLISHING_INTERVAL : publishingInterval;
    // compared as Durations: toMillis() throws an ArithmeticException for huge ones
    if (publishingInterval.compareTo(Duration.ofMillis(10)) < 0) {
      throw new IllegalArgumentException(
          "publishing_interval: must be at least 10ms, got "
              + DurationText.format(publishingInterval));
    }
    if (publishingInterval.compareTo(MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "publishing_interval: must be at most 1 day, got "
              + DurationText.format(publishingInterval));
    }
    requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
    if (requestTimeout.compareTo(Duration.ofMillis(100)) < 0) {
      throw new IllegalArgumentException(
          "request_timeout: must be at least 100ms, got " + DurationText.format(requestTimeout));
    }
    if (requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) { // a UInt32 of ms on the wire
      throw new IllegalArgumentException(
          "request_timeout: must be at most 4294967295ms (49 days), got "
              + DurationText.format(requestTimeout));
    }
    reconnect = reconnect == null ? Backoff.DEFAULT : reconnect;
    points = points == null ? List.of() : points;
    Set<String> names = new HashSet<>();
    for (int i = 0; i < points.size(); i++) {
      OpcUaPointConfig p = points.get(i);
      if (p == null) { // checked before List.copyOf, which throws a bare NullPointerException
        throw new IllegalArgumentException("points[" + i + "]: empty entry");
      }
      if (!names.add(p.name())) {
        throw new IllegalArgumentException(
            "points[" + i + "].name: point '" + p.name() + "' is defined twice");
      }
    }
    points = List.copyOf(points);
  }

  private static String checkEndpoint(String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalArgumentException(
          "endpoint: required, e.g. opc.tcp://192.168.1.10:4840 (the server's endpoint URL)");
    }
    String e = endpoint.trim();
    URI uri;
    try {
      uri = new URI(e);
    } catch (URISyntaxException ex) {
      throw new IllegalArgumentException(
          "endpoint: '" + e + "' is not a URL: " + ex.getReason() + "; e.g. opc.tcp://host:4840");
    }
    if (!"opc.tcp".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException(
          "endpoint: '"
              + e
              + "' must start with opc.tcp:// (the only transport this gateway speaks)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("endpoint: '" + e + "' has no host");
    }
    if (uri.getPort() > 65535) {
      throw new IllegalArgumentException("endpoint: '" + e + "' has an invalid port");
    }
    return e;
  }

  /** The TCP port of the endpoint (4840, the OPC-UA default, when the URL has none). */
  public int port() {
    int port = URI.create(endpoint).getPort();
    return port < 0 ? 4840 : port;
  }

  /** The host of the endpoint. */
  public String host() {
    return URI.create(endpoint).getHost();
  }

  /** A device with defaults, for tests and code. */
  public static OpcUaDeviceConfig of(
      String name,
      String endpoint,
      SecurityPolicyName policy,
      SecurityMode mode,
      List<OpcUaPointConfig> points) {
    return new OpcUaDeviceConfig(name, endpoint, policy, mode, null, null, null, null, points);
  }
}
