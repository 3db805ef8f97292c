package io.edgerule.daemon.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Image downloads over HTTP(S) ({@code ota.http:}): which hosts a rollout's URLs may name, whether
 * plain http is allowed, the CAs a private server's certificate is checked against, an optional
 * proxy, and whether the MQTT chunks are the fallback. A URL the settings do not allow is refused
 * before any connection, naming its host. Documented in docs/reference/config.md; the behaviour in
 * docs/concepts/ota.md.
 *
 * @param hosts host names (or IP addresses) a rollout's URL may name, exact ({@code
 *     cdn.example.com}) or a wildcard for the names under a domain ({@code *.example.com}); empty
 *     (the default): no URL is fetched, images come over MQTT
 * @param allowPlainHttp also allow {@code http://} URLs (default false: https only)
 * @param caFile PEM certificates that may sign the servers' certificates (a private PKI); unset:
 *     the JDK's default CAs
 * @param proxy an HTTP proxy, {@code http://host:port}, for every download (unset: direct)
 * @param mqttFallback when all URLs of an image failed or were refused, download its chunks over
 *     MQTT (default true)
 */
public record OtaHttp(
    List<String> hosts, Boolean allowPlainHttp, Path caFile, URI proxy, Boolean mqttFallback) {
  public static final OtaHttp DEFAULTS = new OtaHttp(null, null, null, null, null);

  private static final Pattern HOST =
      Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?|\\[[0-9a-f:.]{2,45}\\]");

  public OtaHttp {
    List<String> checked = new ArrayList<>();
    if (hosts != null) {
      for (int i = 0; i < hosts.size(); i++) {
        String h = hosts.get(i).strip().toLowerCase(Locale.ROOT);
        if (!HOST.matcher(h).matches()) {
          throw new IllegalArgumentException(
              "hosts["
                  + i
                  + "]: '"
                  + hosts.get(i)
                  + "' is not a host name: give the name alone (cdn.example.com, *.example.com,"
                  + " 10.0.0.5), without scheme, port or path");
        }
        checked.add(h);
      }
    }
    hosts = List.copyOf(checked);
    allowPlainHttp = allowPlainHttp != null && allowPlainHttp;
    mqttFallback = mqttFallback == null || mqttFallback;
    if (proxy != null
        && (!"http".equals(proxy.getScheme())
            || proxy.getHost() == null
            || proxy.getPort() < 1
            || !(proxy.getRawPath() == null || proxy.getRawPath().isEmpty()))) {
      throw new IllegalArgumentException(
          "proxy: must look like http://host:port, got '" + proxy + "'");
    }
  }

  OtaHttp resolveAgainst(Path dir) {
    return new OtaHttp(hosts, allowPlainHttp, MqttTls.resolve(dir, caFile), proxy, mqttFallback);
  }
}
