package io.edgerule.daemon.config;

/**
 * The gateway's one small HTTP server ({@code http:}): the Prometheus endpoint ({@code /metrics}),
 * the health JSON ({@code /health}), the state JSON ({@code /api/state}) and the live status page
 * ({@code /}). Read-only; it changes nothing on the gateway. Documented in docs/reference/config.md
 * and docs/reference/metrics.md.
 *
 * @param enabled whether to serve at all (default true)
 * @param address the address to listen on (default {@code 127.0.0.1}: this machine only; {@code
 *     0.0.0.0} for every interface, behind a firewall or a reverse proxy: there is no login)
 * @param port the TCP port (default {@value #DEFAULT_PORT}; 0 takes any free port)
 */
public record HttpSection(Boolean enabled, String address, Integer port) {
  public static final int DEFAULT_PORT = 9470;
  public static final HttpSection DEFAULTS = new HttpSection(null, null, null);

  public HttpSection {
    enabled = enabled == null || enabled;
    address = address == null ? "127.0.0.1" : address.strip();
    port = port == null ? DEFAULT_PORT : port;
    if (address.isEmpty() || !address.matches("[A-Za-z0-9.:\\-\\[\\]%]+")) {
      throw new IllegalArgumentException(
          "address: must be an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0, got '"
              + address
              + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: must be 0..65535, got " + port);
    }
  }

  /** Off: no server (the state still goes out over MQTT). */
  public static HttpSection off() {
    return new HttpSection(false, null, null);
  }
}
